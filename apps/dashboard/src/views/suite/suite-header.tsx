import type { SuiteView } from '../../api/types';
import { StatusBadge } from '../../components/status-badge';
import { TemporalLink } from '../../components/temporal-link';
import { formatDateTime, shortHash } from '../../format';
import { LineageLink } from '../../routes/link';

export function SuiteHeader({ suite }: { suite: SuiteView }) {
  return (
    <header className="page-head">
      <div className="title-row">
        <h1>{suite.name}</h1>
        <StatusBadge status={suite.status} />
      </div>
      {suite.error && <p className="form-error">{suite.error}</p>}
      <dl className="facts">
        <div>
          <dt>id</dt>
          <dd className="mono">{suite.id}</dd>
        </div>
        <div>
          <dt>created</dt>
          <dd>{formatDateTime(suite.createdAt)}</dd>
        </div>
        <div>
          <dt>spec</dt>
          <dd className="mono">
            <LineageLink kind="suite" id={suite.id} title={suite.specHash}>
              {shortHash(suite.specHash)}
            </LineageLink>
          </dd>
        </div>
        <div>
          <dt>workflow</dt>
          <dd>
            <TemporalLink workflowId={suite.workflowId} label={suite.workflowId ?? undefined} />
          </dd>
        </div>
        {suite.probes.map((probe) => (
          <div key={probe.taskQueue + probe.hostname}>
            <dt>queue {probe.taskQueue}</dt>
            <dd>
              {probe.backend}
              {probe.cudaDevice && ` (${probe.cudaDevice})`} on {probe.hostname}, {probe.threads} threads
            </dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
