import { createHash, randomBytes } from 'node:crypto';
import type { LineageClient } from './client';
import type { LineageWriter } from './audit';

/** Who may call the API, weakest first: each role may do everything the ones before it may. */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export function isApiRole(value: unknown): value is ApiRole {
  return typeof value === 'string' && (API_ROLES as readonly string[]).includes(value);
}

/** Whether a token of role `held` may do what `needed` allows. */
export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return API_ROLES.indexOf(held) >= API_ROLES.indexOf(needed);
}

/** A token as listed: everything but its hash. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  role: ApiRole;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const infoFields = { id: true, name: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** 256 random bits; the prefix makes a leaked token recognisable to secret scanners and people. */
export function generateToken(): string {
  return `cohort_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token; the returned `token` is the only copy there will ever be. */
export async function createApiToken(db: LineageWriter, name: string, role: ApiRole): Promise<ApiTokenInfo & { token: string }> {
  const token = generateToken();
  const row = await db.apiToken.create({ data: { name, role, hash: hashToken(token) }, select: infoFields });
  return { ...row, token };
}

/** The token's row when it exists and is not revoked. */
/**
 * Every API request asks this once, so it is plain SQL: Prisma's query compiler adds a fixed cost
 * to each call, larger than the index probe itself, and here it would be paid on every request.
 */
export async function findActiveApiToken(db: LineageClient, token: string): Promise<ApiTokenInfo | null> {
  const rows = await db.$queryRaw<ApiTokenInfo[]>`
    SELECT id, name, role::text AS role, "createdAt", "lastUsedAt", "revokedAt"
    FROM "ApiToken" WHERE hash = ${hashToken(token)} AND "revokedAt" IS NULL`;
  return rows[0] ?? null;
}

/** Whether the token `id` is still valid (a long-lived stream asks this as it goes). */
export async function isApiTokenActive(db: LineageClient, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM "ApiToken" WHERE id = ${id}::uuid AND "revokedAt" IS NULL`;
  return rows.length > 0;
}

export function listApiTokens(db: LineageClient): Promise<ApiTokenInfo[]> {
  return db.apiToken.findMany({ select: infoFields, orderBy: { createdAt: 'asc' } });
}

/** Revokes a token (idempotent: the first revocation time stays); null when there is no such token. */
export async function revokeApiToken(db: LineageWriter, id: string): Promise<ApiTokenInfo | null> {
  await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return db.apiToken.findUnique({ where: { id }, select: infoFields });
}

export async function touchApiToken(db: LineageClient, id: string, at: Date): Promise<void> {
  await db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
}
