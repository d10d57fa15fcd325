import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createApiToken, createLineageClient, type LineageClient } from '@cohort/lineage';
import { Client, Connection } from '@temporalio/client';
import {
  eventually,
  freePort,
  repoRoot,
  startProcess,
  temporalAddress,
  testDatabaseUrl,
  type RunningProcess,
} from './support/processes';
import { smallestSuite } from './support/specs';

// End to end over real processes: the orchestrator (NestJS + orchestration worker) and a
// gpu-worker, against the real Temporal server and PostgreSQL started by scripts/setup.sh.
// Queues are unique to this run so that no other worker (a demo, a dev) takes the tasks.
const computeQueue = `cpu-test-${process.pid}`;
const orchestrationQueue = `orchestration-test-${process.pid}`;

let orchestrator: RunningProcess;
let gpuWorker: RunningProcess;
let api: string;
let db: LineageClient;
/** An operator token made for this test straight in the database (deleted after it). */
let operator: { id: string; token: string };
const authorization = () => ({ authorization: `Bearer ${operator.token}` });
const dataDir = mkdtempSync(join(tmpdir(), 'cohort-e2e-'));

const spec = (name: string) => smallestSuite(name, computeQueue);

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...authorization(), ...(init?.headers ?? {}) },
  });
  return { status: res.status, body: await res.json() };
}

const graphql = (query: string, variables?: Record<string, unknown>) =>
  json('/graphql', { method: 'POST', body: JSON.stringify({ query, variables }) });

before(async () => {
  db = createLineageClient(testDatabaseUrl);
  operator = await createApiToken(db, `suite-launch test ${process.pid}`, 'operator');
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  const common = { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_DATA_DIR: dataDir };
  [gpuWorker, orchestrator] = await Promise.all([
    startProcess(
      'apps/gpu-worker/dist/src/main.js',
      { ...common, COHORT_TASK_QUEUE: computeQueue },
      /polling task queue/,
    ),
    startProcess(
      'apps/orchestrator/dist/src/main.js',
      { ...common, PORT: String(port), COHORT_ORCHESTRATION_QUEUE: orchestrationQueue },
      /polling task queue/,
    ),
  ]);
});

/** Workflows ever started on this test's orchestration queue (open or closed). */
async function countWorkflows(): Promise<number> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const { count } = await new Client({ connection }).workflow.count(`TaskQueue = '${orchestrationQueue}'`);
    return count;
  } finally {
    await connection.close();
  }
}

after(async () => {
  await Promise.all([orchestrator?.stop(), gpuWorker?.stop()]);
  if (operator) await db.apiToken.delete({ where: { id: operator.id } });
  await db?.$disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('suite launch, end to end', () => {
  test('/health reports both dependencies up', async () => {
    const { status, body } = await json('/health');
    assert.equal(status, 200);
    assert.equal(body.postgres.up, true);
    assert.equal(body.temporal.up, true);
  });

  test('a minimal suite trains on the gpu-worker and completes, visible in REST and GraphQL', async () => {
    const name = `e2e-${Date.now()}`;
    const launched = await json('/suites', { method: 'POST', body: JSON.stringify(spec(name)) });
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    const id: string = launched.body.id;
    assert.equal(launched.body.workflowId, `suite-${id}`);

    const done = await eventually('the suite to complete', async () => {
      const { body } = await json(`/suites/${id}`);
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    });
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.probes.length, 1);
    assert.equal(done.probes[0].taskQueue, computeQueue);
    assert.equal(done.probes[0].backend, 'cpu');
    assert.ok(done.probes[0].threads >= 1);

    const row = await db.backendProbe.findUniqueOrThrow({
      where: { suiteId_taskQueue: { suiteId: id, taskQueue: computeQueue } },
    });
    assert.match(String((row.info as { blas: string }).blas), /\S/);

    assert.deepEqual(done.runs.map((r: any) => [r.name, r.status, r.checkpoints.map((c: any) => c.step)]), [
      ['cpu-tiny-standard', 'completed', [0, 1, 2]],
    ]);

    const gql = await graphql(
      'query($id: ID!) { suite(id: $id) { id name status probes { backend taskQueue } runs { name checkpoints { step } } } }',
      { id },
    );
    assert.deepEqual(gql.body.data.suite, {
      id,
      name,
      status: 'completed',
      probes: [{ backend: 'cpu', taskQueue: computeQueue }],
      runs: [{ name: 'cpu-tiny-standard', checkpoints: [{ step: 0 }, { step: 1 }, { step: 2 }] }],
    });
    const list = await json('/suites');
    assert.ok(list.body.some((s: { id: string }) => s.id === id));
  });

  test('an invalid suite body is a 400 naming every bad field, and nothing is written', async () => {
    const before = await db.suite.count();
    const bad = { name: 'bad name', steps: -1, corpus: { kind: 'synthetic' }, models: [{}], globalBatch: 8, microBatch: 3 };
    const { status, body } = await json('/suites', { method: 'POST', body: JSON.stringify(bad) });
    assert.equal(status, 400);
    const paths = body.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['models[0].preset', 'name', 'steps']);
    assert.equal(await db.suite.count(), before);
  });

  test('every spec of the invalid-spec table is a 400 at its field path, and starts no workflow', async () => {
    // The validator's own table (libs/suite-spec/test/bad-specs.ts), loaded from its build output.
    const { badSpecs } = (await import(join(repoRoot, 'libs/suite-spec/dist/test/bad-specs.js'))) as {
      badSpecs: Array<[string, unknown, string]>;
    };
    const missingCorpus = { ...spec('missing-corpus'), corpus: { kind: 'files', paths: ['/no/such/corpus.jsonl'] } };
    // Escapes from the data roots (this orchestrator's data dir and the shared data folder).
    const outside = mkdtempSync(join(tmpdir(), 'cohort-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not for the API\n');
    symlinkSync(join(outside, 'secret.txt'), join(dataDir, 'link-out.txt'));
    const corpusAt = (name: string, path: string) => ({ ...spec(name), corpus: { kind: 'files', paths: [path] } });
    const escapes: Array<[string, unknown, string]> = [
      ['/etc/passwd as the corpus', corpusAt('etc-passwd', '/etc/passwd'), 'corpus.paths[0]'],
      ['a .. out of the data dir', corpusAt('dot-dot', join(dataDir, '..', basename(outside), 'secret.txt')), 'corpus.paths[0]'],
      ['a symlink pointing out', corpusAt('symlink', join(dataDir, 'link-out.txt')), 'corpus.paths[0]'],
      ['a tokenizer outside', { ...spec('tokenizer-out'), tokenizer: { kind: 'file', path: join(outside, 'secret.txt') } }, 'tokenizer.path'],
    ];
    const cases = [...badSpecs, ['missing corpus file', missingCorpus, 'corpus.paths[0]'] as [string, unknown, string], ...escapes];
    assert.ok(cases.length >= 20);
    const suitesBefore = await db.suite.count();
    const workflowsBefore = await countWorkflows();
    for (const [label, body, path] of cases) {
      const res = await json('/suites', { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400, label);
      assert.ok(res.body.issues.some((i: { path: string }) => i.path === path), `${label}: ${JSON.stringify(res.body.issues)}`);
    }
    assert.equal(await db.suite.count(), suitesBefore);
    assert.equal(await countWorkflows(), workflowsBefore);
    const escaped = await json('/suites', { method: 'POST', body: JSON.stringify(escapes[2][1]) });
    assert.match(escaped.body.issues[0].message, /is outside the data roots \(it resolves to .*secret\.txt\)/);
    const viaGraphql = await graphql('mutation($s: String!) { launchSuite(spec: $s) { id } }', { s: JSON.stringify(escapes[0][1]) });
    assert.equal(viaGraphql.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.deepEqual(viaGraphql.body.errors[0].extensions.issues.map((i: { path: string }) => i.path), ['corpus.paths[0]']);
    rmSync(outside, { recursive: true, force: true });
  });

  test('GraphQL launchSuite validates the YAML spec and reports field paths', async () => {
    const { body } = await graphql('mutation($s: String!) { launchSuite(spec: $s) { id } }', {
      s: 'name: ok\nsteps: 4\ncorpus: {kind: synthetic}\nmodels: [{preset: 3}]\n',
    });
    assert.equal(body.data, null);
    assert.equal(body.errors[0].extensions.code, 'BAD_USER_INPUT');
    const issues = body.errors[0].extensions.issues;
    assert.deepEqual(issues.map((i: { path: string }) => i.path), ['models[0].preset']);
  });

  test('a suite whose data cannot be prepared fails with the reason, without retrying forever', async () => {
    const broken = join(dataDir, 'broken-tokenizer.json');
    writeFileSync(broken, '{"this is": "not a tokenizer"');
    const launched = await json('/suites', {
      method: 'POST',
      body: JSON.stringify({ ...spec(`bad-tokenizer-${Date.now()}`), tokenizer: { kind: 'file', path: broken } }),
    });
    assert.equal(launched.status, 201);
    const done = await eventually('the suite to fail', async () => {
      const { body } = await json(`/suites/${launched.body.id}`);
      return body.status === 'failed' ? body : undefined;
    });
    assert.match(done.error, /tokenizer: .*tokenizer\.json/);
    assert.deepEqual(done.runs, []);
  });

  test('the OpenAPI document is served', async () => {
    const { status, body } = await json('/docs-json');
    assert.equal(status, 200);
    assert.ok(body.paths['/suites'].post);
    assert.ok(body.paths['/health'].get);
  });
});

describe('when a dependency is down', () => {
  const deadAddress = '127.0.0.1:1'; // nothing listens on port 1

  async function startDegraded(env: Record<string, string>): Promise<{ proc: RunningProcess; url: string }> {
    const port = await freePort();
    const proc = await startProcess(
      'apps/orchestrator/dist/src/main.js',
      {
        DATABASE_URL: testDatabaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        PORT: String(port),
        COHORT_RUN_WORKER: 'false',
        COHORT_DEPENDENCY_TIMEOUT_MS: '2000',
        ...env,
      },
      /listening on/,
    );
    return { proc, url: `http://127.0.0.1:${port}` };
  }

  test('Temporal down: /health says so, launching is a 503 and no suite row is left', async () => {
    const { proc, url } = await startDegraded({ TEMPORAL_ADDRESS: deadAddress });
    try {
      const health = await fetch(`${url}/health`);
      const report: any = await health.json();
      assert.equal(health.status, 503);
      assert.equal(report.postgres.up, true);
      assert.equal(report.temporal.up, false);

      const name = `no-temporal-${Date.now()}`;
      const res = await fetch(`${url}/suites`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization() },
        body: JSON.stringify(spec(name)),
      });
      const body: any = await res.json();
      assert.equal(res.status, 503);
      assert.equal(body.dependency, 'temporal');
      assert.equal(await db.suite.count({ where: { name } }), 0);
    } finally {
      await proc.stop();
    }
  });

  test('Postgres down: /health says so and API calls are a clear 503', async () => {
    const { proc, url } = await startDegraded({
      DATABASE_URL: 'postgresql://cohort:cohort@127.0.0.1:1/cohort',
    });
    try {
      const health = await fetch(`${url}/health`);
      const report: any = await health.json();
      assert.equal(health.status, 503);
      assert.equal(report.postgres.up, false);
      assert.equal(report.temporal.up, true);

      // The guard cannot check the token without the database: it answers the 503 itself.
      for (const [path, init] of [
        ['/suites', { method: 'POST', headers: { 'content-type': 'application/json', ...authorization() }, body: JSON.stringify(spec('x')) }],
        ['/suites', { headers: authorization() }],
      ] as const) {
        const res = await fetch(`${url}${path}`, init);
        const body: any = await res.json();
        assert.equal(res.status, 503, `${path}: ${JSON.stringify(body)}`);
        assert.equal(body.dependency, 'postgres');
      }
    } finally {
      await proc.stop();
    }
  });
});

test('the gpu-worker shuts down gracefully on SIGTERM', async () => {
  const worker = await startProcess(
    'apps/gpu-worker/dist/src/main.js',
    { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_TASK_QUEUE: `${computeQueue}-sigterm` },
    /polling task queue/,
  );
  const code = await worker.stop();
  assert.equal(code, 0);
  assert.match(worker.output(), /stopped/);
});
