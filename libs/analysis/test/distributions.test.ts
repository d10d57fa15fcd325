import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chiSquareCdf, chiSquareSf, poissonCdf, poissonPmf, poissonQuantile, poissonSf, studentTSf } from '../src/distributions';
import { close, reference } from './helpers';

test('poisson pmf, cdf and sf equal scipy.stats.poisson, λ from 0.3 to 300', () => {
  for (const { k, lambda, pmf, cdf, sf } of reference.distributions.poisson) {
    // scipy's pmf is exp(k·log λ − log k! − λ), which carries ~k·log(λ)·ε of rounding (5e-13 at k=448, λ=300).
    close(poissonPmf(k, lambda), pmf, 1e-12, 0, `pmf(${k}; ${lambda})`);
    close(poissonCdf(k, lambda), cdf, 1e-12, 0, `cdf(${k}; ${lambda})`);
    close(poissonSf(k, lambda), sf, 1e-12, 0, `sf(${k}; ${lambda})`);
  }
});

test('poisson quantile equals scipy.stats.poisson.ppf, including λ = 0 and p next to 0 and 1', () => {
  for (const { p, lambda, k } of reference.distributions.poissonPpf) assert.equal(poissonQuantile(p, lambda), k, `ppf(${p}; ${lambda})`);
});

test('poisson by hand: pmf and cdf of λ = 2, off-support values, λ = 0, the quantile at its ends', () => {
  close(poissonPmf(0, 2), Math.exp(-2), 1e-15);
  close(poissonPmf(3, 2), (8 / 6) * Math.exp(-2), 1e-15);
  close(poissonCdf(2, 2), 5 * Math.exp(-2), 1e-15); // (1 + 2 + 2) e^−2
  close(poissonCdf(2.7, 2), 5 * Math.exp(-2), 1e-15); // cdf at ⌊k⌋, as scipy
  close(poissonSf(2, 2), 1 - 5 * Math.exp(-2), 1e-15);
  assert.equal(poissonPmf(2.5, 2), 0);
  assert.equal(poissonPmf(-1, 2), 0);
  assert.equal(poissonCdf(-1, 2), 0);
  assert.equal(poissonSf(-1, 2), 1);
  assert.deepEqual([poissonPmf(0, 0), poissonPmf(1, 0), poissonCdf(0, 0), poissonSf(0, 0)], [1, 0, 1, 0]);
  // cdf(1; 2) = 3e^−2 ≈ 0.406: p just below it gives 1, just above gives 2.
  assert.equal(poissonQuantile(3 * Math.exp(-2) - 1e-12, 2), 1);
  assert.equal(poissonQuantile(3 * Math.exp(-2) + 1e-12, 2), 2);
  assert.equal(poissonQuantile(0, 2), 0); // scipy: −1
  assert.equal(poissonQuantile(1, 2), Infinity);
  assert.throws(() => poissonQuantile(1.5, 2), /0 ≤ p ≤ 1/);
  assert.throws(() => poissonPmf(1, -1), /finite λ ≥ 0/);
});

test('chi-square cdf and sf equal scipy.stats.chi2, df up to 249,999', () => {
  for (const { x, df, sf, cdf } of reference.distributions.chi2) {
    close(chiSquareSf(x, df), sf, 1e-12, 0, `sf(${x}; ${df})`);
    close(chiSquareCdf(x, df), cdf, 1e-12, 0, `cdf(${x}; ${df})`);
  }
});

test('chi-square by hand: df = 2 is exponential, x ≤ 0, NaN', () => {
  close(chiSquareSf(3, 2), Math.exp(-1.5), 1e-14);
  close(chiSquareCdf(3, 2), -Math.expm1(-1.5), 1e-15);
  assert.equal(chiSquareSf(0, 4), 1);
  assert.equal(chiSquareCdf(-1, 4), 0);
  assert.ok(Number.isNaN(chiSquareSf(NaN, 4)));
  assert.throws(() => chiSquareSf(1, 0), /df > 0/);
});

test('student t sf equals scipy.stats.t.sf, df up to 1e7', () => {
  for (const { t, df, sf } of reference.distributions.t) close(studentTSf(t, df), sf, 1e-12, 0, `sf(${t}; ${df})`);
});

test('student t by hand: df = 1 is Cauchy, df = 2 has a closed form, symmetry, the ends', () => {
  close(studentTSf(1.7, 1), 0.5 - Math.atan(1.7) / Math.PI, 1e-14);
  close(studentTSf(1.5, 2), 0.5 - 1.5 / (2 * Math.sqrt(2 + 1.5 ** 2)), 1e-14);
  close(studentTSf(-0.8, 9) + studentTSf(0.8, 9), 1, 1e-15);
  assert.equal(studentTSf(0, 3), 0.5);
  assert.equal(studentTSf(Infinity, 3), 0);
  assert.equal(studentTSf(-Infinity, 3), 1);
  assert.ok(Number.isNaN(studentTSf(NaN, 3)));
});
