import type { Prisma, Suite } from '@prisma/client';
import type { LineageClient } from './client';

/** Lineage access for suites. Every write is idempotent so a retried activity never duplicates. */

export type SuiteStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export const suiteWithRelations = {
  runs: {
    include: { checkpoints: { orderBy: { step: 'asc' } }, modelConfig: { select: { parameters: true } } },
    orderBy: { name: 'asc' },
  },
  probes: { orderBy: { taskQueue: 'asc' } },
} satisfies Prisma.SuiteInclude;

export type SuiteRecord = Prisma.SuiteGetPayload<{ include: typeof suiteWithRelations }>;

export function getSuite(db: LineageClient, id: string): Promise<SuiteRecord | null> {
  return db.suite.findUnique({ where: { id }, include: suiteWithRelations });
}

/**
 * A page of suites, newest first, after the suite `after` (the last of the previous page). A
 * keyset page on the (createdAt, id) index: its cost does not grow with the pages before it.
 */
export function listSuites(db: LineageClient, take: number, after?: string): Promise<Suite[]> {
  return db.suite.findMany({
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    ...(after ? { cursor: { id: after }, skip: 1 } : {}),
  });
}

/** Moves a suite to `status`; terminal states are never left (a late retry cannot resurrect a suite). */
export async function setSuiteStatus(
  db: LineageClient,
  id: string,
  status: SuiteStatus,
  error?: string,
): Promise<void> {
  const terminal: SuiteStatus[] = ['completed', 'failed', 'cancelled'];
  const { count } = await db.suite.updateMany({
    where: { id, status: { notIn: terminal.filter((s) => s !== status) } },
    data: { status, error: error ?? null },
  });
  if (count === 0 && !(await db.suite.findUnique({ where: { id }, select: { id: true } }))) {
    throw new Error(`suite ${id} not found`);
  }
}

export interface BackendProbeInput {
  suiteId: string;
  taskQueue: string;
  hostname: string;
  info: Prisma.InputJsonValue;
}

export function recordBackendProbe(db: LineageClient, probe: BackendProbeInput) {
  const { suiteId, taskQueue } = probe;
  return db.backendProbe.upsert({
    where: { suiteId_taskQueue: { suiteId, taskQueue } },
    create: probe,
    update: { hostname: probe.hostname, info: probe.info },
  });
}
