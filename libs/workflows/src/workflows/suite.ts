import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ComputeActivities, LineageActivities } from '../activities';

export interface SuiteWorkflowInput {
  suiteId: string;
  /** Task queue of the lineage activities (the orchestration worker). */
  orchestrationQueue: string;
  /** Compute queues the suite's runs are placed on. */
  computeQueues: string[];
}

export interface SuiteWorkflowResult {
  probes: Awaited<ReturnType<ComputeActivities['probeBackend']>>[];
}

/**
 * A suite from launch to completion. This first version probes every compute queue the suite is
 * placed on (proving the worker, its backend and the lineage path) and records the suite's status;
 * data preparation and training runs plug in as further steps.
 */
export async function SuiteWorkflow(input: SuiteWorkflowInput): Promise<SuiteWorkflowResult> {
  const lineage = proxyActivities<LineageActivities>({
    taskQueue: input.orchestrationQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });
  await lineage.markSuiteStatus({ suiteId: input.suiteId, status: 'running' });
  try {
    const probes = await Promise.all(
      input.computeQueues.map((taskQueue) =>
        proxyActivities<ComputeActivities>({
          taskQueue,
          // Waiting for a worker on a queue may take long (a node pool scaling up); running is short.
          scheduleToStartTimeout: '1 hour',
          startToCloseTimeout: '2 minutes',
          retry: { initialInterval: '1 second', maximumAttempts: 10 },
        }).probeBackend({ suiteId: input.suiteId }),
      ),
    );
    await lineage.markSuiteStatus({ suiteId: input.suiteId, status: 'completed' });
    return { probes };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await lineage.markSuiteStatus({ suiteId: input.suiteId, status: 'failed', error: message });
    throw ApplicationFailure.nonRetryable(`suite ${input.suiteId} failed: ${message}`, 'SuiteFailed');
  }
}
