import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AnalysisPlan, ComputeActivities, LineageActivities } from '../activities';
import { failureMessage } from './failure-message';

export interface AnalysisWorkflowInput {
  analysisId: string;
  orchestrationQueue: string;
  heartbeatTimeoutSeconds: number;
  /** Units (scans, term-frequency runs) in flight at once. */
  maxConcurrent: number;
}

export const analysisWorkflowId = (analysisId: string): string => `analysis-${analysisId}`;

/**
 * One analysis: plan it from lineage, run its heavy units on their queues (each scan shard is an
 * activity, so a killed worker costs one shard), then report. Every unit is idempotent, so a
 * re-run after a failure resumes where the last one stopped.
 */
export async function AnalysisWorkflow(input: AnalysisWorkflowInput): Promise<{ analysisId: string; artifacts: number }> {
  const lineage = proxyActivities<LineageActivities>({
    taskQueue: input.orchestrationQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 50 },
  });
  const compute = (taskQueue: string) =>
    proxyActivities<ComputeActivities>({
      taskQueue,
      scheduleToStartTimeout: '7 days', // a node pool may take long to scale up
      startToCloseTimeout: '7 days',
      heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
      retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
    });

  const { workflowId, runId } = workflowInfo();
  try {
    const plan = await lineage.startAnalysis({ analysisId: input.analysisId, workflowId, workflowRunId: runId });
    await inPool(input.maxConcurrent, await units(plan));
    const { artifacts } = await compute(plan.placement).reportAnalysis({ plan });
    return { analysisId: input.analysisId, artifacts };
  } catch (err) {
    // A cancelled analysis (its suite cancelled) is recorded too, or its row would stay `running`.
    const message = isCancellation(err) ? 'cancelled' : failureMessage(err);
    await CancellationScope.nonCancellable(() => lineage.markAnalysisFailed({ analysisId: input.analysisId, error: message }));
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(`analysis ${input.analysisId} failed: ${message}`, 'AnalysisFailed');
  }

  /** The heavy work, one pool for all of it: every scan's shards (once planned) and every term-frequency run. */
  async function units(plan: AnalysisPlan): Promise<(() => Promise<unknown>)[]> {
    const planned = await inPool(input.maxConcurrent, plan.scans.map(({ target, placement }) => () => compute(placement).planMemorizationScan(target)));
    const shards = plan.scans.flatMap(({ target, placement }, i) =>
      Array.from({ length: planned[i].shards }, (_, shard) => () => compute(placement).scanMemorizationShard({ ...target, shard })),
    );
    const termFrequency = plan.termFrequency.map(({ unit, placement }) => async () => {
      await compute(placement).countOperands(unit);
      for (const step of unit.steps) await compute(placement).evaluateArithmetic({ analysisId: unit.analysisId, runId: unit.runId, step, params: unit.params });
    });
    return [...shards, ...termFrequency];
  }
}

/** Runs thunks at most `limit` at a time; their results in order. The first failure fails the whole. */
async function inPool<T>(limit: number, thunks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(thunks.length);
  let next = 0;
  const worker = async () => {
    while (next < thunks.length) {
      const i = next++;
      results[i] = await thunks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, thunks.length) }, worker));
  return results;
}
