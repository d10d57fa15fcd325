import { NativeConnection, Worker } from '@temporalio/worker';
import { sharedDataDir } from '@cohort/data';
import { createLineageClient } from '@cohort/lineage';
import { configuredDataRoots } from '@cohort/suite-spec';
import { createComputeActivities } from './activities';
import { chooseEngine } from './compute-engine';
import { codeVersion } from './code-version';
import { Storage } from './storage';
import type { GpuWorkerConfig } from './config';

/**
 * A compute worker: heavy activities only (no workflows), polling one node pool's task queue.
 * Temporal's runtime shuts workers down gracefully on SIGINT/SIGTERM: polling stops, running
 * activities are allowed to finish (or are retried elsewhere once their heartbeat times out).
 */
export async function runComputeWorker(config: GpuWorkerConfig): Promise<void> {
  const engine = chooseEngine(config.COHORT_BACKEND, config.COHORT_THREADS);
  const shared = sharedDataDir();
  const db = createLineageClient(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.COHORT_TASK_QUEUE,
      activities: createComputeActivities({
        db,
        storage: new Storage(config.COHORT_DATA_DIR),
        taskQueue: config.COHORT_TASK_QUEUE,
        engine,
        dataRoots: configuredDataRoots(config.COHORT_DATA_ROOTS, [config.COHORT_DATA_DIR, ...(shared ? [shared] : [])]),
        codeVersion: codeVersion(),
      }),
      maxConcurrentActivityTaskExecutions: config.COHORT_MAX_CONCURRENT_ACTIVITIES,
    });
    console.log(
      `[gpu-worker] polling task queue "${config.COHORT_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}, computing on ${engine.device ?? engine.backend}`,
    );
    await worker.run();
    console.log('[gpu-worker] stopped');
  } finally {
    await connection.close();
    await db.$disconnect();
  }
}
