import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spearman } from '../src/spearman';
import { close, reference } from './helpers';

test('spearman rho and two-sided p equal scipy.stats.spearmanr (ties, n = 3 … 1000)', () => {
  for (const c of reference.spearman) {
    const r = spearman(c.x, c.y);
    assert.equal(r.n, c.x.length);
    close(r.rho, c.rho, 1e-13, 1e-15, `${c.name}: rho`);
    close(r.pValue, c.pValue, 1e-11, 0, `${c.name}: p`);
  }
});

test('spearman by hand: 1 − 6Σd²/(n(n²−1)) without ties, and its t-test p-value', () => {
  // Ranks of y: [2, 1, 4, 3, 5]; d² sums to 4; rho = 1 − 24/120 = 0.8.
  const r = spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50]);
  close(r.rho, 0.8, 1e-15);
  // t = 0.8·√(3 / 0.36) = 0.8·√(25/3); df = 3.
  const t = 0.8 * Math.sqrt(25 / 3);
  // Student t with 3 df: sf(t) = ½ − (atan(t/√3) + (t/√3)/(1 + t²/3)) / π.
  const u = t / Math.sqrt(3);
  close(r.pValue, 2 * (0.5 - (Math.atan(u) + u / (1 + u * u)) / Math.PI), 1e-13);
});

test('spearman edge cases follow scipy: perfect order, a constant side, two or fewer pairs', () => {
  assert.deepEqual(spearman([1, 2, 3, 4], [10, 20, 30, 40]), { rho: 1, pValue: 0, n: 4 });
  assert.deepEqual(spearman([1, 2, 3, 4], [4, 3, 2, 1]), { rho: -1, pValue: 0, n: 4 });
  for (const r of [spearman([1, 2, 3], [5, 5, 5]), spearman([7], [1]), spearman([], [])]) {
    assert.ok(Number.isNaN(r.rho) && Number.isNaN(r.pValue));
  }
  const two = spearman([1, 2], [2, 1]); // no degrees of freedom left for the t-test
  assert.equal(two.rho, -1);
  assert.ok(Number.isNaN(two.pValue));
  assert.throws(() => spearman([1, 2, 3], [1, 2]), /lengths differ/);
});
