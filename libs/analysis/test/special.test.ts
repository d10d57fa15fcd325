import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gammaPowerTerm, logGamma, regularizedBeta, regularizedGammaP, regularizedGammaQ } from '../src/special';
import { close, reference } from './helpers';

test('log-gamma equals scipy.special.gammaln (absolutely near its zeros at 1 and 2)', () => {
  for (const { x, value } of reference.special.gammaln) close(logGamma(x), value, 1e-14, 1e-14, `lgamma(${x})`);
});

test('log-gamma by hand: factorials exactly, Γ(½) = √π, no value off the positive axis', () => {
  assert.equal(logGamma(1), 0);
  assert.equal(logGamma(2), 0);
  assert.equal(logGamma(6), Math.log(120));
  assert.equal(logGamma(23), Math.log(1.12400072777760768e21)); // 22!, exact in a double
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
  close(logGamma(10.5), logGamma(9.5) + Math.log(9.5), 1e-15); // Γ(x+1) = xΓ(x) across the switch to Stirling
  assert.ok(Number.isNaN(logGamma(0)));
  assert.ok(Number.isNaN(logGamma(-1.5)));
});

test('regularized incomplete gamma P and Q equal scipy gammainc/gammaincc, shape up to 3e5', () => {
  for (const { a, x, p, q } of reference.special.gammainc) {
    close(regularizedGammaP(a, x), p, 1e-12, 0, `P(${a}, ${x})`);
    close(regularizedGammaQ(a, x), q, 1e-12, 0, `Q(${a}, ${x})`);
  }
});

test('incomplete gamma by hand: exponential and erf special cases, the ends, bad arguments', () => {
  close(regularizedGammaQ(1, 2.5), Math.exp(-2.5), 1e-15); // Q(1, x) = e^−x
  close(regularizedGammaP(1, 0.25), -Math.expm1(-0.25), 1e-15);
  close(regularizedGammaQ(2, 3), 4 * Math.exp(-3), 1e-15); // Q(2, x) = (1 + x)e^−x
  close(gammaPowerTerm(3, 2), (8 * Math.exp(-2)) / 2, 1e-15); // x^a e^−x / Γ(a)
  assert.equal(regularizedGammaP(2, 0), 0);
  assert.equal(regularizedGammaQ(2, 0), 1);
  assert.equal(regularizedGammaP(2, Infinity), 1);
  assert.equal(regularizedGammaQ(2, Infinity), 0);
  assert.throws(() => regularizedGammaP(0, 1), /need a > 0 and x ≥ 0/);
  assert.throws(() => regularizedGammaQ(1, -1), /need a > 0 and x ≥ 0/);
});

test('regularized incomplete beta equals scipy betainc, including a = 5e4 next to x = 1', () => {
  for (const { a, b, x, value } of reference.special.betainc) close(regularizedBeta(a, b, x), value, 1e-12, 0, `I(${a}, ${b}, ${x})`);
});

test('incomplete beta by hand: uniform, power and arcsine cases, symmetry, the ends', () => {
  close(regularizedBeta(1, 1, 0.3), 0.3, 1e-15);
  close(regularizedBeta(3, 1, 0.6), 0.6 ** 3, 1e-15); // I_x(a, 1) = x^a
  close(regularizedBeta(0.5, 0.5, 0.25), (2 / Math.PI) * Math.asin(0.5), 1e-14);
  close(regularizedBeta(2.5, 4, 0.3) + regularizedBeta(4, 2.5, 0.7), 1, 1e-15);
  // The large-a expansion and the continued fraction agree where they meet.
  close(regularizedBeta(15, 0.5, 0.95), regularizedBeta(14.999999999, 0.5, 0.95), 1e-9);
  assert.equal(regularizedBeta(2, 3, 0), 0);
  assert.equal(regularizedBeta(2, 3, 1), 1);
  assert.throws(() => regularizedBeta(2, 3, 1.5), /0 ≤ x ≤ 1/);
});
