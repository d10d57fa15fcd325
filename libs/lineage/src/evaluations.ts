import type { Prisma } from '@prisma/client';
import type { LineageClient } from './client';

/** Lineage access for evaluations: one row per (checkpoint, task, metric, shots). */

export type EvaluationInput = Omit<Prisma.EvaluationUncheckedCreateInput, 'id' | 'createdAt'>;

/**
 * Records every metric of one (checkpoint, task, shots) in one transaction, so a killed worker
 * leaves either all of a task's rows or none. A retry finds them and adds nothing.
 */
export async function recordEvaluations(db: LineageClient, rows: EvaluationInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db.evaluation.createMany({ data: rows, skipDuplicates: true });
}

/** The (task, shots) pairs of a checkpoint that already have rows. */
export async function evaluatedTasks(db: LineageClient, checkpointId: string): Promise<Set<string>> {
  const rows = await db.evaluation.findMany({
    where: { checkpointId },
    select: { task: true, shots: true },
    distinct: ['task', 'shots'],
  });
  return new Set(rows.map((r) => evaluationKey(r.task, r.shots)));
}

export const evaluationKey = (task: string, shots: number): string => `${task}@${shots}`;

export interface EvaluationFilter {
  suiteId?: string;
  runId?: string;
  runName?: string;
  checkpointId?: string;
  task?: string;
  metric?: string;
  shots?: number;
  step?: number;
}

export const evaluationWithContext = {
  checkpoint: { select: { step: true, tokensSeen: true, run: { select: { id: true, name: true, modelName: true, variant: true, seed: true, suiteId: true } } } },
} satisfies Prisma.EvaluationInclude;

export type EvaluationRecord = Prisma.EvaluationGetPayload<{ include: typeof evaluationWithContext }>;

/**
 * Evaluations with their run and checkpoint, ordered as a tidy table (run, step, task, metric,
 * shots). `page`: at most `take` rows after the evaluation `after` in that order.
 */
export function listEvaluations(db: LineageClient, f: EvaluationFilter, page?: { take: number; after?: string }): Promise<EvaluationRecord[]> {
  return db.evaluation.findMany({
    where: {
      checkpointId: f.checkpointId,
      task: f.task,
      metric: f.metric,
      shots: f.shots,
      checkpoint: { step: f.step, runId: f.runId, run: { suiteId: f.suiteId, name: f.runName } },
    },
    include: evaluationWithContext,
    // The id last: a total order, which a cursor needs.
    orderBy: [{ checkpoint: { run: { name: 'asc' } } }, { checkpoint: { step: 'asc' } }, { task: 'asc' }, { metric: 'asc' }, { shots: 'asc' }, { id: 'asc' }],
    take: page?.take,
    ...(page?.after ? { cursor: { id: page.after }, skip: 1 } : {}),
  });
}
