import type { VisualizationSpec } from 'vega-embed';
import { api, apiUrl } from '../../api/client';
import type { AnalysisResult, AnalysisView, ArtifactView } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { VegaFigure } from '../../charts/vega-figure';
import { StatusBadge } from '../../components/status-badge';
import { CsvButton } from '../../export/csv-button';
import { formatCompact, formatValue } from '../../format';
import { LineageLink } from '../../routes/link';
import { Loading } from '../loading';

/** The analyses store each figure as the Vega-Lite spec they rendered it from, next to its SVG and PNG. */
const isChartSpec = (artifact: ArtifactView) => artifact.name.endsWith('.vl.json');

const describeParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .filter(([name]) => name !== 'kind')
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');

/** One analysis: its status, its figures as they land, its headline table and summary. */
export function AnalysisCard({ analysis }: { analysis: AnalysisView }) {
  // The detail changes only when the analysis does.
  const detail = useResource(`${analysis.id}:${analysis.updatedAt}`, () => api.analysis(analysis.id));
  const params = describeParams(analysis.params);
  return (
    <article className="analysis" data-analysis={analysis.id}>
      <div className="analysis-head">
        <h3>
          <LineageLink kind="analysis" id={analysis.id}>
            {analysis.kind}
          </LineageLink>
        </h3>
        <StatusBadge status={analysis.status} />
        {params && <span className="muted small-text">{params}</span>}
      </div>
      {analysis.error && <p className="form-error">{analysis.error}</p>}
      <div className="figures">
        {analysis.artifacts.filter(isChartSpec).map((artifact) => (
          <AnalysisFigure key={artifact.sha256 + artifact.name} analysisId={analysis.id} artifact={artifact} />
        ))}
      </div>
      {detail.data ? (
        <AnalysisResultView analysis={analysis} result={detail.data.result} />
      ) : (
        analysis.status === 'completed' && <Loading error={detail.error} what="the results" />
      )}
      {analysis.artifacts.length > 0 && (
        <details>
          <summary>All artefacts ({analysis.artifacts.length})</summary>
          <ul className="artifacts">
            {analysis.artifacts.map((a) => (
              <li key={a.name}>
                <a href={apiUrl(a.downloadPath)} download={a.name}>
                  {a.name}
                </a>{' '}
                <span className="muted">
                  {a.kind}, {formatCompact(a.bytes)}B
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}

function AnalysisFigure({ analysisId, artifact }: { analysisId: string; artifact: ArtifactView }) {
  const spec = useResource(artifact.downloadPath + artifact.sha256, () => api.artifactJson(artifact.downloadPath));
  if (!spec.data) return <Loading error={spec.error} what={artifact.name} />;
  return (
    <VegaFigure
      chart={`analysis:${analysisId}:${artifact.name}`}
      spec={spec.data as VisualizationSpec}
      fileName={artifact.name.replace(/\.vl\.json$/, '')}
      caption={
        <>
          Drawn from the analysis’s own spec,{' '}
          <a href={apiUrl(artifact.downloadPath)} download={artifact.name}>
            {artifact.name}
          </a>
          .
        </>
      }
    />
  );
}

function AnalysisResultView({ analysis, result }: { analysis: AnalysisView; result: AnalysisResult | null }) {
  const table = result?.table ?? [];
  const columns = result?.columns ?? [...new Set(table.flatMap((row) => Object.keys(row)))];
  return (
    <>
      {result?.summary && result.summary.length > 0 && (
        <ul className="summary">
          {result.summary.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {table.length > 0 && (
        <div className="analysis-table">
          <div className="table-tools">
            <CsvButton rows={table.map(csvCells)} columns={columns} fileName={`${analysis.kind}-${analysis.id.slice(0, 8)}`} />
          </div>
          <div className="table-scroll tall">
            <table aria-label={`${analysis.kind} results`} className="data">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.map((row, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c} className={typeof row[c] === 'number' ? 'num' : undefined}>
                        {typeof row[c] === 'number' ? (
                          <LineageLink kind="analysis" id={analysis.id}>
                            {formatValue(row[c])}
                          </LineageLink>
                        ) : (
                          formatValue(row[c])
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </>
  );
}

/** The CSV writer takes text and numbers: a boolean goes as its word. */
const csvCells = (row: Record<string, string | number | boolean | null>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
