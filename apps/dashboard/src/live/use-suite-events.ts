import { useEffect, useState } from 'react';
import { API_DOWN_RETRY_MS } from '../api/availability';
import { api, suiteEventsUrl } from '../api/client';
import { session } from '../api/session';
import type { LiveRun, SuiteProgressEvent } from '../api/types';
import { throttle } from './throttle';

/** Charts and tables behind the live numbers are refetched at most this often. */
const REFRESH_MS = 3000;

export interface SuiteLive {
  /** The latest live state of each run, by run id. */
  runs: ReadonlyMap<string, LiveRun>;
  /**
   * Counts "something changed" (a progress event, the end, a dropped stream), at most once per
   * REFRESH_MS: a view refetches what it shows when it moves.
   */
  refreshes: number;
}

const byRunId = (runs: LiveRun[]) => new Map(runs.map((r) => [r.runId, r]));

/**
 * Follows a suite's server-sent events while `enabled` (the suite is pending or running). The
 * server pushes progress only when it changes, so the page does not poll. A stream the server
 * refuses (an older orchestrator without it, a gateway error) is replaced by one read of the
 * progress endpoint and a new stream a few seconds later; a stream that drops reconnects by
 * itself, and the refresh it triggers lets the page's own calls find out whether the API is down.
 */
export function useSuiteEvents(suiteId: string, enabled: boolean): SuiteLive {
  const [runs, setRuns] = useState<ReadonlyMap<string, LiveRun>>(new Map());
  const [refreshes, setRefreshes] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    const refresh = throttle(() => setRefreshes((n) => n + 1), REFRESH_MS);
    let source: EventSource | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;

    const open = () => {
      source = new EventSource(suiteEventsUrl(suiteId));
      source.addEventListener('progress', (event) => {
        setRuns(byRunId((JSON.parse(event.data) as SuiteProgressEvent).runs));
        refresh.call();
      });
      source.addEventListener('end', () => {
        source?.close();
        refresh.call();
      });
      // The sign-in's token was revoked while the page was open: back to the sign-in page.
      source.addEventListener('revoked', (event) => {
        source?.close();
        session.markSignedOut((JSON.parse(event.data) as { message: string }).message);
      });
      source.addEventListener('error', () => {
        refresh.call();
        if (source?.readyState !== EventSource.CLOSED) return;
        api.progress(suiteId).then(
          (progress) => setRuns(byRunId(progress.map(({ state, ...run }) => ({ ...run, status: state })))),
          () => undefined, // the refresh's own calls report the outage
        );
        reopen = setTimeout(open, API_DOWN_RETRY_MS);
      });
    };
    open();
    return () => {
      source?.close();
      clearTimeout(reopen);
      refresh.cancel();
    };
  }, [suiteId, enabled]);

  return { runs, refreshes };
}
