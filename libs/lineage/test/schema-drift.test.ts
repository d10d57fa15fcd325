import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir, repoRoot } from '../src';

// prisma/schema.prisma must equal the schema the committed migrations produce: a schema edit
// without `scripts/db-diff.sh` would otherwise reach the client but never the database.
test('schema.prisma has no changes missing from the committed migrations', () => {
  const latest = readdirSync(migrationsDir).sort().at(-1);
  assert.ok(latest, 'no migrations committed');
  const placeholder = join(repoRoot, '.cohort', 'prisma-engine-placeholder');
  mkdirSync(join(repoRoot, '.cohort'), { recursive: true });
  writeFileSync(placeholder, '');
  const sql = execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'prisma'),
    [
      'migrate', 'diff',
      '--from-schema-datamodel', join(migrationsDir, latest, 'schema.prisma'),
      '--to-schema-datamodel', join(repoRoot, 'prisma', 'schema.prisma'),
      '--script',
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // prisma.config.ts opens its adapter even for a file-to-file diff.
        DATABASE_URL:
          process.env.TEST_DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort_test',
        PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
        PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
    },
  );
  assert.match(sql, /This is an empty migration/);
});
