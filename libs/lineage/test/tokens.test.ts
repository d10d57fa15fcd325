import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLineageClient, findActiveApiToken, hashToken, revokeApiToken, roleAllows, type LineageClient } from '../src';

// API tokens in the real test database, and the bootstrap that setup runs (token-cli ensure-admin).
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort_test';
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cohort-tokens-'));
const file = join(dir, 'state', 'admin-token');
let db: LineageClient;

const ensureAdmin = () => exec(process.execPath, [join(__dirname, '../src/token-cli.js'), 'ensure-admin', databaseUrl, file]);

before(() => {
  db = createLineageClient(databaseUrl);
});

after(async () => {
  // The test's tokens go: the revoked one in the test itself, the replacement here.
  await db.apiToken.deleteMany({ where: { hash: hashToken(readFileSync(file, 'utf8').trim()) } });
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

test('roles are ordered: admin ⊇ operator ⊇ viewer', () => {
  assert.ok(roleAllows('admin', 'operator') && roleAllows('operator', 'viewer') && roleAllows('viewer', 'viewer'));
  assert.ok(!roleAllows('viewer', 'operator') && !roleAllows('operator', 'admin'));
});

test('ensure-admin writes a 0600 file once, never prints the token, and replaces a revoked one', async () => {
  const first = await ensureAdmin();
  const token = readFileSync(file, 'utf8').trim();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(first.stderr, /created admin token .* it is in .*admin-token \(mode 0600\)/);
  assert.ok(!first.stderr.includes(token) && !first.stdout.includes(token));
  const row = await findActiveApiToken(db, token);
  assert.equal(row?.role, 'admin');
  assert.equal((await db.apiToken.findUnique({ where: { id: row!.id } }))!.hash, hashToken(token), 'only the hash is stored');

  const again = await ensureAdmin();
  assert.match(again.stderr, /is valid; unchanged/);
  assert.equal(readFileSync(file, 'utf8').trim(), token);

  await revokeApiToken(db, row!.id);
  await ensureAdmin();
  const replaced = readFileSync(file, 'utf8').trim();
  assert.notEqual(replaced, token);
  assert.equal((await findActiveApiToken(db, replaced))?.role, 'admin');
  assert.equal(await findActiveApiToken(db, token), null, 'a revoked token stays revoked');
  await db.apiToken.delete({ where: { id: row!.id } });
});
