import {
  ApplicationFailure,
  ParentClosePolicy,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { ComputeActivities, LineageActivities, RunPlan } from '../activities';
import { cancelSignal, pauseSignal, resumeSignal } from '../signals';
import { failureMessage } from './failure-message';
import { AnalysisWorkflow, analysisWorkflowId } from './analyze';
import { TrainRunWorkflow } from './train-run';

export interface SuiteWorkflowInput {
  suiteId: string;
  /** Task queue of the lineage activities (the orchestration worker). */
  orchestrationQueue: string;
  /** Queue of the data-preparation activities (CPU work). */
  dataQueue: string;
  /** Every compute queue the suite's runs are placed on. */
  computeQueues: string[];
  maxConcurrentRuns: number;
  heartbeatTimeoutSeconds: number;
}

export interface SuiteWorkflowResult {
  runs: { name: string; state: 'completed' | 'cancelled'; step: number }[];
}

export const trainRunWorkflowId = (suiteId: string, runName: string): string => `run-${suiteId}-${runName}`;

/**
 * A suite from launch to completion: check that every placement queue has a live worker (and
 * record its backend), prepare the data once, then train every run (models × variants)
 * concurrently up to a limit, each as a child workflow on its node pool's queue. Interventions
 * start when their parent run is done (they branch from one of its checkpoints). The spec's
 * analyses run last, once every run and evaluation they read exists.
 */
export async function SuiteWorkflow(input: SuiteWorkflowInput): Promise<SuiteWorkflowResult> {
  const lineage = proxyActivities<LineageActivities>({
    taskQueue: input.orchestrationQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 50 },
  });
  const probe = (taskQueue: string) =>
    proxyActivities<ComputeActivities>({
      taskQueue,
      scheduleToStartTimeout: '7 days', // a node pool may take long to scale up
      startToCloseTimeout: '2 minutes',
      retry: { initialInterval: '1 second', maximumAttempts: 10 },
    }).probeBackend;
  const { prepareData } = proxyActivities<ComputeActivities>({
    taskQueue: input.dataQueue,
    scheduleToStartTimeout: '7 days',
    startToCloseTimeout: '1 day',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
  });

  const running = new Map<string, ChildWorkflowHandle<typeof TrainRunWorkflow>>();
  const forward = (signal: SignalDefinition<[], string>) => async () => {
    await Promise.all([...running.values()].map((h) => getExternalWorkflowHandle(h.workflowId).signal(signal)));
  };
  let cancelled = false;
  setHandler(pauseSignal, forward(pauseSignal));
  setHandler(resumeSignal, forward(resumeSignal));
  setHandler(cancelSignal, async () => {
    cancelled = true;
    await forward(cancelSignal)();
  });

  await lineage.markSuiteStatus({ suiteId: input.suiteId, status: 'running' });
  try {
    await Promise.all(
      input.computeQueues.map((q) => probe(q)({ suiteId: input.suiteId })),
    );
    const data = await prepareData({ suiteId: input.suiteId });
    const plans = await lineage.planRuns({ suiteId: input.suiteId, data });
    const results = await trainAll(plans);
    if (!cancelled) await analyseAll();
    const state = cancelled ? 'cancelled' : 'completed';
    await lineage.markSuiteStatus({ suiteId: input.suiteId, status: state });
    return { runs: results };
  } catch (err) {
    const message = failureMessage(err);
    await lineage.markSuiteStatus({ suiteId: input.suiteId, status: 'failed', error: message });
    throw ApplicationFailure.nonRetryable(`suite ${input.suiteId} failed: ${message}`, 'SuiteFailed');
  }

  /** Every analysis of the spec as a child workflow; the suite fails if one does, once all have ended. */
  async function analyseAll(): Promise<void> {
    const analyses = await lineage.ensureSpecAnalyses({ suiteId: input.suiteId });
    const outcomes = await Promise.allSettled(
      analyses.map(({ analysisId }) =>
        startChild(AnalysisWorkflow, {
          workflowId: analysisWorkflowId(analysisId),
          taskQueue: workflowInfo().taskQueue,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          args: [{ analysisId, orchestrationQueue: input.orchestrationQueue, heartbeatTimeoutSeconds: input.heartbeatTimeoutSeconds, maxConcurrent: input.maxConcurrentRuns }],
        }).then((child) => child.result()),
      ),
    );
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${analyses[i].kind}: ${failureMessage(o.reason)}`] : []));
    if (failures.length) throw ApplicationFailure.nonRetryable(`analyses failed: ${failures.join('; ')}`, 'AnalysisFailed');
  }

  /** Runs base runs first, each intervention once its parent is done; at most N at a time. */
  async function trainAll(plans: RunPlan[]): Promise<SuiteWorkflowResult['runs']> {
    const results: SuiteWorkflowResult['runs'] = [];
    const pending = [...plans];
    const finished = new Set<string>();
    const inFlight = new Map<string, Promise<void>>();
    const ready = (p: RunPlan) => !p.parentRunName || finished.has(p.parentRunName);
    while (pending.length > 0 || inFlight.size > 0) {
      while (!cancelled && inFlight.size < input.maxConcurrentRuns) {
        const i = pending.findIndex(ready);
        if (i < 0) break;
        const [plan] = pending.splice(i, 1);
        inFlight.set(plan.name, trainOne(plan));
      }
      if (inFlight.size === 0) break; // cancelled, or nothing runnable left
      await Promise.race(inFlight.values());
    }
    return results;

    async function trainOne(plan: RunPlan): Promise<void> {
      const start = plan.branchStep ?? 0;
      const handle = await startChild(TrainRunWorkflow, {
        workflowId: trainRunWorkflowId(input.suiteId, plan.name),
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        args: [
          {
            runId: plan.runId,
            placement: plan.placement,
            orchestrationQueue: input.orchestrationQueue,
            checkpointSteps: plan.checkpointSteps,
            startStep: start,
            // A branch starts from its parent's checkpoint; a fresh run must write step 0 first.
            startCheckpointed: plan.parentRunName !== undefined,
            heartbeatTimeoutSeconds: input.heartbeatTimeoutSeconds,
            evaluation: plan.evaluation,
          },
        ],
      });
      running.set(plan.name, handle);
      try {
        const result = await handle.result();
        results.push({ name: plan.name, state: result.state, step: result.step });
      } finally {
        running.delete(plan.name);
        finished.add(plan.name);
        inFlight.delete(plan.name);
      }
    }
  }
}
