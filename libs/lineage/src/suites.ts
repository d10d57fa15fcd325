import { Prisma } from '@prisma/client';
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

/** A suite as lists show it: its row (without the spec) and how far its training has got. */
export interface SuiteSummaryRecord {
  id: string;
  name: string;
  status: SuiteStatus;
  error: string | null;
  specHash: string;
  workflowId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Runs planned so far, Σ each one's last recorded step, Σ their planned steps. */
  runCount: number;
  step: number;
  totalSteps: number;
}

/**
 * A page of suites, newest first, after the suite `after` (the last of the previous page), each
 * with its training progress. One query, a keyset page on the (createdAt, id) index (its cost
 * does not grow with the pages before it) and one index probe per run for its last step. Plain
 * SQL: the list is the most polled read, and Prisma would make it three queries.
 */
export function listSuiteSummaries(db: LineageClient, take: number, after?: string): Promise<SuiteSummaryRecord[]> {
  const page = after
    ? Prisma.sql`WHERE ("createdAt", id) < (SELECT "createdAt", id FROM "Suite" WHERE id = ${after}::uuid)`
    : Prisma.empty;
  return db.$queryRaw<SuiteSummaryRecord[]>`
    SELECT s.id, s.name, s.status::text AS status, s.error, s."specHash", s."workflowId", s."createdAt", s."updatedAt",
           p."runCount", p.step, p."totalSteps"
    FROM (SELECT * FROM "Suite" ${page} ORDER BY "createdAt" DESC, id DESC LIMIT ${take}) s
    -- LATERAL per suite: its runs by the (suiteId, name) index, never a scan of every run.
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS "runCount", coalesce(sum(m.step), 0)::int AS step,
             coalesce(sum((r.training->>'steps')::int), 0)::int AS "totalSteps"
      FROM "Run" r
      LEFT JOIN LATERAL (SELECT step FROM "RunMetric" WHERE "runId" = r.id ORDER BY step DESC LIMIT 1) m ON true
      WHERE r."suiteId" = s.id
    ) p
    ORDER BY s."createdAt" DESC, s.id DESC`;
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
