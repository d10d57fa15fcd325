import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePools, PoolScaler, RUN_JOB_LABELS, runJobName, type PoolRun } from '../src';
import { admin, eventually, podsOf, poolDeployment, testNamespace } from './support';

// Job mode against the real API server: one Job per active run, made from the pool Deployment's
// Pod template, labelled with the run's id, removed once the run is no longer active.
let ns: Awaited<ReturnType<typeof testNamespace>>;
before(async () => {
  ns = await testNamespace('jobs');
});
after(async () => {
  await ns.remove();
});

const run = (n: number): PoolRun => ({ runId: `00000000-0000-4000-8000-00000000000${n}`, suiteId: 'aaaaaaaa-0000-4000-8000-000000000000' });

describe('run Jobs', () => {
  test('one labelled Job per run on the pool’s nodes, at most maxReplicas, each removed when its run ends', async () => {
    const [pool] = parsePools([
      { name: 'a100-jobs', namespace: ns.name, deployment: 'a100-jobs', mode: 'job', maxReplicas: 2, backoffLimit: 1, ttlSecondsAfterFinished: 120, resources: { gpu: 1, cpu: '2', memory: '4Gi' } },
    ]);
    await poolDeployment(ns.name, pool.deployment, 'gpu-a100');
    const active = { runs: [run(1), run(2), run(3)] };
    const scaler = new PoolScaler([pool], admin, async () => ({ backlog: 0, running: 0 }), async () => active.runs, {
      intervalMs: 200, minChangeIntervalMs: 0, scaleDownDelayMs: 0, requestTimeoutMs: 3000, historySize: 50,
    });
    await scaler.tick();
    const jobs = (await admin.batch.listNamespacedJob({ namespace: ns.name })).items;
    assert.deepEqual(jobs.map((j) => j.metadata!.name).sort(), [runJobName(run(1).runId), runJobName(run(2).runId)]);
    const job = jobs.find((j) => j.metadata!.name === runJobName(run(1).runId))!;
    assert.equal(job.metadata!.labels![RUN_JOB_LABELS.runId], run(1).runId);
    assert.equal(job.metadata!.labels![RUN_JOB_LABELS.suiteId], run(1).suiteId);
    assert.equal(job.metadata!.labels![RUN_JOB_LABELS.pool], 'a100-jobs');
    assert.equal(job.spec!.backoffLimit, 1);
    assert.equal(job.spec!.ttlSecondsAfterFinished, 120);
    const container = job.spec!.template.spec!.containers[0];
    assert.deepEqual(container.resources!.requests, { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' });
    assert.equal(job.spec!.template.spec!.restartPolicy, 'Never');
    assert.deepEqual(scaler.status()[0].jobs, { runIds: [run(1).runId, run(2).runId], waiting: [run(3).runId] });

    // The Job controller makes each run's Pod; the scheduler puts it on the pool's node. (kwok's
    // stages then complete Job Pods at once; a real worker runs until its Job is deleted.)
    const pods = await eventually('both runs’ Pods placed', async () => {
      const list = await podsOf(ns.name, `${RUN_JOB_LABELS.pool}=a100-jobs`);
      return list.length === 2 && list.every((p) => ['Running', 'Succeeded'].includes(p.status?.phase ?? '')) ? list : undefined;
    });
    assert.deepEqual(pods.map((p) => p.spec!.nodeName), ['kwok-gpu-a100-0', 'kwok-gpu-a100-0']);
    assert.deepEqual(pods.map((p) => p.metadata!.labels![RUN_JOB_LABELS.runId]).sort(), [run(1).runId, run(2).runId]);

    // Run 1 ends: its Job goes, and the waiting run gets the slot.
    active.runs = [run(2), run(3)];
    await scaler.tick();
    const names = (await admin.batch.listNamespacedJob({ namespace: ns.name })).items.filter((j) => !j.metadata!.deletionTimestamp).map((j) => j.metadata!.name).sort();
    assert.deepEqual(names, [runJobName(run(2).runId), runJobName(run(3).runId)]);
    const kinds = scaler.status()[0].decisions.map((d) => d.kind);
    assert.deepEqual(kinds.filter((k) => k.startsWith('job-')).reverse(), ['job-created', 'job-created', 'job-deleted', 'job-created']);

    active.runs = [];
    await scaler.tick();
    await eventually('no Jobs and no Pods left', async () => {
      const left = (await admin.batch.listNamespacedJob({ namespace: ns.name })).items.length + (await podsOf(ns.name, `${RUN_JOB_LABELS.pool}=a100-jobs`)).length;
      return left === 0 ? true : undefined;
    });
    assert.equal((await admin.apps.readNamespacedDeploymentScale({ name: pool.deployment, namespace: ns.name })).spec?.replicas ?? 0, 0, 'the Deployment stays at minReplicas');
  });
});
