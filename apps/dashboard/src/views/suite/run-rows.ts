import type { LiveRun, RunView, SuiteView } from '../../api/types';

/** A run as its table row shows it: what lineage recorded, overlaid with the live stream's news. */
export interface RunRow extends Omit<LiveRun, 'runId' | 'name'> {
  run: RunView;
  parent: RunView | undefined;
}

export function runRows(suite: SuiteView, live: ReadonlyMap<string, LiveRun>): RunRow[] {
  const byId = new Map(suite.runs.map((r) => [r.id, r]));
  return suite.runs.map((run) => {
    const now = live.get(run.id);
    return {
      run,
      parent: run.parentRunId ? byId.get(run.parentRunId) : undefined,
      status: now?.status ?? run.status,
      step: now?.step ?? run.step,
      totalSteps: now?.totalSteps ?? run.totalSteps,
      lastLoss: now?.lastLoss ?? run.lastLoss,
      tokensPerSecond: now?.tokensPerSecond ?? null,
      etaSeconds: now?.etaSeconds ?? null,
    };
  });
}
