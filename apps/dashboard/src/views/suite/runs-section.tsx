import type { ReactNode } from 'react';
import type { LiveRun, SuiteView } from '../../api/types';
import { Section } from '../../components/section';
import { StatusBadge } from '../../components/status-badge';
import { TemporalLink } from '../../components/temporal-link';
import { CsvButton } from '../../export/csv-button';
import { formatCompact, formatDuration, formatInteger, formatLoss } from '../../format';
import { LineageLink } from '../../routes/link';
import { runControls } from './control-actions';
import { runRows, type RunRow } from './run-rows';
import type { Control } from './use-controls';

interface RunsSectionProps {
  suite: SuiteView;
  live: ReadonlyMap<string, LiveRun>;
  onControl: (control: Control) => void;
}

export function RunsSection({ suite, live, onControl }: RunsSectionProps) {
  const rows = runRows(suite, live);
  return (
    <Section title="Runs" tools={<CsvButton rows={rows.map(csvRow)} fileName={`${suite.name}-runs`} />}>
      <div className="table-scroll">
        <table aria-label="Runs" className="data">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Model</th>
              <th scope="col">Size</th>
              <th scope="col">Variant</th>
              <th scope="col">Seed</th>
              <th scope="col">Branched from</th>
              <th scope="col">Status</th>
              <th scope="col">Step</th>
              <th scope="col">Loss</th>
              <th scope="col">Tokens/s</th>
              <th scope="col">ETA</th>
              <th scope="col">Engine</th>
              <th scope="col">Workflow</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <RunRowView key={row.run.id} row={row} onControl={onControl} />
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function RunRowView({ row, onControl }: { row: RunRow; onControl: (control: Control) => void }) {
  const { run, parent } = row;
  // Every number in the row is the run's: each opens the run's lineage.
  const traced = (content: ReactNode) => (
    <LineageLink kind="run" id={run.id}>
      {content}
    </LineageLink>
  );
  return (
    <tr data-run={run.name}>
      <th scope="row">
        {traced(run.name)}
        {run.error && <div className="run-error">{run.error}</div>}
      </th>
      <td>{run.modelName}</td>
      <td className="num">{run.parameters == null ? '—' : traced(formatCompact(run.parameters))}</td>
      <td>
        {run.variant}
        {run.transform && <span className="muted"> + {run.transform}</span>}
      </td>
      <td className="num">{traced(run.seed)}</td>
      <td>
        {parent ? (
          <>
            <LineageLink kind="run" id={parent.id}>
              {parent.name}
            </LineageLink>{' '}
            <span className="muted">at step {row.run.branchStep}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-field="status">
        <StatusBadge status={row.status} />
      </td>
      <td data-field="step" className="num">
        {traced(`${formatInteger(row.step)} / ${formatInteger(row.totalSteps)}`)}
      </td>
      <td data-field="loss" className="num">
        {row.lastLoss == null ? '—' : traced(formatLoss(row.lastLoss))}
      </td>
      <td data-field="tokensPerSecond" className="num">
        {row.tokensPerSecond == null ? '—' : traced(formatInteger(row.tokensPerSecond))}
      </td>
      <td data-field="eta" className="num">
        {row.etaSeconds == null ? '—' : traced(formatDuration(row.etaSeconds))}
      </td>
      <td data-field="engine" title={run.device ?? undefined}>
        {run.backend == null ? <span className="muted">—</span> : traced([run.backend, run.precision].filter(Boolean).join(' · '))}
      </td>
      <td>
        <TemporalLink workflowId={run.workflowId} />
      </td>
      <td className="actions">
        {runControls(run, row.status).map(({ text, name, control }) => (
          <button key={name} type="button" className="small" aria-label={name} onClick={() => onControl(control)}>
            {text}
          </button>
        ))}
      </td>
    </tr>
  );
}

function csvRow(row: RunRow) {
  const { run } = row;
  return {
    id: run.id,
    name: run.name,
    model: run.modelName,
    parameters: run.parameters,
    variant: run.variant,
    transform: run.transform,
    seed: run.seed,
    parentRunId: run.parentRunId,
    branchStep: run.branchStep,
    status: row.status,
    step: row.step,
    totalSteps: row.totalSteps,
    lastLoss: row.lastLoss,
    tokensPerSecond: row.tokensPerSecond,
    etaSeconds: row.etaSeconds,
    workflowId: run.workflowId,
  };
}
