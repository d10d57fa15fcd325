import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConstant, mean, pearson, range, ranks, sampleStd } from '../src/descriptive';
import { close, reference } from './helpers';

test('mean, sample std, min/max and average ranks equal numpy and scipy.stats.rankdata', () => {
  for (const s of reference.descriptive.samples) {
    close(mean(s.x), s.mean, 1e-14, 1e-15);
    close(sampleStd(s.x), s.std, 1e-13);
    assert.deepEqual(range(s.x), { min: s.min, max: s.max });
    assert.deepEqual(ranks(s.x), s.ranks);
  }
});

test('pearson equals numpy.corrcoef', () => {
  const { x, y, r } = reference.descriptive.pearson;
  close(pearson(x, y), r, 1e-13);
});

test('descriptive by hand: typed arrays, ties, infinities, degenerate input', () => {
  const xs = Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]); // mean 5, Σ(x−5)² = 32
  assert.equal(mean(xs), 5);
  assert.equal(sampleStd(xs), Math.sqrt(32 / 7));
  assert.deepEqual(range(xs), { min: 2, max: 9 });
  assert.deepEqual(ranks([10, 20, 20, 20, 5]), [2, 4, 4, 4, 1]);
  assert.deepEqual(ranks([Infinity, -Infinity, 0, Infinity]), [3.5, 1, 2, 3.5]);
  assert.ok(Number.isNaN(mean([])));
  assert.ok(Number.isNaN(sampleStd([3])));
  assert.throws(() => range([]), /empty/);
  assert.throws(() => ranks([1, NaN]), /NaN at index 1/);
});

test('pearson by hand: exact lines, a constant side, unequal lengths', () => {
  assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
  assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
  close(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, 1e-15); // Sxy 4, Sxx = Syy = 5
  assert.ok(Number.isNaN(pearson([1, 2, 3], [0.1, 0.1, 0.1])));
  assert.ok(isConstant([0.1, 0.1, 0.1]) && !isConstant([0.1, 0.2]));
  assert.throws(() => pearson([1, 2], [1]), /lengths differ/);
});
