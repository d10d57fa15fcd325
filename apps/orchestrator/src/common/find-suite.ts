import { NotFoundException } from '@nestjs/common';
import type { LineageClient } from '@cohort/lineage';
import { callDependency } from './dependency';
import { requireUuid } from './ids';

/** The suite row, or a 404 (also for an id that is no UUID); a dead database is a 503. */
export async function findSuite(db: LineageClient, timeoutMs: number, suiteId: string) {
  requireUuid('suite', suiteId);
  const suite = await callDependency('postgres', timeoutMs, () => db.suite.findUnique({ where: { id: suiteId } }));
  if (!suite) throw new NotFoundException(`suite ${suiteId} not found`);
  return suite;
}
