import type { SuiteSummaryView } from './types';

/** Σ run step / Σ run length: how far the suite's training has got; 0 before any run is planned. */
export function suiteProgress(suite: SuiteSummaryView): number {
  return suite.totalSteps > 0 ? suite.step / suite.totalSteps : 0;
}
