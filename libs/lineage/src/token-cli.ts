#!/usr/bin/env node
// `node libs/lineage/dist/src/token-cli.js ensure-admin <databaseUrl> <file>`: the bootstrap of
// API access, straight to the database (no API token is needed to make the first one). When
// <file> holds a token that is valid there, nothing changes; otherwise a new admin token is
// created and written to <file> with mode 0600. The token itself is never printed.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLineageClient } from './client';
import { createApiToken, findActiveApiToken } from './tokens';

async function ensureAdmin(databaseUrl: string, file: string): Promise<string> {
  const db = createLineageClient(databaseUrl);
  try {
    const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    const active = existing ? await findActiveApiToken(db, existing) : null;
    if (active?.role === 'admin') {
      chmodSync(file, 0o600);
      return `admin token ${active.id} in ${file} is valid; unchanged`;
    }
    const created = await createApiToken(db, 'setup admin', 'admin');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // writeFileSync's mode applies only to a new file
    return `created admin token ${created.id}; it is in ${file} (mode 0600), the CLI reads it from there`;
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const [command, databaseUrl, file] = process.argv.slice(2);
  if (command !== 'ensure-admin' || !databaseUrl || !file) throw new Error('usage: token-cli.js ensure-admin <databaseUrl> <file>');
  console.error(`[cohort] ${await ensureAdmin(databaseUrl, file)}`);
}

main().catch((err: Error) => {
  console.error(`[cohort] token error: ${err.message}`);
  process.exit(1);
});
