import type { Prisma } from '@prisma/client';
import type { LineageClient } from './client';
import type { ApiRole } from './tokens';

/** The client or a transaction of it: an audit row goes wherever its change goes. */
export type LineageWriter = LineageClient | Prisma.TransactionClient;

export interface AuditEntry {
  tokenId: string;
  tokenName: string;
  role: ApiRole;
  action: string;
  targetKind: string;
  targetId: string | null;
  paramsSha256: string;
  result: 'ok' | 'error';
  error: string | null;
}

export type AuditEventRecord = AuditEntry & { id: string; at: Date };

export async function recordAuditEvent(db: LineageWriter, entry: AuditEntry): Promise<string> {
  const { id } = await db.auditEvent.create({ data: entry, select: { id: true } });
  return id;
}

export interface AuditFilter {
  /** A token id, or a token's name. */
  actor?: string;
  action?: string;
  targetKind?: string;
  targetId?: string;
  since?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Newest first, `limit` at most, after the event `after`; each filter uses an index on (column, at). */
export function listAuditEvents(db: LineageClient, filter: AuditFilter, limit: number, after?: string): Promise<AuditEventRecord[]> {
  const where: Prisma.AuditEventWhereInput = {
    ...(filter.actor && (UUID.test(filter.actor) ? { tokenId: filter.actor } : { tokenName: filter.actor })),
    ...(filter.action && { action: filter.action }),
    ...(filter.targetKind && { targetKind: filter.targetKind }),
    ...(filter.targetId && { targetId: filter.targetId }),
    ...(filter.since && { at: { gte: filter.since } }),
  };
  return db.auditEvent.findMany({
    where,
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: limit,
    ...(after ? { cursor: { id: after }, skip: 1 } : {}),
  }) as Promise<AuditEventRecord[]>;
}
