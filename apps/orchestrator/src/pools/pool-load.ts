import type { LineageClient } from '@cohort/lineage';
import type { PoolConfig, PoolRun, QueueLoad } from '@cohort/cluster';
import type { TemporalClientService } from '../temporal/temporal-client.service';

// temporal.api.enums.v1 values (the proto package is not a direct dependency of this app).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/**
 * A pool's load: activity tasks waiting on its queue (Temporal's DescribeTaskQueue statistics:
 * segments, probes and evaluations nobody has picked up) plus its running runs (lineage: each
 * holds at most one segment, and keeping its worker between segments avoids a cold start each time).
 */
export async function poolLoad(temporal: TemporalClientService, namespace: string, db: LineageClient, pool: PoolConfig): Promise<QueueLoad> {
  const [description, running] = await Promise.all([
    temporal.connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: pool.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    }),
    db.run.count({ where: { placement: pool.taskQueue, status: 'running' } }),
  ]);
  return { backlog: Number(description.stats?.approximateBacklogCount ?? 0), running };
}

/** Runs that hold a Job in job mode: from their start until they complete, fail or are cancelled. */
export async function poolRuns(db: LineageClient, pool: PoolConfig): Promise<PoolRun[]> {
  const runs = await db.run.findMany({
    where: { placement: pool.taskQueue, status: { in: ['running', 'paused'] } },
    select: { id: true, suiteId: true },
    orderBy: { createdAt: 'asc' },
  });
  return runs.map((r) => ({ runId: r.id, suiteId: r.suiteId }));
}
