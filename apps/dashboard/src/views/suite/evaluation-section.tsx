import { evaluationCurveChart } from '@cohort/analysis/charts';
import { useId, useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { EvaluationView, SuiteView } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { VegaFigure } from '../../charts/vega-figure';
import { Section } from '../../components/section';
import { useReloadOn } from '../../live/use-reload-on';
import { navigate } from '../../routes/history';
import { paths } from '../../routes/paths';
import { Loading } from '../loading';

/** One curve family: a task's metric at a number of shots. */
interface Series {
  key: string;
  task: string;
  metric: string;
  shots: number;
  evaluations: EvaluationView[];
}

function seriesOf(evaluations: EvaluationView[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const e of evaluations) {
    const key = `${e.task}|${e.metric}|${e.shots}`;
    const series = byKey.get(key) ?? byKey.set(key, { key, task: e.task, metric: e.metric, shots: e.shots, evaluations: [] }).get(key)!;
    series.evaluations.push(e);
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

const seriesName = (s: Series) => `${s.task} · ${s.metric} · ${s.shots}-shot`;

export function EvaluationSection({ suite, refreshes }: { suite: SuiteView; refreshes: number }) {
  const evaluations = useResource(`evaluations:${suite.id}`, () => api.evaluations(suite.id));
  useReloadOn(evaluations.reload, refreshes);
  const series = useMemo(() => seriesOf(evaluations.data ?? []), [evaluations.data]);
  const [chosenKey, setChosenKey] = useState<string | null>(null);
  const [x, setX] = useState<'step' | 'tokens'>('step');
  const id = useId();
  const chosen = series.find((s) => s.key === chosenKey) ?? series[0];

  const transforms = useMemo(() => new Map(suite.runs.map((r) => [r.id, r.transform])), [suite.runs]);
  const spec = useMemo(() => {
    if (!chosen) return null;
    const rows = chosen.evaluations.map((e) => ({
      evaluationId: e.id,
      run: e.run,
      model: e.model,
      variant: e.variant,
      intervention: transforms.get(e.runId),
      step: e.step,
      tokens: e.tokens,
      value: e.value,
    }));
    return evaluationCurveChart(rows, { x, metric: chosen.metric });
  }, [chosen, x, transforms]);

  const tools = chosen && (
    <>
      <span className="control">
        <label htmlFor={`${id}series`}>Task and metric</label>
        <select id={`${id}series`} value={chosen.key} onChange={(e) => setChosenKey(e.target.value)}>
          {series.map((s) => (
            <option key={s.key} value={s.key}>
              {seriesName(s)}
            </option>
          ))}
        </select>
      </span>
      <fieldset className="control">
        <legend>x axis</legend>
        {(['step', 'tokens'] as const).map((axis) => (
          <span key={axis}>
            <input id={`${id}${axis}`} type="radio" name={`${id}x`} value={axis} checked={x === axis} onChange={() => setX(axis)} />
            <label htmlFor={`${id}${axis}`}>{axis === 'step' ? 'step' : 'tokens seen'}</label>
          </span>
        ))}
      </fieldset>
    </>
  );

  return (
    <Section title="Evaluation curves" tools={tools}>
      {!evaluations.data ? (
        <Loading error={evaluations.error} what="the evaluations" />
      ) : !chosen || !spec ? (
        <p className="muted">No evaluations yet.</p>
      ) : (
        <VegaFigure
          chart="evaluation"
          spec={spec}
          fileName={`${suite.name}-${chosen.task}-${chosen.metric}-${chosen.shots}shot`}
          onDatumClick={(datum) => typeof datum.evaluationId === 'string' && navigate(paths.lineage('evaluation', datum.evaluationId))}
          caption={
            <>
              {seriesName(chosen)} at each evaluated checkpoint, by {x === 'step' ? 'step' : 'tokens seen'}. Colour is the model, the dash the
              data (an intervention is dashed against its parent). Click a point for that evaluation’s lineage.
            </>
          }
        />
      )}
    </Section>
  );
}
