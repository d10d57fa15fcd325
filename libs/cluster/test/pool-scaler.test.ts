import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeClients, parsePools, PoolScaler, type PoolConfig, type PoolScalerOptions, type QueueLoad } from '../src';
import { admin, ApiServerLink, eventually, kubectl, podsOf, poolDeployment, testNamespace } from './support';

// The pool scaler against the real API server, controller-manager, scheduler and kwok's fake GPU
// nodes (tools/kube-control-plane/fake-nodes.yaml: gpu-h100 = 2 nodes × 8 GPUs, gpu-a100 = 1 × 2).
// The queue's load is the test's input here; apps/orchestrator/test/pools.e2e.test.ts reads it
// from Temporal for a real suite.
const fast: PoolScalerOptions = { intervalMs: 200, minChangeIntervalMs: 0, scaleDownDelayMs: 0, requestTimeoutMs: 3000, historySize: 50 };
let ns: Awaited<ReturnType<typeof testNamespace>>;

before(async () => {
  ns = await testNamespace('scaler');
});
after(async () => {
  await ns.remove();
});

function pool(name: string, extra: Partial<PoolConfig> = {}): PoolConfig {
  return parsePools([{ name, taskQueue: name, namespace: ns.name, deployment: name, minReplicas: 0, maxReplicas: 4, ...extra }])[0];
}

/** A scaler over one pool whose load the test sets. */
function scalerFor(p: PoolConfig, load: QueueLoad, options = fast, kube = admin) {
  const current = { load };
  const scaler = new PoolScaler([p], kube, async () => current.load, async () => [], options);
  return { scaler, current, status: () => scaler.status()[0] };
}

// The Scale object omits replicas when they are 0.
const replicasOf = async (name: string) => (await admin.apps.readNamespacedDeploymentScale({ name, namespace: ns.name })).spec?.replicas ?? 0;
const selector = (name: string) => `cohort.dev/task-queue=${name}`;

describe('the pool scaler', () => {
  test('raises a zero-worker pool for its backlog, the Pods land on that pool only, and it goes back to zero', async () => {
    const p = pool('h100-up', { maxReplicas: 3 });
    await poolDeployment(ns.name, p.deployment, 'gpu-h100');
    const { scaler, current, status } = scalerFor(p, { backlog: 5, running: 0 });
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 3, 'backlog 5 capped at maxReplicas 3');
    assert.deepEqual(status().decisions[0], { ...status().decisions[0], kind: 'scaled', from: 0, to: 3 });

    // The Deployment controller makes the ReplicaSet and Pods, the scheduler places them, kwok runs them.
    const pods = await eventually('3 running Pods', async () => {
      const list = await podsOf(ns.name, selector(p.deployment));
      return list.length === 3 && list.every((x) => x.status?.phase === 'Running') ? list : undefined;
    });
    for (const pod of pods) assert.match(pod.spec!.nodeName!, /^kwok-gpu-h100-\d$/);
    await scaler.tick();
    assert.deepEqual(status().pods?.nodes.every((n) => n.startsWith('kwok-gpu-h100-')), true);
    assert.equal(status().pods?.running, 3);

    // Two segments still running: never below them, whatever the backlog.
    current.load = { backlog: 0, running: 2 };
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 2);
    current.load = { backlog: 0, running: 0 };
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 0);
    await eventually('the Pods to go', async () => ((await podsOf(ns.name, selector(p.deployment))).length === 0 ? true : undefined));
  });

  test("a request beyond the pool's GPUs stays Pending and is reported", async () => {
    const p = pool('a100-full', { maxReplicas: 3 });
    await poolDeployment(ns.name, p.deployment, 'gpu-a100');
    const { scaler, current, status } = scalerFor(p, { backlog: 3, running: 0 });
    await scaler.tick();
    const summary = await eventually('2 Pods placed and 1 unschedulable', async () => {
      await scaler.tick();
      const s = status().pods;
      return s && s.running === 2 && s.unschedulable === 1 ? s : undefined;
    });
    assert.deepEqual(summary.nodes, ['kwok-gpu-a100-0'], 'never on another pool’s nodes');
    assert.match(summary.unschedulableMessage!, /Insufficient nvidia\.com\/gpu/);
    const reported = status().decisions.find((d) => d.kind === 'unschedulable');
    assert.match(reported!.message, /1 Pod\(s\) cannot be placed: .*Insufficient nvidia\.com\/gpu/);
    current.load = { backlog: 0, running: 0 };
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 0);
  });

  test('waits before scaling down and rate-limits changes', async () => {
    const p = pool('h100-slow');
    await poolDeployment(ns.name, p.deployment, 'gpu-h100');
    const { scaler, current, status } = scalerFor(p, { backlog: 1, running: 0 }, { ...fast, minChangeIntervalMs: 60_000, scaleDownDelayMs: 60_000 });
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 1);
    current.load = { backlog: 2, running: 1 };
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 1, 'a second change within the interval waits');
    current.load = { backlog: 0, running: 0 };
    await scaler.tick();
    assert.equal(await replicasOf(p.deployment), 1, 'idle for less than the delay: keeps its worker');
    assert.equal(status().decisions.filter((d) => d.kind === 'scaled').length, 1);
  });

  test('a conflicting manual edit of replicas makes the write fail, and the scaler decides again from the new count', async () => {
    const p = pool('h100-edit');
    await poolDeployment(ns.name, p.deployment, 'gpu-h100');
    // Someone runs `kubectl scale` between the scaler's read and its write.
    let edited = false;
    const apps = new Proxy(admin.apps, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'replaceNamespacedDeploymentScale' || edited) return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          edited = true;
          kubectl(['-n', ns.name, 'scale', `deployment/${p.deployment}`, '--replicas=4']);
          return value.apply(target, args);
        };
      },
    });
    const { scaler, status } = scalerFor(p, { backlog: 2, running: 0 }, fast, { ...admin, apps });
    // The Deployment controller's own status writes also move resourceVersion, so a retry can
    // conflict again; the scaler converges within a few ticks.
    await eventually('the scaler to win', async () => {
      await scaler.tick();
      return status().decisions[0].kind === 'scaled' ? true : undefined;
    });
    const decisions = [...status().decisions].reverse();
    assert.deepEqual([decisions[0].kind, decisions[0].from, decisions[0].to], ['conflict', 0, 2], JSON.stringify(decisions));
    assert.deepEqual([decisions[1].kind, decisions[1].from, decisions[1].to], ['external-change', 0, 4]);
    assert.deepEqual([decisions.at(-1)!.from, decisions.at(-1)!.to], [4, 2], 'decided again from the edited count');
    assert.equal(await replicasOf(p.deployment), 2);

    // An edit between ticks is recorded, then reconciled to what the load asks for.
    kubectl(['-n', ns.name, 'scale', `deployment/${p.deployment}`, '--replicas=3']);
    await scaler.tick();
    await eventually('the edit reconciled', async () => {
      await scaler.tick();
      return (await replicasOf(p.deployment)) === 2 ? true : undefined;
    });
    const edit = status().decisions.find((d) => d.kind === 'external-change' && d.to === 3);
    assert.match(edit!.message, /outside the scaler: 2 → 3/);
  });

  test('survives the API server going away: errors are recorded, the loop retries, and it scales once it is back', async () => {
    const p = pool('h100-away');
    await poolDeployment(ns.name, p.deployment, 'gpu-h100');
    const link = new ApiServerLink(new URL(admin.server));
    await link.open();
    const { scaler, current, status } = scalerFor(p, { backlog: 1, running: 0 }, fast, kubeClients(link.config()));
    scaler.start();
    try {
      await eventually('the first scale-up', async () => ((await replicasOf(p.deployment)) === 1 ? true : undefined));
      await link.cut();
      current.load = { backlog: 2, running: 0 };
      await eventually('the failure to be recorded', async () => (status().error ? true : undefined));
      await assert.rejects(scaler.checkApiServer());
      assert.equal(await replicasOf(p.deployment), 1, 'nothing changed while away');
      await link.open();
      await eventually('scaled after the API server came back', async () => ((await replicasOf(p.deployment)) === 2 ? true : undefined));
      await scaler.checkApiServer();
      const kinds = status().decisions.map((d) => d.kind);
      assert.ok(kinds.indexOf('error') > kinds.indexOf('recovered') && kinds.includes('recovered'), kinds.join());
      assert.equal(status().error, undefined);
      assert.equal(kinds.filter((k) => k === 'error').length, 1, 'one record per outage, not one per retry');
    } finally {
      await scaler.stop();
      await link.cut();
    }
  });
});
