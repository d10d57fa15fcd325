import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  createLineageClient,
  loadMigrations,
  migrate,
  migrationsDir,
  recordBackendProbe,
  setSuiteStatus,
  getSuite,
  type LineageClient,
} from '../src';

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort_test';
// A scratch database per run so the migrator is tested from empty, not on whatever is there.
const scratchName = `cohort_migrate_${process.pid}`;
const scratchUrl = baseUrl.replace(/\/[^/]+$/, `/${scratchName}`);
let db: LineageClient;

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${scratchName}`);
  await admin(`CREATE DATABASE ${scratchName}`);
});

after(async () => {
  await db?.$disconnect();
  await admin(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
});

test('migrations apply from empty, then re-applying is a no-op', async () => {
  const migrations = loadMigrations(migrationsDir);
  assert.ok(migrations.length >= 1);
  const first = await migrate(scratchUrl, migrations);
  assert.deepEqual(first.applied, migrations.map((m) => m.name));
  const second = await migrate(scratchUrl, migrations);
  assert.deepEqual(second.applied, []);
  assert.deepEqual(second.alreadyApplied, migrations.map((m) => m.name));
});

test('an edited, already-applied migration is refused', async () => {
  const migrations = loadMigrations(migrationsDir);
  const tampered = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
  await assert.rejects(migrate(scratchUrl, tampered), /was applied with checksum/);
});

test('concurrent migrators serialise on the advisory lock', async () => {
  const migrations = loadMigrations(migrationsDir);
  const results = await Promise.all([migrate(scratchUrl, migrations), migrate(scratchUrl, migrations)]);
  assert.deepEqual(results.flatMap((r) => r.applied), []);
});

test('suite status and probes are idempotent and terminal states stick', async () => {
  db = createLineageClient(scratchUrl);
  const suite = await db.suite.create({
    data: { name: 't', spec: {}, specHash: 'h', workflowId: `suite-${randomUUID()}` },
  });
  await setSuiteStatus(db, suite.id, 'running');
  const probe = { suiteId: suite.id, taskQueue: 'cpu', hostname: 'h', info: { backend: 'cpu' } };
  await recordBackendProbe(db, probe);
  await recordBackendProbe(db, probe); // a retried activity
  await setSuiteStatus(db, suite.id, 'completed');
  await setSuiteStatus(db, suite.id, 'running'); // a late retry must not resurrect it
  const stored = await getSuite(db, suite.id);
  assert.equal(stored?.status, 'completed');
  assert.equal(stored?.probes.length, 1);
  await assert.rejects(setSuiteStatus(db, randomUUID(), 'running'), /not found/);
});

test('checkpoints are unique per run and step', async () => {
  const suite = await db.suite.create({ data: { name: 'u', spec: {}, specHash: 'h' } });
  const run = await db.run.create({
    data: { suiteId: suite.id, name: 'r', modelName: 'cpu-tiny', training: {}, seed: 1, placement: 'cpu' },
  });
  const cp = { runId: run.id, step: 4, tokensSeen: 4096n, uri: 'file:///x', sha256: 'a', bytes: 10n };
  await db.checkpoint.create({ data: cp });
  await assert.rejects(db.checkpoint.create({ data: cp }), /Unique constraint/);
});
