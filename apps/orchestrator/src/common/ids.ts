import { NotFoundException } from '@nestjs/common';

/**
 * Ids are UUIDs: anything else cannot name a row, and must be a 404 rather than reach
 * PostgreSQL (where a malformed uuid is an error that would read as an outage).
 */
export function requireUuid(kind: 'suite' | 'run' | 'analysis' | 'token', id: string): void {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundException(`${kind} ${id} not found`);
}
