import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memorizationSummary, predictableMemorization, summariseByGroup } from '../src/memorization';

test('memorization summary by hand: counts, rate, mean score, histogram', () => {
  const scores = Uint8Array.from([4, 0, 4, 2, 3, 4, 1, 2]);
  assert.deepEqual(memorizationSummary(scores, 4), {
    sequences: 8,
    memorized: 3,
    rate: 3 / 8,
    meanScore: 20 / 8,
    histogram: [1, 1, 2, 1, 3],
  });
  const empty = memorizationSummary(new Uint8Array(0), 32);
  assert.equal(empty.sequences, 0);
  assert.ok(Number.isNaN(empty.rate));
  assert.equal(empty.histogram.length, 33);
});

test('memorization summary rejects scores above the continuation and bad continuations', () => {
  assert.throws(() => memorizationSummary(Uint8Array.from([1, 5]), 4), /score 5 at 1 exceeds the continuation length 4/);
  assert.throws(() => memorizationSummary(new Uint8Array(1), 0), /continuation must be an integer in 1…255/);
});

test('summaries by group: by planted repetition count, numeric groups in ascending order', () => {
  // Sequences planted 10, 1, 100, 1, 10, 100 times; the more repeats, the more memorized.
  const repeats = [10, 1, 100, 1, 10, 100];
  const scores = Uint8Array.from([32, 5, 32, 0, 12, 32]);
  const groups = summariseByGroup(scores, 32, (i) => repeats[i]);
  assert.deepEqual(groups.map((g) => [g.group, g.sequences, g.memorized, g.rate, g.meanScore]), [
    [1, 2, 0, 0, 2.5],
    [10, 2, 1, 0.5, 22],
    [100, 2, 2, 1, 32],
  ]);
  assert.deepEqual(groups[0].histogram.slice(0, 6), [1, 0, 0, 0, 0, 1]);
  const mixed = summariseByGroup(Uint8Array.from([1, 0, 1, 1]), 1, (i) => ['b', 2, 'a', 1][i]);
  assert.deepEqual(mixed.map((g) => g.group), [1, 2, 'a', 'b']);
});

test('predictable memorization by hand: the early checkpoint covers only the first sequences', () => {
  const early = Uint8Array.from([8, 8, 8, 3, 0, 8, 2, 1]);
  const final = Uint8Array.from([8, 8, 5, 8, 0, 8, 2, 8, 8, 8]); // the last two: seen only late
  // memorized early: 0,1,2,5; at the end (first 8): 0,1,3,5,7 → TP 3 (0,1,5), FP 1 (2), FN 2 (3,7), TN 2 (4,6)
  assert.deepEqual(predictableMemorization(early, final, 8), {
    precision: 3 / 4,
    recall: 3 / 5,
    f1: 6 / 9,
    truePositive: 3,
    falsePositive: 1,
    falseNegative: 2,
    trueNegative: 2,
  });
  const none = predictableMemorization(Uint8Array.from([1, 2]), Uint8Array.from([0, 3]), 8);
  assert.ok(Number.isNaN(none.precision) && Number.isNaN(none.recall) && Number.isNaN(none.f1));
  const lateOnly = predictableMemorization(Uint8Array.from([1]), Uint8Array.from([8]), 8);
  assert.ok(Number.isNaN(lateOnly.precision));
  assert.deepEqual([lateOnly.recall, lateOnly.f1], [0, 0]);
  assert.throws(() => predictableMemorization(new Uint8Array(3), new Uint8Array(2), 8), /fewer than the early one's 3/);
});
