import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, ApiServerLink, podsOf, poolDeployment, testNamespace } from '@cohort/cluster/dist/test/support';
import { eventually, freePort, startProcess, temporalAddress, testDatabaseUrl, type RunningProcess } from './support/processes';
import { TestStack } from './support/stack';
import { writeCorpusWithDuplicates } from './support/corpus';

// The orchestrator's pool scaler end to end, against the real API server, scheduler and kwok's
// fake GPU nodes, and the real Temporal and Postgres: a suite placed on a pool with no workers.
const tag = `pools-${process.pid}`;
const queue = `gpu-${tag}`;
const deployment = 'gpu-worker-e2e';
let ns: Awaited<ReturnType<typeof testNamespace>>;
const namespace = `cohort-test-e2e-${process.pid}`; // what testNamespace('e2e') creates
const pools = [{ name: 'e2e', taskQueue: queue, namespace, deployment, minReplicas: 0, maxReplicas: 2 }];
// The orchestrator reaches the API server through a relay the test can cut, to take the API
// server away from it mid-suite without stopping it for everything else.
const link = new ApiServerLink(new URL(admin.server));
const linkedKubeconfig = join(tmpdir(), `cohort-${tag}.kubeconfig`);
const stack = new TestStack(tag, {
  KUBECONFIG: linkedKubeconfig,
  COHORT_POOLS: JSON.stringify(pools),
  COHORT_POOLS_INTERVAL_MS: '300',
  COHORT_POOLS_MIN_CHANGE_INTERVAL_MS: '0',
  // Longer than data preparation, so the pool keeps its worker between the probe and the first segment.
  COHORT_POOLS_SCALE_DOWN_DELAY_MS: '5000',
});
const corpusPath = writeCorpusWithDuplicates(stack.dataDir);
let poolWorker: RunningProcess | undefined;

before(async () => {
  ns = await testNamespace('e2e');
  assert.equal(ns.name, namespace);
  await poolDeployment(namespace, deployment, 'gpu-h100');
  await link.open();
  writeFileSync(linkedKubeconfig, link.config().exportConfig(), { mode: 0o600 });
  await stack.start();
});

after(async () => {
  await poolWorker?.stop();
  await stack.stop();
  await link.cut();
  rmSync(linkedKubeconfig, { force: true });
  await ns.remove();
});

const replicas = async () => (await admin.apps.readNamespacedDeploymentScale({ name: deployment, namespace })).spec?.replicas ?? 0;
const poolStatus = async () => (await stack.request('GET', '/pools')).body.pools[0];

describe('pools on Kubernetes', () => {
  test('a suite on a pool with zero workers: scaled up from the backlog, placed on that pool, trains on through an API server outage, back to zero after', async () => {
    assert.equal(await replicas(), 0);
    const id = await stack.launch({
      name: `pools-${process.pid}`,
      seed: 3,
      corpus: { kind: 'files', paths: [corpusPath] },
      tokenizer: { kind: 'train', vocabSize: 512 },
      variants: ['standard'],
      seqLength: 32,
      globalBatch: 4,
      microBatch: 2,
      steps: 4,
      models: [{ name: 'tiny', preset: 'cpu-tiny' }],
      checkpoints: { kind: 'every', every: 2 },
      placement: { default: queue, data: stack.computeQueue },
    });

    // The suite's pre-flight probe waits on the pool's queue: Temporal's backlog makes the scaler
    // raise the Deployment, whose Pod the scheduler places on the pool's (fake) GPU nodes.
    const pod = await eventually('a worker Pod running on the pool', async () => {
      const list = await podsOf(namespace, `cohort.dev/task-queue=${deployment}`);
      return list.find((p) => p.status?.phase === 'Running');
    });
    assert.match(pod.spec!.nodeName!, /^kwok-gpu-h100-\d$/);
    const up = (await poolStatus()).decisions.find((d: any) => d.kind === 'scaled' && d.from === 0);
    assert.equal(up.to, 1);
    assert.ok(up.load.backlog >= 1, JSON.stringify(up));

    // No kubelet runs containers here: the test starts the gpu-worker process the Pod stands for.
    poolWorker = await startProcess(
      'apps/gpu-worker/dist/src/main.js',
      { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_DATA_DIR: stack.dataDir, COHORT_TASK_QUEUE: queue, COHORT_THREADS: '1' },
      /polling task queue/,
    );

    // The API server goes away mid-suite: the orchestrator reports it and training goes on.
    const beforeOutage = await replicas();
    await link.cut();
    const degraded = await stack.request('GET', '/health');
    assert.deepEqual([degraded.status, degraded.body.status, degraded.body.kubernetes.up], [200, 'degraded', false]);
    const suite = await stack.finished(id, 180_000);
    assert.equal(suite.status, 'completed', JSON.stringify(suite));
    await eventually('the scaler to record the outage', async () => ((await poolStatus()).error ? true : undefined));
    assert.equal(await replicas(), beforeOutage, 'nothing scaled while the API server was away');

    // Back: the scaler retries, and the idle pool goes back to zero.
    await link.open();
    await eventually('the pool back at zero', async () => ((await replicas()) === 0 ? true : undefined), 30_000);
    const status = await poolStatus();
    const kinds = status.decisions.map((d: any) => d.kind);
    assert.deepEqual([status.decisions[0].kind, status.decisions[0].to], ['scaled', 0], JSON.stringify(status.decisions));
    assert.deepEqual(kinds.filter((k: string) => k === 'error' || k === 'recovered'), ['recovered', 'error']);
    assert.ok(status.decisions.every((d: any) => d.kind !== 'scaled' || d.to <= 2), 'never above maxReplicas');
    const health = await stack.request('GET', '/health');
    assert.deepEqual([health.status, health.body.status, health.body.kubernetes], [200, 'ok', { up: true }]);
  });

  test('an invalid pool configuration fails start-up, naming the field', async () => {
    const bad = [{ name: 'gpu', taskQueue: 'gpu', minReplicas: 3, maxReplicas: 1 }];
    await assert.rejects(
      startProcess('apps/orchestrator/dist/src/main.js', { DATABASE_URL: testDatabaseUrl, PORT: '0', COHORT_POOLS: JSON.stringify(bad) }, /listening/),
      /invalid orchestrator configuration: COHORT_POOLS: invalid pool configuration: pools\[0\]\.maxReplicas: must be at least minReplicas \(3\)/,
    );
  });

  test('an unreachable API server makes /health degraded, not a crash, and /pools says why', async () => {
    const closed = await freePort();
    const kubeconfig = join(stack.dataDir, 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: `https://127.0.0.1:${closed}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'c', context: { cluster: 'gone', user: 'u' } }],
        'current-context': 'c',
      }),
    );
    const port = await freePort();
    const orchestrator = await startProcess(
      'apps/orchestrator/dist/src/main.js',
      {
        DATABASE_URL: testDatabaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        PORT: String(port),
        COHORT_ORCHESTRATION_QUEUE: `orchestration-${tag}-gone`,
        KUBECONFIG: kubeconfig,
        COHORT_POOLS: JSON.stringify(pools),
        COHORT_POOLS_INTERVAL_MS: '300',
      },
      /listening/,
    );
    try {
      const api = `http://127.0.0.1:${port}`;
      const health = await fetch(`${api}/health`);
      const body: any = await health.json();
      assert.equal(health.status, 200, 'the API serves and training goes on: not a 503');
      assert.equal(body.status, 'degraded');
      assert.equal(body.kubernetes.up, false);
      assert.match(body.kubernetes.error, /ECONNREFUSED/);
      const pool = await eventually('the scaler to report the failure', async () => {
        const { pools: list }: any = await (await fetch(`${api}/pools`, { headers: stack.auth('viewer') })).json();
        return list[0].error ? list[0] : undefined;
      });
      assert.match(pool.error, /ECONNREFUSED/);
      assert.equal(pool.decisions[0].kind, 'error');
      assert.equal(orchestrator.child.exitCode, null, 'still running');
    } finally {
      await orchestrator.stop();
    }
  });
});
