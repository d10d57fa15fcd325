import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ComputeActivities, LineageActivities, RunEvaluationPlan } from '../activities';
import { evaluationActivity } from './evaluate';
import { failureMessage } from './failure-message';
import { cancelSignal, pauseSignal, resumeSignal, runProgressQuery, type RunProgress } from '../signals';

export interface TrainRunInput {
  runId: string;
  placement: string;
  orchestrationQueue: string;
  /** Sorted checkpoint steps; the last is the end of training. */
  checkpointSteps: number[];
  /** The step this execution starts from (0, a branch step, or where continue-as-new left off). */
  startStep: number;
  /** Whether the checkpoint at startStep exists already (false only for a fresh run at step 0). */
  startCheckpointed: boolean;
  heartbeatTimeoutSeconds: number;
  /** Carried across continue-as-new so a pause is not lost. */
  paused?: boolean;
  /** Tasks evaluated at some of the checkpoints this run writes, as each is written. */
  evaluation?: RunEvaluationPlan;
}

export interface TrainRunResult {
  runId: string;
  state: 'completed' | 'cancelled';
  step: number;
}

/** Segments per execution before continuing as new, so the history stays small. */
const SEGMENTS_PER_EXECUTION = 100;

/**
 * One training run, segment by segment between scheduled checkpoints. Each segment is a single
 * heartbeating activity on the run's node pool; Temporal retries it from the last checkpoint if
 * its worker dies. Pause takes effect between segments; cancel interrupts the running segment
 * between steps, leaving every written checkpoint intact.
 */
export async function TrainRunWorkflow(input: TrainRunInput): Promise<TrainRunResult> {
  const lineage = proxyActivities<LineageActivities>({
    taskQueue: input.orchestrationQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 50 },
  });
  const compute = proxyActivities<ComputeActivities>({
    taskQueue: input.placement,
    scheduleToStartTimeout: '7 days', // a node pool may take long to scale up
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
  });

  const totalSteps = input.checkpointSteps[input.checkpointSteps.length - 1];
  const progress: RunProgress = {
    runId: input.runId,
    state: input.paused ? 'paused' : 'running',
    step: input.startStep,
    totalSteps,
    lastLoss: null,
    tokensPerSecond: null,
    etaSeconds: null,
  };
  // Signal handlers change the state while the loop awaits; read it through a function so the
  // compiler does not narrow it across awaits.
  const state = (): RunProgress['state'] => progress.state;
  let segment: CancellationScope | undefined;
  setHandler(runProgressQuery, () => progress);
  setHandler(pauseSignal, () => {
    if (progress.state === 'running') progress.state = 'paused';
  });
  setHandler(resumeSignal, () => {
    if (progress.state === 'paused') progress.state = 'running';
  });
  setHandler(cancelSignal, () => {
    progress.state = 'cancelling';
    segment?.cancel();
  });

  const evaluations = new CheckpointEvaluations(input);

  await lineage.markRunStatus({ runId: input.runId, status: 'running', workflowId: workflowInfo().workflowId });
  const targets = input.checkpointSteps.filter((s) =>
    input.startCheckpointed ? s > input.startStep : s >= input.startStep,
  );
  let done = 0;
  for (const target of targets) {
    if (state() === 'paused') {
      await lineage.markRunStatus({ runId: input.runId, status: 'paused' });
      await condition(() => state() !== 'paused');
      if (state() === 'running') await lineage.markRunStatus({ runId: input.runId, status: 'running' });
    }
    if (state() === 'cancelling') break;
    segment = new CancellationScope();
    try {
      const from = progress.step;
      const result = await segment.run(() => compute.trainSegment({ runId: input.runId, fromStep: from, toStep: target }));
      progress.step = result.step;
      progress.lastLoss = result.meanLoss ?? progress.lastLoss;
      progress.tokensPerSecond = result.tokensPerSecond ?? progress.tokensPerSecond;
      const stepsRun = target - from;
      progress.etaSeconds = stepsRun > 0 ? Math.round((result.seconds / stepsRun) * (totalSteps - target)) : progress.etaSeconds;
      evaluations.start(target);
    } catch (err) {
      if (isCancellation(err) && state() === 'cancelling') break;
      await lineage.markRunStatus({ runId: input.runId, status: 'failed', error: failureMessage(err) });
      throw err;
    }
    done += 1;
    if (target < totalSteps && (done >= SEGMENTS_PER_EXECUTION || workflowInfo().continueAsNewSuggested)) {
      await finishEvaluations();
      const paused = state() === 'paused';
      await continueAsNew<typeof TrainRunWorkflow>({ ...input, startStep: target, startCheckpointed: true, paused });
    }
  }

  // A run is done when the evaluations of its checkpoints are (they ran beside its training).
  await finishEvaluations();
  const final = state() === 'cancelling' ? 'cancelled' : 'completed';
  progress.state = final;
  await lineage.markRunStatus({ runId: input.runId, status: final });
  return { runId: input.runId, state: final, step: progress.step };

  async function finishEvaluations(): Promise<void> {
    const failure = await evaluations.settle();
    if (!failure) return;
    await lineage.markRunStatus({ runId: input.runId, status: 'failed', error: failure });
    throw ApplicationFailure.nonRetryable(`run ${input.runId}: ${failure}`, 'EvaluationFailed');
  }
}

/**
 * The evaluations a run starts as its checkpoints are written: each runs on the eval queue while
 * training goes on; `settle` waits for all of them and says what failed, if anything.
 */
class CheckpointEvaluations {
  private readonly pending: Promise<string | null>[] = [];

  constructor(private readonly input: TrainRunInput) {}

  start(step: number): void {
    const plan = this.input.evaluation;
    if (!plan || !plan.steps.includes(step)) return;
    const evaluate = evaluationActivity(plan.placement, this.input.heartbeatTimeoutSeconds);
    this.pending.push(
      evaluate({ runId: this.input.runId, step, tasks: plan.tasks }).then(
        () => null,
        (err) => `evaluation of step ${step} failed: ${failureMessage(err)}`,
      ),
    );
  }

  async settle(): Promise<string | null> {
    const failures = (await Promise.all(this.pending.splice(0))).filter((f): f is string => f !== null);
    return failures.length ? failures.join('; ') : null;
  }
}
