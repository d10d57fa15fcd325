import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiToken, type ApiRole } from '@cohort/lineage';
import { accessInventory, entryKey, type Entry } from '../src/auth/access-inventory';
import type { Access } from '../src/auth/role.decorator';
import { createApp } from '../src/bootstrap';
import { repoRoot, temporalAddress, testDatabaseUrl } from './support/processes';
import { TestStack } from './support/stack';
import { smallestSuite } from './support/specs';

// Who may call what, end to end: the real orchestrator's own route table (read from Nest), every
// REST route and GraphQL operation called with no token, a revoked token, and a viewer, operator
// and admin token, against the real PostgreSQL and Temporal; the CLI's token commands and token
// file; and no token in any process's output.
const stack = new TestStack(`auth-${process.pid}`);
const exec = promisify(execFile);
const files = mkdtempSync(join(tmpdir(), 'cohort-auth-'));

const spec = (name: string) => smallestSuite(name, stack.computeQueue);

/** What the orchestrator itself declares, read from a second, in-process instance of it. */
async function declaredAccess(): Promise<Entry[]> {
  Object.assign(process.env, { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_RUN_WORKER: 'false' });
  const app = await createApp();
  try {
    await app.init();
    return accessInventory(app);
  } finally {
    await app.close();
  }
}

/** The CLI with only the credentials given (none inherited from whoever runs the tests). */
const cohort = (credentials: Record<string, string>, ...args: string[]) => {
  const env = { ...process.env, ...credentials };
  if (!credentials.COHORT_TOKEN) delete env.COHORT_TOKEN;
  return exec(process.execPath, [join(repoRoot, 'apps/orchestrator/dist/src/cli/main.js'), ...args], { env });
};

let inventory: Entry[] = [];
const ids = { suite: '', run: '', analysis: '', throwaway: '' };
let revoked = '';
/** Every token these tests sent: none may appear in any log. */
const used: string[] = [];

before(async () => {
  await stack.start();
  inventory = await declaredAccess();
  ids.suite = await stack.launch(spec(`auth-${process.pid}-${Date.now()}`));
  const suite = await stack.finished(ids.suite);
  assert.equal(suite.status, 'completed', suite.error);
  ids.run = suite.runs[0].id;
  const analysis = await stack.db.analysis.create({ data: { suiteId: ids.suite, kind: 'stability', params: {}, paramsHash: `auth-${process.pid}`, status: 'completed' } });
  ids.analysis = analysis.id;
  await stack.db.artifact.create({
    data: { analysisId: analysis.id, kind: 'table', name: 'table.csv', mediaType: 'text/csv', uri: `db://auth-${analysis.id}/table.csv`, sha256: '0'.repeat(64), bytes: 4n, content: Buffer.from('a,b\n') },
  });
  // The revoked token is made and revoked through the CLI, as an admin would.
  const admin = { COHORT_API_URL: stack.api, COHORT_TOKEN: stack.tokens.admin };
  const created = (await cohort(admin, 'token', 'create', '--name', 'to be revoked', '--role', 'operator')).stdout;
  revoked = created.split('\n')[0];
  const id = /token ([0-9a-f-]{36}) \(operator/.exec(created)![1];
  assert.match((await cohort(admin, 'token', 'revoke', id)).stdout, /REVOKED/);
  ids.throwaway = (await createApiToken(stack.db, `acceptance ${process.pid} throwaway`, 'viewer')).id;
  used.push(revoked, ...Object.values(stack.tokens));
});

after(async () => {
  await stack.db.apiToken.deleteMany({ where: { OR: [{ name: { startsWith: `acceptance ${process.pid}` } }, { name: 'to be revoked' }] } });
  await stack.stop();
  rmSync(files, { recursive: true, force: true });
});

interface RestCase {
  path: () => string;
  body?: unknown;
  /** The status of an allowed call: 2xx, or the handler's own answer (a 409 proves the guard let it through). */
  ok: number;
}

/** One call of every REST route, keyed as the inventory names it. */
const REST: Record<string, RestCase> = {
  'GET /health': { path: () => '/health', ok: 200 },
  'GET /me': { path: () => '/me', ok: 200 },
  'GET /tokens': { path: () => '/tokens', ok: 200 },
  'POST /tokens': { path: () => '/tokens', body: { name: `acceptance ${process.pid}`, role: 'viewer' }, ok: 201 },
  'POST /tokens/:id/revoke': { path: () => `/tokens/${ids.throwaway}/revoke`, ok: 200 },
  'GET /audit': { path: () => '/audit?limit=5', ok: 200 },
  'GET /pools': { path: () => '/pools', ok: 200 },
  'POST /suites': { path: () => '/suites', body: spec(`auth-launch-${process.pid}-${Date.now()}`), ok: 201 },
  'GET /suites': { path: () => '/suites', ok: 200 },
  'GET /suites/:id': { path: () => `/suites/${ids.suite}`, ok: 200 },
  'GET /suites/:id/progress': { path: () => `/suites/${ids.suite}/progress`, ok: 200 },
  'GET /suites/:id/events': { path: () => `/suites/${ids.suite}/events`, ok: 200 },
  'POST /suites/:id/:action': { path: () => `/suites/${ids.suite}/pause`, ok: 409 },
  'POST /runs/:id/resume-from-checkpoint': { path: () => `/runs/${ids.run}/resume-from-checkpoint`, ok: 409 },
  'POST /runs/:id/:action': { path: () => `/runs/${ids.run}/pause`, ok: 409 },
  'GET /runs/:id/metrics': { path: () => `/runs/${ids.run}/metrics`, ok: 200 },
  'GET /suites/:id/evaluations': { path: () => `/suites/${ids.suite}/evaluations`, ok: 200 },
  'GET /runs/:id/evaluations': { path: () => `/runs/${ids.run}/evaluations`, ok: 200 },
  'POST /suites/:id/evaluate': { path: () => `/suites/${ids.suite}/evaluate`, body: { tasks: ['synthetic_arithmetic'], checkpoints: 'final' }, ok: 202 },
  'GET /suites/:id/analyses': { path: () => `/suites/${ids.suite}/analyses`, ok: 200 },
  'POST /suites/:id/analyses': { path: () => `/suites/${ids.suite}/analyses`, body: { analyses: ['bias'] }, ok: 202 },
  'GET /analyses/:id': { path: () => `/analyses/${ids.analysis}`, ok: 200 },
  'GET /analyses/:id/artifacts/:name': { path: () => `/analyses/${ids.analysis}/artifacts/table.csv`, ok: 200 },
  'GET /lineage/:kind/:id': { path: () => `/lineage/suite/${ids.suite}`, ok: 200 },
};

/** One document per GraphQL operation; `ok`: the call succeeds outright (else the handler's own error is expected). */
const GRAPHQL: Record<string, { query: () => string; ok: boolean }> = {
  'Query suites': { query: () => '{ suites { id } }', ok: true },
  'Query suite': { query: () => `{ suite(id: "${ids.suite}") { id runs { id } } }`, ok: true },
  'Query suiteEvaluations': { query: () => `{ suiteEvaluations(suiteId: "${ids.suite}") { value } }`, ok: true },
  'Query suiteAnalyses': { query: () => `{ suiteAnalyses(suiteId: "${ids.suite}") { id } }`, ok: true },
  'Query analysis': { query: () => `{ analysis(id: "${ids.analysis}") { id } }`, ok: true },
  'Query lineage': { query: () => `{ lineage(kind: "suite", id: "${ids.suite}") { truncated } }`, ok: true },
  'Mutation launchSuite': { query: () => `mutation { launchSuite(spec: ${JSON.stringify(JSON.stringify(spec(`auth-gql-${process.pid}-${Date.now()}`)))}) { id } }`, ok: true },
  'Mutation controlSuite': { query: () => `mutation { controlSuite(id: "${ids.suite}", action: "pause") }`, ok: false },
  'Mutation evaluateSuite': { query: () => `mutation { evaluateSuite(id: "${ids.suite}", request: "tasks: [synthetic_arithmetic]") { workflowId } }`, ok: true },
  'Mutation analyseSuite': { query: () => `mutation { analyseSuite(suiteId: "${ids.suite}", analyses: "[bias]") { id } }`, ok: true },
};

type As = 'none' | 'revoked' | ApiRole;

const tokenOf = (as: As): string | undefined => (as === 'none' ? undefined : as === 'revoked' ? revoked : stack.tokens[as]);

/** What the guard must answer a caller: through (null), 401 or 403. */
function verdict(access: Access, as: As): 401 | 403 | null {
  if (access === 'public') return null;
  if (as === 'none' || as === 'revoked') return 401;
  const order: ApiRole[] = ['viewer', 'operator', 'admin'];
  return order.indexOf(as) >= order.indexOf(access) ? null : 403;
}

async function callRest(method: string, c: RestCase, as: As): Promise<{ status: number; message: string }> {
  const token = tokenOf(as);
  const controller = new AbortController();
  const res = await fetch(`${stack.api}${c.path()}`, {
    method,
    signal: controller.signal,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  // An event stream stays open: its status is the answer.
  const message = res.headers.get('content-type')?.startsWith('application/json') ? ((await res.json()) as { message?: string }).message ?? '' : '';
  controller.abort();
  return { status: res.status, message };
}

describe('authentication and roles', () => {
  test('every route and operation declares its access, and /health alone is public', () => {
    const undeclared = inventory.filter((e) => e.access === undefined).map(entryKey);
    assert.deepEqual(undeclared, []);
    assert.deepEqual(inventory.filter((e) => e.access === 'public').map(entryKey), ['GET /health']);
  });

  test('the acceptance table covers exactly the routes and operations the orchestrator has', () => {
    const rest = inventory.filter((e) => e.surface === 'rest').map(entryKey).sort();
    const graphql = inventory.filter((e) => e.surface === 'graphql').map(entryKey).sort();
    assert.deepEqual(rest, Object.keys(REST).sort());
    assert.deepEqual(graphql, Object.keys(GRAPHQL).sort());
  });

  test('REST: no token and a revoked token are 401, a weaker role 403, each saying what is needed', async () => {
    for (const entry of inventory) {
      if (entry.surface !== 'rest') continue;
      const key = entryKey(entry);
      const callers: As[] = ['none', 'revoked', 'viewer', 'operator', ...(entry.access === 'admin' ? (['admin'] as const) : [])];
      for (const as of callers) {
        const { status, message } = await callRest(entry.method, REST[key], as);
        const expected = verdict(entry.access!, as);
        assert.equal(status, expected ?? REST[key].ok, `${key} as ${as}: ${status} ${message}`);
        if (expected === 401) assert.match(message, new RegExp(`needs a (valid )?${entry.access} token`), `${key} as ${as}`);
        if (expected === 403) assert.match(message, new RegExp(`needs the ${entry.access} role; token ".+" is a ${as} token`), `${key} as ${as}`);
      }
    }
  });

  test('GraphQL: every operation refuses without a token or with a revoked one (UNAUTHENTICATED), a weaker role (FORBIDDEN)', async () => {
    for (const entry of inventory) {
      if (entry.surface !== 'graphql') continue;
      const key = entryKey(entry);
      for (const as of ['none', 'revoked', 'viewer', 'operator'] as const) {
        const token = tokenOf(as);
        const res = await fetch(`${stack.api}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query: GRAPHQL[key].query() }),
        });
        const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
        const code = body.errors?.[0]?.extensions.code;
        const expected = verdict(entry.access!, as);
        if (expected === 401) assert.equal(code, 'UNAUTHENTICATED', `${key} as ${as}: ${JSON.stringify(body)}`);
        else if (expected === 403) {
          assert.equal(code, 'FORBIDDEN', `${key} as ${as}: ${JSON.stringify(body)}`);
          assert.match(body.errors![0].message, new RegExp(`${entry.operation.toLowerCase()} ${entry.name} needs the ${entry.access} role`));
        } else if (GRAPHQL[key].ok) assert.equal(body.errors, undefined, `${key} as ${as}: ${JSON.stringify(body)}`);
        else assert.ok(code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN', `${key} as ${as}: ${JSON.stringify(body)}`);
      }
    }
  });

  test('an open event stream ends with `revoked` once its token is revoked, and cannot reconnect', async () => {
    // A running suite (no runs yet), so the stream would otherwise go on.
    const suite = await stack.db.suite.create({ data: { name: `auth-sse-${process.pid}`, spec: {}, specHash: 'h', status: 'running' } });
    const { id, token } = await createApiToken(stack.db, `acceptance ${process.pid} stream`, 'viewer');
    used.push(token);
    try {
      const res = await fetch(`${stack.api}/suites/${suite.id}/events`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const until = async (event: string) => {
        while (!text.includes(`event: ${event}`)) {
          const { value, done } = await reader.read();
          if (done) return false;
          text += value;
        }
        return true;
      };
      assert.ok(await until('progress'));
      await stack.request('POST', `/tokens/${id}/revoke`, undefined, 'admin');
      const started = Date.now();
      assert.ok(await until('revoked'), text);
      assert.ok(Date.now() - started < 5000, 'within a few sampling intervals');
      assert.match(text, /token \\"acceptance \d+ stream\\" was revoked/);
      assert.equal((await reader.read()).done, true, 'the stream ended');
      const again = await fetch(`${stack.api}/suites/${suite.id}/events`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(again.status, 401);
    } finally {
      await stack.db.suite.delete({ where: { id: suite.id } });
    }
  });

  test('a token is stored as its sha256 only, and its last use is recorded', async () => {
    const rows = await stack.db.apiToken.findMany({ where: { name: { startsWith: 'test ' } } });
    for (const token of Object.values(stack.tokens)) assert.ok(!JSON.stringify(rows).includes(token));
    const viewer = rows.find((r) => r.name === `test viewer ${stack.computeQueue}`)!;
    assert.ok(viewer.lastUsedAt, 'the viewer token was used');
  });

  test('the CLI: token create prints the token once, list shows no secret, and a readable token file is refused', async () => {
    const admin = { COHORT_API_URL: stack.api, COHORT_TOKEN: stack.tokens.admin };
    const created = (await cohort(admin, 'token', 'create', '--name', `acceptance ${process.pid} cli`, '--role', 'viewer')).stdout;
    const token = created.split('\n')[0];
    assert.match(token, /^cohort_[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    used.push(token);
    const listed = (await cohort(admin, 'token', 'list')).stdout;
    assert.match(listed, new RegExp(`viewer +acceptance ${process.pid} cli`));
    assert.ok(!listed.includes(token));

    const file = join(files, 'token');
    writeFileSync(file, `${token}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const refused = await cohort({ COHORT_API_URL: stack.api, COHORT_TOKEN_FILE: file }, 'suite', 'list').catch((err: { code: number; stderr: string }) => err);
    assert.equal((refused as { code: number }).code, 1);
    assert.match((refused as { stderr: string }).stderr, /refusing to read the token in .*: it is readable by others \(mode 0644\); run chmod 600/);
    chmodSync(file, 0o600);
    assert.match((await cohort({ COHORT_API_URL: stack.api, COHORT_TOKEN_FILE: file }, 'suite', 'list')).stdout, new RegExp(ids.suite));
    const forbidden = await cohort({ COHORT_API_URL: stack.api, COHORT_TOKEN_FILE: file }, 'token', 'list').catch((err: { stderr: string }) => err);
    assert.match((forbidden as { stderr: string }).stderr, /GET \/tokens needs the admin role; token ".*" is a viewer token/);
  });

  test('no token appears in the output of the orchestrator or the workers', () => {
    const logs = [stack.orchestrator!.output(), ...stack.workers.map((w) => w.output())].join('\n');
    assert.ok(logs.length > 0);
    for (const token of used) assert.ok(!logs.includes(token), 'a token was logged');
  });
});
