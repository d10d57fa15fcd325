#!/usr/bin/env node
// API load test, loopback only: the real orchestrator (API only, no worker) over a scratch
// database, read endpoints driven at a fixed concurrency by a small keep-alive HTTP client.
// Baseline, side by side in the same run: the same requests when the tables hold a tenth of the
// rows (measured first, then the rest is seeded). The ratio of p99s says whether an endpoint's
// cost grows with the table size (it should stay near 1); the goal is p99 < 100 ms for a page of 100.
// Full size: 1,000 suites, 10,000 runs, 100,000 checkpoints and evaluations, 1,000,000 metric rows.
// Usage (services running: bash scripts/setup.sh): node bench/api/run.mjs [--concurrency 16] [--seconds 5]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { concurrency: { type: 'string', default: '16' }, seconds: { type: 'string', default: '5' } } });
const CONCURRENCY = Number(args.concurrency);
const SECONDS = Number(args.seconds);
const MAX_REQUESTS = 20_000; // per endpoint and size: bounded in count as well as time
const SUITES = 1000;
const RUNS_PER_SUITE = 10;
const CHECKPOINTS_PER_RUN = 10;
const METRICS_PER_RUN = 100;

const adminUrl = process.env.DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort';
const benchUrl = Object.assign(new URL(adminUrl), { pathname: '/cohort_bench_api' }).toString();
const psql = (url, sql) => execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });

/** Suites first..last (1-based), each with its runs, checkpoints, one evaluation per checkpoint and its metric rows. */
function seed(first, last) {
  const steps = `ARRAY[${Array.from({ length: CHECKPOINTS_PER_RUN }, (_, k) => (k + 1) * 100).join(',')}]`;
  psql(benchUrl, `
    INSERT INTO "Suite" (id, name, spec, "specHash", status, "workflowId", "createdAt", "updatedAt")
      SELECT md5('s' || i)::uuid, 'bench-' || i, '{"name": "bench"}', md5('h' || i), 'completed', 'suite-bench-' || i,
             now() - make_interval(secs => i), now()
      FROM generate_series(${first}, ${last}) i;
    INSERT INTO "Run" (id, "suiteId", name, "modelName", variant, training, "checkpointSteps", seed, placement, status, "createdAt", "updatedAt")
      SELECT md5('r' || i || '-' || j)::uuid, md5('s' || i)::uuid, 'run-' || j, 'tiny', 'standard', '{"steps": 1000}', ${steps}, j, 'cpu', 'completed', now(), now()
      FROM generate_series(${first}, ${last}) i, generate_series(1, ${RUNS_PER_SUITE}) j;
    INSERT INTO "Checkpoint" (id, "runId", step, "tokensSeen", uri, sha256, bytes)
      SELECT md5('c' || i || '-' || j || '-' || k)::uuid, md5('r' || i || '-' || j)::uuid, k * 100, k * 51200, 'file:///bench/step' || k, md5('w' || k), 1000000
      FROM generate_series(${first}, ${last}) i, generate_series(1, ${RUNS_PER_SUITE}) j, generate_series(1, ${CHECKPOINTS_PER_RUN}) k;
    INSERT INTO "Evaluation" (id, "checkpointId", task, metric, value, n, "taskVersion", "dataSha256")
      SELECT md5('e' || i || '-' || j || '-' || k)::uuid, md5('c' || i || '-' || j || '-' || k)::uuid, 'piqa', 'acc', 0.5, 100, '1.0', md5('piqa')
      FROM generate_series(${first}, ${last}) i, generate_series(1, ${RUNS_PER_SUITE}) j, generate_series(1, ${CHECKPOINTS_PER_RUN}) k;
    INSERT INTO "RunMetric" ("runId", step, loss, lr, "gradNorm")
      SELECT md5('r' || i || '-' || j)::uuid, k, 2 + 1.0 / k, 0.001, 1
      FROM generate_series(${first}, ${last}) i, generate_series(1, ${RUNS_PER_SUITE}) j, generate_series(1, ${METRICS_PER_RUN}) k;
    ANALYZE "Suite", "Run", "Checkpoint", "Evaluation", "RunMetric";`);
}

const uuidOf = (text) => execFileSync('psql', [benchUrl, '-qAt', '-c', `SELECT md5('${text}')::uuid`], { encoding: 'utf8' }).trim();

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startOrchestrator(port) {
  const child = spawn(process.execPath, [join(root, 'apps/orchestrator/dist/src/main.js')], {
    env: { ...process.env, DATABASE_URL: benchUrl, PORT: String(port), COHORT_RUN_WORKER: 'false', COHORT_ORCHESTRATION_QUEUE: `bench-api-${process.pid}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      if (log.includes('listening on')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`orchestrator exited with ${code}:\n${log}`)));
  });
  return child;
}

/** `concurrency` loops, each issuing the next request when its last answered, for `seconds` or MAX_REQUESTS. */
async function load(request) {
  const latencies = [];
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < deadline && latencies.length < MAX_REQUESTS) {
      const t0 = performance.now();
      const res = await request();
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${res.url}: ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { n: latencies.length, p50: at(0.5), p99: at(0.99), rps: latencies.length / elapsed };
}

function endpoints(api, token, suites) {
  const headers = { authorization: `Bearer ${token}` };
  // A different suite or run each time, across all the seeded ones, so no cache answers.
  const suite = () => uuidCache.suite[Math.floor(Math.random() * suites)];
  const run = () => uuidCache.run[Math.floor(Math.random() * suites * RUNS_PER_SUITE)];
  const get = (path) => fetch(`${api}${path}`, { headers });
  const suiteQuery = (id) => JSON.stringify({ query: `{ suite(id: "${id}") { name status runs { name status checkpoints { step sha256 tokensSeen } } } }` });
  return {
    'GET /suites (a page of 100)': () => get('/suites?limit=100'),
    'GET /suites/:id (10 runs, 100 checkpoints)': () => get(`/suites/${suite()}`),
    'GET /runs/:id/metrics (100 steps)': () => get(`/runs/${run()}/metrics`),
    'GET /suites/:id/evaluations (100 rows)': () => get(`/suites/${suite()}/evaluations`),
    'GET /lineage/run/:id': () => get(`/lineage/run/${run()}`),
    'GraphQL suite { runs { checkpoints } }': () =>
      fetch(`${api}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: suiteQuery(suite()) }),
  };
}

const uuidCache = { suite: [], run: [] };
function cacheIds(suites) {
  const rows = psql(benchUrl, `SELECT i, md5('s' || i)::uuid FROM generate_series(1, ${suites}) i`).trim().split('\n');
  uuidCache.suite = rows.map((r) => r.split('|')[1]);
  uuidCache.run = psql(benchUrl, `SELECT md5('r' || i || '-' || j)::uuid FROM generate_series(1, ${suites}) i, generate_series(1, ${RUNS_PER_SUITE}) j`).trim().split('\n');
}

/** Plans of the hot queries at full size: a sequential scan of a big table would make cost grow with it. */
function planCheck() {
  const run = uuidOf('r500-5');
  const suite = uuidOf('s500');
  const queries = {
    'latest metric per run (LATERAL)': `SELECT m.step FROM unnest(ARRAY['${run}']::uuid[]) r(id) CROSS JOIN LATERAL (SELECT step FROM "RunMetric" WHERE "runId" = r.id ORDER BY step DESC LIMIT 1) m`,
    'a run\u2019s metrics': `SELECT step, loss FROM "RunMetric" WHERE "runId" = '${run}' ORDER BY step`,
    'a suite\u2019s evaluations': `SELECT e.id FROM "Evaluation" e JOIN "Checkpoint" c ON c.id = e."checkpointId" JOIN "Run" r ON r.id = c."runId" WHERE r."suiteId" = '${suite}'`,
    // listSuiteSummaries' query (libs/lineage/src/suites.ts), after the 500th suite.
    'a page of suites, with progress': `SELECT s.id, p.n FROM (SELECT * FROM "Suite" WHERE ("createdAt", id) < (SELECT "createdAt", id FROM "Suite" WHERE id = '${suite}') ORDER BY "createdAt" DESC, id DESC LIMIT 101) s CROSS JOIN LATERAL (SELECT count(*) AS n, sum(m.step) FROM "Run" r LEFT JOIN LATERAL (SELECT step FROM "RunMetric" WHERE "runId" = r.id ORDER BY step DESC LIMIT 1) m ON true WHERE r."suiteId" = s.id) p`,
  };
  const big = ['RunMetric', 'Evaluation', 'Checkpoint', 'Run', 'Suite'];
  for (const [name, sql] of Object.entries(queries)) {
    const plan = psql(benchUrl, `EXPLAIN ${sql}`);
    const scans = big.filter((t) => new RegExp(`Seq Scan on "${t}"`).test(plan));
    console.log(`  plan: ${name.padEnd(34)} ${scans.length ? `SEQUENTIAL SCAN of ${scans.join(', ')}` : 'no sequential scan of a big table'}`);
  }
}

const fmt = (x) => x.toFixed(1).padStart(7);
const files = mkdtempSync(join(tmpdir(), 'cohort-bench-api-'));
let orchestrator;
try {
  psql(adminUrl, 'DROP DATABASE IF EXISTS cohort_bench_api WITH (FORCE)');
  psql(adminUrl, 'CREATE DATABASE cohort_bench_api');
  execFileSync(process.execPath, [join(root, 'libs/lineage/dist/src/migrate-cli.js'), benchUrl], { stdio: 'ignore' });
  const tokenFile = join(files, 'token');
  execFileSync(process.execPath, [join(root, 'libs/lineage/dist/src/token-cli.js'), 'ensure-admin', benchUrl, tokenFile], { stdio: 'ignore' });
  const token = readFileSync(tokenFile, 'utf8').trim();
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  console.log(`bench/api: concurrency ${CONCURRENCY}, ${SECONDS} s (at most ${MAX_REQUESTS} requests) per endpoint and size, loopback`);

  const results = {};
  for (const suites of [SUITES / 10, SUITES]) {
    const t0 = performance.now();
    seed(suites === SUITES ? SUITES / 10 + 1 : 1, suites);
    console.log(`seeded ${suites} suites, ${suites * RUNS_PER_SUITE} runs, ${suites * RUNS_PER_SUITE * CHECKPOINTS_PER_RUN} checkpoints and evaluations, ${suites * RUNS_PER_SUITE * METRICS_PER_RUN} metric rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    cacheIds(suites);
    // A fresh process per size: the same code, no warm cache carried over from the smaller tables.
    orchestrator?.kill();
    orchestrator = await startOrchestrator(port);
    for (const [name, request] of Object.entries(endpoints(api, token, suites))) {
      await load(request); // warm-up: JIT and connection pool
      (results[name] ??= {})[suites] = await load(request);
    }
  }
  planCheck();
  console.log(`\n${'endpoint'.padEnd(44)} ${'1/10 size: p50'.padStart(14)} ${'p99'.padStart(7)} ${'req/s'.padStart(7)}   full size: p50     p99   req/s   p99 ratio`);
  for (const [name, r] of Object.entries(results)) {
    const small = r[SUITES / 10];
    const full = r[SUITES];
    console.log(`${name.padEnd(44)} ${fmt(small.p50).padStart(14)} ${fmt(small.p99)} ${fmt(small.rps)}   ${fmt(full.p50).padStart(14)} ${fmt(full.p99)} ${fmt(full.rps)}   ${(full.p99 / small.p99).toFixed(2)}×${full.p99 < 100 ? '' : '  (p99 ≥ 100 ms: goal missed)'}`);
  }
  console.log('(latencies in ms)');
} finally {
  orchestrator?.kill();
  rmSync(files, { recursive: true, force: true });
  psql(adminUrl, 'DROP DATABASE IF EXISTS cohort_bench_api WITH (FORCE)');
}
