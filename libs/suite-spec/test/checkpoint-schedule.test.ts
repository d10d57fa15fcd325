import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointSteps } from '../src';

test("pythia's own run gives Pythia's 154 checkpoints", () => {
  const steps = checkpointSteps({ kind: 'pythia' }, 143_000);
  assert.equal(steps.length, 154);
  assert.deepEqual(steps.slice(0, 11), [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  assert.deepEqual(steps.slice(11, 14), [1000, 2000, 3000]);
  assert.equal(steps.at(-1), 143_000);
});

test('pythia schedule scales to a short run', () => {
  // 14,300 steps = 1/10 of Pythia: log-spaced to 32 (51 → 32), then every 100.
  const steps = checkpointSteps({ kind: 'pythia' }, 14_300);
  assert.deepEqual(steps.slice(0, 8), [0, 1, 2, 4, 8, 16, 32, 100]);
  assert.equal(steps.at(-1), 14_300);
  assert.equal(steps.length, 7 + 143);
});

test('explicit bounds, lists and every-K, always with step 0 and the last step', () => {
  assert.deepEqual(checkpointSteps({ kind: 'pythia', logUntil: 4, every: 10 }, 25), [0, 1, 2, 4, 10, 20, 25]);
  assert.deepEqual(checkpointSteps({ kind: 'list', steps: [5, 3, 5] }, 8), [0, 3, 5, 8]);
  assert.deepEqual(checkpointSteps({ kind: 'every', every: 4 }, 10), [0, 4, 8, 10]);
});
