import type { SuiteView } from '../../api/types';
import { Section } from '../../components/section';
import { CsvButton } from '../../export/csv-button';
import { formatInteger, shortHash } from '../../format';
import { LineageLink } from '../../routes/link';

export function CheckpointsSection({ suite }: { suite: SuiteView }) {
  const rows = suite.runs
    .flatMap((run) => run.checkpoints.map((checkpoint) => ({ run, checkpoint })))
    .sort((a, b) => a.run.name.localeCompare(b.run.name) || a.checkpoint.step - b.checkpoint.step);
  const csv = rows.map(({ run, checkpoint: c }) => ({ run: run.name, id: c.id, step: c.step, tokens: c.tokensSeen, sha256: c.sha256, uri: c.uri }));
  return (
    <Section title="Checkpoints" tools={<CsvButton rows={csv} fileName={`${suite.name}-checkpoints`} />}>
      {rows.length === 0 ? (
        <p className="muted">No checkpoint written yet.</p>
      ) : (
        <div className="table-scroll tall">
          <table aria-label="Checkpoints" className="data">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Step</th>
                <th scope="col">Tokens</th>
                <th scope="col">sha256</th>
                <th scope="col">Location</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ run, checkpoint: c }) => (
                <tr key={c.id} data-checkpoint={c.id}>
                  <td>{run.name}</td>
                  <td className="num">
                    <LineageLink kind="checkpoint" id={c.id}>
                      {formatInteger(c.step)}
                    </LineageLink>
                  </td>
                  <td className="num">
                    <LineageLink kind="checkpoint" id={c.id}>
                      {formatInteger(c.tokensSeen)}
                    </LineageLink>
                  </td>
                  <td className="mono">
                    <LineageLink kind="checkpoint" id={c.id} title={c.sha256}>
                      {shortHash(c.sha256)}
                    </LineageLink>
                  </td>
                  <td className="mono uri">{c.uri}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
