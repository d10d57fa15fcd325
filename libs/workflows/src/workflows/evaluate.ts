import { proxyActivities } from '@temporalio/workflow';
import type { CheckpointEvaluation, ComputeActivities, EvaluationSummary, LineageActivities, SuiteEvaluationRequest } from '../activities';

/** The evaluation activity on a queue; retried from its last recorded task if a worker dies. */
export function evaluationActivity(placement: string, heartbeatTimeoutSeconds: number): ComputeActivities['evaluateCheckpoint'] {
  return proxyActivities<ComputeActivities>({
    taskQueue: placement,
    scheduleToStartTimeout: '7 days', // an eval pool may take long to scale up
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
  }).evaluateCheckpoint;
}

export interface EvaluateSuiteInput {
  suiteId: string;
  orchestrationQueue: string;
  request: SuiteEvaluationRequest;
  maxConcurrent: number;
  heartbeatTimeoutSeconds: number;
}

export interface EvaluateSuiteResult {
  checkpoints: number;
  evaluated: number;
  skipped: number;
}

export const evaluateSuiteWorkflowId = (suiteId: string, requestId: string): string => `evaluate-${suiteId}-${requestId}`;

/**
 * Evaluates an existing suite on more tasks or checkpoints, without retraining: plans the
 * checkpoints still missing a task, then evaluates them, a few at a time.
 */
export async function EvaluateSuiteWorkflow(input: EvaluateSuiteInput): Promise<EvaluateSuiteResult> {
  const { planEvaluations } = proxyActivities<LineageActivities>({
    taskQueue: input.orchestrationQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 50 },
  });
  const planned = await planEvaluations({ suiteId: input.suiteId, evaluations: input.request });
  const queue = [...planned];
  const summaries: EvaluationSummary[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) summaries.push(await evaluate(next));
  };
  const evaluate = (c: CheckpointEvaluation) =>
    evaluationActivity(c.placement, input.heartbeatTimeoutSeconds)({ runId: c.runId, step: c.step, tasks: c.tasks });
  await Promise.all(Array.from({ length: Math.min(input.maxConcurrent, planned.length) }, worker));
  return {
    checkpoints: planned.length,
    evaluated: summaries.reduce((n, s) => n + s.evaluated, 0),
    skipped: summaries.reduce((n, s) => n + s.skipped, 0),
  };
}
