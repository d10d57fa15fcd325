import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideScale, parsePools, PoolConfigError, wantedReplicas, type ScaleState } from '../src';

describe('pool configuration', () => {
  test('fills defaults', () => {
    assert.deepEqual(parsePools([{ name: 'gpu-h100', maxReplicas: 8 }]), [
      { name: 'gpu-h100', taskQueue: 'gpu-h100', namespace: 'cohort', mode: 'deployment', deployment: 'gpu-worker-gpu-h100', minReplicas: 0, maxReplicas: 8, resources: undefined, backoffLimit: 3, ttlSecondsAfterFinished: 600 },
    ]);
  });

  const rejects = (input: unknown, field: string, problem: RegExp) => {
    assert.throws(() => parsePools(input), (err: Error) => err instanceof PoolConfigError && err.field === field && problem.test(err.message), `${field}`);
  };

  test('names the bad field', () => {
    rejects({ name: 'x' }, 'pools', /expected a list/);
    rejects([{ maxReplicas: 1 }], 'pools[0].name', /non-empty string/);
    rejects([{ name: 'GPU_H100', maxReplicas: 1 }], 'pools[0].name', /not a DNS label/);
    rejects([{ name: 'a', maxReplicas: 2 }, { name: 'b', minReplicas: 3, maxReplicas: 2 }], 'pools[1].maxReplicas', /at least minReplicas \(3\)/);
    rejects([{ name: 'a' }], 'pools[0].maxReplicas', /whole number/);
    rejects([{ name: 'a', maxReplicas: 1, mode: 'statefulset' }], 'pools[0].mode', /"deployment" or "job"/);
    rejects([{ name: 'a', maxReplicas: 1, resources: { gpu: 1, memory: 'lots' } }], 'pools[0].resources.memory', /quantity/);
    rejects([{ name: 'a', maxReplicas: 1, resources: { tpu: 1 } }], 'pools[0].resources.tpu', /unknown resource/);
    rejects([{ name: 'a', maxReplicas: 1, replicas: 3 }], 'pools[0].replicas', /unknown field/);
    rejects([{ name: 'a', maxReplicas: 1 }, { name: 'b', taskQueue: 'a', maxReplicas: 1 }], 'pools[1].taskQueue', /already used by pools\[0\]/);
  });
});

describe('scale decisions', () => {
  const pool = parsePools([{ name: 'p', minReplicas: 1, maxReplicas: 4 }])[0];
  const timers = { minChangeIntervalMs: 1000, scaleDownDelayMs: 5000 };

  test('one worker per task between min and max, never below the running segments', () => {
    assert.equal(wantedReplicas(pool, { backlog: 0, running: 0 }, 0), 1);
    assert.equal(wantedReplicas(pool, { backlog: 3, running: 0 }, 1), 3);
    assert.equal(wantedReplicas(pool, { backlog: 9, running: 2 }, 1), 4);
    assert.equal(wantedReplicas(pool, { backlog: 0, running: 3 }, 4), 3);
    // More running than max (workers added by hand): not scaled below them.
    assert.equal(wantedReplicas(pool, { backlog: 0, running: 6 }, 6), 6);
  });

  test('scales up at once, down only after the delay, at most once per interval', () => {
    const state: ScaleState = {};
    assert.deepEqual(decideScale(pool, { backlog: 2, running: 0 }, 1, state, timers, 0), { change: true, replicas: 2, reason: 'backlog 2, running 0: 1 → 2' });
    state.lastChangeAt = 0;
    assert.equal(decideScale(pool, { backlog: 3, running: 0 }, 2, state, timers, 500).change, false, 'rate-limited');
    assert.equal(decideScale(pool, { backlog: 0, running: 0 }, 2, state, timers, 2000).change, false, 'low since 2000');
    assert.equal(decideScale(pool, { backlog: 0, running: 0 }, 2, state, timers, 6000).change, false, 'only 4 s low');
    assert.deepEqual(decideScale(pool, { backlog: 0, running: 0 }, 2, state, timers, 7000), { change: true, replicas: 1, reason: 'backlog 0, running 0: 2 → 1' });
    // Load in between resets the wait.
    const s2: ScaleState = {};
    decideScale(pool, { backlog: 0, running: 0 }, 2, s2, timers, 0);
    decideScale(pool, { backlog: 1, running: 1 }, 2, s2, timers, 3000);
    assert.equal(decideScale(pool, { backlog: 0, running: 0 }, 2, s2, timers, 6000).change, false);
  });
});
