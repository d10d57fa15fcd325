import { useId, useState } from 'react';
import { api } from '../api/client';
import { suiteProgress } from '../api/suite-progress';
import type { SuiteStatus, SuiteSummaryView } from '../api/types';
import { useResource } from '../api/use-resource';
import { StatusBadge } from '../components/status-badge';
import { ProgressBar } from '../components/progress-bar';
import { CsvButton } from '../export/csv-button';
import { formatDateTime, formatPercent, shortHash } from '../format';
import { LineageLink, Link } from '../routes/link';
import { paths } from '../routes/paths';
import { Loading } from './loading';
import { useDocumentTitle } from './use-document-title';

/** The list is small and changes slowly: polling it is simpler than a stream per suite. */
const POLL_MS = 5000;
const STATUSES: SuiteStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

function matches(suite: SuiteSummaryView, query: string, status: string): boolean {
  const q = query.trim().toLowerCase();
  const text = !q || [suite.name, suite.id, suite.specHash].some((field) => field.toLowerCase().includes(q));
  return text && (!status || suite.status === status);
}

export function SuitesPage() {
  useDocumentTitle('Suites');
  // Pages of the newest 100; "Show older suites" loads one more page.
  const [pageCount, setPageCount] = useState(1);
  const suites = useResource(`suites:${pageCount}`, () => api.suites(pageCount), POLL_MS);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const id = useId();
  const shown = (suites.data?.items ?? []).filter((s) => matches(s, query, status));

  return (
    <div className="page">
      <h1>Suites</h1>
      <div className="filters">
        <label htmlFor={`${id}search`}>Search</label>
        <input
          id={`${id}search`}
          type="search"
          placeholder="name, id or spec hash"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label htmlFor={`${id}status`}>Status</label>
        <select id={`${id}status`} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <CsvButton
          fileName="suites"
          rows={shown.map((s) => ({ id: s.id, name: s.name, status: s.status, progress: suiteProgress(s), createdAt: s.createdAt, specHash: s.specHash }))}
        />
      </div>
      {suites.data === undefined ? (
        <Loading error={suites.error} what="the suites" />
      ) : (
        <table aria-label="Suites" className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Created</th>
              <th scope="col">Spec hash</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((suite) => (
              <tr key={suite.id} data-suite={suite.id}>
                <th scope="row">
                  <Link to={paths.suite(suite.id)}>{suite.name}</Link>
                </th>
                <td data-field="status">
                  <StatusBadge status={suite.status} />
                </td>
                <td data-field="progress">
                  <LineageLink kind="suite" id={suite.id} aria-label={`${suite.name}: ${formatPercent(suiteProgress(suite))} trained`}>
                    <ProgressBar fraction={suiteProgress(suite)} />
                  </LineageLink>
                </td>
                <td data-field="created">{formatDateTime(suite.createdAt)}</td>
                <td data-field="specHash" className="mono">
                  <LineageLink kind="suite" id={suite.id} title={suite.specHash}>
                    {shortHash(suite.specHash)}
                  </LineageLink>
                </td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {suites.data.items.length === 0 ? (
                    <>
                      No suites yet: launch one with <code>cohort suite launch spec.yaml</code>.
                    </>
                  ) : (
                    'No suite matches.'
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {suites.data?.more && (
        <button type="button" onClick={() => setPageCount((n) => n + 1)}>
          Show older suites
        </button>
      )}
    </div>
  );
}
