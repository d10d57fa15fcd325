import type { Prisma } from '@prisma/client';
import type { LineageClient } from './client';

/** Lineage access for runs, checkpoints and loss curves; every write is idempotent. */

export type RunStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
const TERMINAL: RunStatus[] = ['completed', 'failed', 'cancelled'];

export type RunInput = Omit<Prisma.RunUncheckedCreateInput, 'id' | 'status' | 'createdAt' | 'updatedAt'>;

/** Creates the run once; a retried planner gets the existing row back unchanged. */
export function ensureRun(db: LineageClient, run: RunInput) {
  return db.run.upsert({
    where: { suiteId_name: { suiteId: run.suiteId, name: run.name } },
    create: run,
    update: {},
  });
}

export async function setRunStatus(
  db: LineageClient,
  id: string,
  status: RunStatus,
  extra: { error?: string; workflowId?: string } = {},
): Promise<void> {
  const { count } = await db.run.updateMany({
    where: { id, status: { notIn: TERMINAL.filter((s) => s !== status) } },
    data: { status, error: extra.error ?? null, ...(extra.workflowId ? { workflowId: extra.workflowId } : {}) },
  });
  if (count === 0 && !(await db.run.findUnique({ where: { id }, select: { id: true } }))) {
    throw new Error(`run ${id} not found`);
  }
}

export type CheckpointInput = Omit<Prisma.CheckpointUncheckedCreateInput, 'id' | 'createdAt'>;

/**
 * Records a checkpoint once. Re-recording the same bytes is a no-op; a different sha256 for the
 * same run and step means two writers disagree, which must never be papered over.
 */
export async function recordCheckpoint(db: LineageClient, cp: CheckpointInput) {
  const row = await db.checkpoint.upsert({
    where: { runId_step: { runId: cp.runId, step: cp.step } },
    create: cp,
    update: {},
  });
  if (row.sha256 !== cp.sha256) {
    throw new Error(
      `checkpoint of run ${cp.runId} at step ${cp.step} is recorded with sha256 ${row.sha256}, ` +
        `but this write produced ${cp.sha256}: refusing to overwrite lineage`,
    );
  }
  return row;
}

export interface MetricRow {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

export async function recordMetrics(db: LineageClient, runId: string, rows: MetricRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.runMetric.createMany({ data: rows.map((r) => ({ runId, ...r })), skipDuplicates: true });
}

/**
 * The last recorded optimiser step and loss of each run: one index probe per run (the metric
 * table's primary key is (runId, step)), so the cost does not grow with the length of the curves.
 */
export async function latestMetrics(db: LineageClient, runIds: readonly string[]): Promise<Map<string, { step: number; loss: number }>> {
  if (runIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ runId: string; step: number; loss: number }[]>`
    SELECT r.id AS "runId", m.step, m.loss
    FROM unnest(${runIds}::uuid[]) AS r(id)
    CROSS JOIN LATERAL (
      SELECT step, loss FROM "RunMetric" WHERE "runId" = r.id ORDER BY step DESC LIMIT 1
    ) m`;
  return new Map(rows.map((r) => [r.runId, { step: r.step, loss: r.loss }]));
}

export const runForTraining = {
  suite: true,
  dataOrder: { include: { dataset: { include: { tokenizer: true } } } },
  modelConfig: true,
  parentRun: { include: { checkpoints: true } },
  checkpoints: true,
} satisfies Prisma.RunInclude;

export type RunForTraining = Prisma.RunGetPayload<{ include: typeof runForTraining }>;

export async function getRunForTraining(db: LineageClient, runId: string): Promise<RunForTraining> {
  const run = await db.run.findUnique({ where: { id: runId }, include: runForTraining });
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}
