import type { SuiteSummaryView } from './types';

/** Σ run step / Σ run length: how far the suite's training has got; 0 before any run is planned. */
export function suiteProgress(suite: SuiteSummaryView): number {
  let done = 0;
  let total = 0;
  for (const run of suite.runs) {
    done += run.step;
    total += run.totalSteps;
  }
  return total > 0 ? done / total : 0;
}
