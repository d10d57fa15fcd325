// The distributions the analyses test against, with scipy.stats' conventions: Poisson (pmf, cdf,
// sf, ppf), chi-square (cdf, sf) and Student t (sf).
import { gammaPowerTerm, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './special';

function checkRate(lambda: number): void {
  if (!(lambda >= 0 && lambda < Infinity)) throw new RangeError(`poisson: need a finite λ ≥ 0, got ${lambda}`);
}

/** P(X = k) for X ~ Poisson(λ); 0 off the support (negative or non-integer k), as scipy. */
export function poissonPmf(k: number, lambda: number): number {
  checkRate(lambda);
  if (k < 0 || !Number.isInteger(k)) return 0;
  if (lambda === 0) return k === 0 ? 1 : 0;
  return gammaPowerTerm(k + 1, lambda) / lambda;
}

/** P(X ≤ k) = Q(⌊k⌋ + 1, λ); 0 for k < 0. */
export function poissonCdf(k: number, lambda: number): number {
  checkRate(lambda);
  if (k < 0) return 0;
  if (lambda === 0) return 1;
  return regularizedGammaQ(Math.floor(k) + 1, lambda);
}

/** P(X > k) = P(⌊k⌋ + 1, λ), computed directly so that small upper tails keep their digits. */
export function poissonSf(k: number, lambda: number): number {
  checkRate(lambda);
  if (k < 0) return 1;
  if (lambda === 0) return 0;
  return regularizedGammaP(Math.floor(k) + 1, lambda);
}

/**
 * The smallest k ≥ 0 with P(X ≤ k) ≥ p, as scipy.stats.poisson.ppf on 0 < p ≤ 1 (p = 1 gives
 * Infinity). At p = 0 this is 0, where scipy returns −1 (its support's lower end minus one).
 */
export function poissonQuantile(p: number, lambda: number): number {
  checkRate(lambda);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`poisson quantile: need 0 ≤ p ≤ 1, got ${p}`);
  if (p === 1) return Infinity;
  let hi = Math.max(1, Math.ceil(lambda));
  while (poissonCdf(hi, lambda) < p) hi *= 2;
  let lo = -1; // invariant: cdf(lo) < p ≤ cdf(hi), with cdf(−1) = 0
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (poissonCdf(mid, lambda) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** P(X ≤ x) for X ~ χ²(df); NaN stays NaN, as in scipy. */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square: need df > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? 0 : regularizedGammaP(df / 2, x / 2);
}

/** P(X > x) for X ~ χ²(df); NaN stays NaN, as in scipy. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square: need df > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}

/** P(T > t) for T ~ Student t(df): ½ I_{ν/(ν+t²)}(ν/2, ½) on the positive side, by symmetry below. */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`student t: need df > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  const tail = 0.5 * regularizedBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t >= 0 ? tail : 1 - tail;
}
