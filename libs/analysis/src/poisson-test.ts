// Are memorized sequences spread through training like a Poisson process, or bunched? The Pythia
// paper bins the training order and compares the counts per bin with Poisson(λ). Under "each
// sequence is memorized independently with the same chance" a bin's count is exactly
// Binomial(binSize, rate), which Poisson(λ) approximates when the rate is small; the binomial is
// slightly less dispersed, so the overdispersion test below errs on the conservative side.
import { mean } from './descriptive';
import { chiSquareCdf, chiSquareSf, poissonCdf, poissonPmf, poissonSf } from './distributions';

export interface DispersionTest {
  /** Index-of-dispersion statistic D = Σ(x − x̄)² / x̄, χ²(n − 1) under the Poisson null. */
  statistic: number;
  df: number;
  /** Upper tail P(χ² ≥ D): overdispersion, i.e. bunching, is the alternative the study cares about. */
  pValue: number;
  /** 2·min(upper, lower tail), capped at 1: also flags counts more even than Poisson allows. */
  pValueTwoSided: number;
  /** Sample variance over mean, D / (n − 1): 1 for Poisson, above 1 when bunched. */
  varianceToMean: number;
}

export interface PooledCell {
  /** Counts lo … hi (hi is Infinity for the upper tail cell). */
  lo: number;
  hi: number;
  observed: number;
  expected: number;
}

export interface ChiSquareFit {
  statistic: number;
  /**
   * cells − 2: one for the fixed total, one for λ estimated from the same counts. Below 1 (fewer
   * than 3 cells: few bins, or λ near 0) there is nothing to test: statistic and pValue are NaN.
   */
  df: number;
  pValue: number;
  pooledCells: PooledCell[];
}

export interface PoissonBinTest {
  /** Memorized sequences in each complete bin, in training order. */
  bins: number[];
  /** Sequences after the last complete bin, left out so that every bin has the same exposure. */
  droppedSequences: number;
  /** Mean count per bin: the maximum-likelihood Poisson rate. */
  lambda: number;
  dispersion: DispersionTest;
  chiSquare: ChiSquareFit;
  /** Sorted bin counts against Poisson(λ) quantiles at the Hazen plotting positions (i − ½)/n. */
  qq: { theoretical: number[]; sample: number[] };
}

const MIN_EXPECTED = 5;

/**
 * Bins 0/1 memorization flags (one per sequence, in training order) and tests the bin counts
 * against Poisson(λ): the index-of-dispersion test, and a chi-square goodness of fit over count
 * cells pooled so that each expects at least 5 bins. Throws for fewer than two complete bins (no
 * spread to test). With nothing memorized (λ = 0) every count is trivially Poisson(0): the
 * statistics and p-values are NaN (D is 0/0, and there is a single cell), the Q–Q points all sit at 0.
 *
 * The Q–Q plotting positions are Hazen's (i − ½)/n, i = 1…n, which keep the extreme points off
 * the quantile function's 0 and 1; statsmodels' ProbPlot gives the same with a=0.5 (its default
 * a=0 is i/(n+1)).
 */
export function poissonBinTest(memorized: ArrayLike<number>, binSize = 512): PoissonBinTest {
  if (!Number.isInteger(binSize) || binSize < 1) throw new RangeError(`poisson test: bin size must be a positive integer, got ${binSize}`);
  const n = Math.floor(memorized.length / binSize);
  if (n < 2) {
    throw new RangeError(`poisson test: need at least 2 complete bins, got ${n} (${memorized.length} sequences, bin size ${binSize})`);
  }
  const bins = new Array<number>(n).fill(0);
  for (let i = 0; i < n * binSize; i++) {
    const flag = memorized[i];
    if (flag !== 0 && flag !== 1) throw new RangeError(`poisson test: memorized[${i}] is ${flag}, not 0 or 1`);
    bins[Math.floor(i / binSize)] += flag;
  }
  const lambda = mean(bins);
  return {
    bins,
    droppedSequences: memorized.length - n * binSize,
    lambda,
    dispersion: dispersionTest(bins, lambda),
    chiSquare: chiSquareFit(bins, lambda),
    qq: { theoretical: hazenQuantiles(n, lambda), sample: [...bins].sort((a, b) => a - b) },
  };
}

function dispersionTest(bins: readonly number[], lambda: number): DispersionTest {
  let squares = 0;
  for (const x of bins) squares += (x - lambda) ** 2;
  const statistic = squares / lambda;
  const df = bins.length - 1;
  const pValue = chiSquareSf(statistic, df);
  const pValueTwoSided = Math.min(1, 2 * Math.min(pValue, chiSquareCdf(statistic, df)));
  return { statistic, df, pValue, pValueTwoSided, varianceToMean: statistic / df };
}

/**
 * Cells of consecutive counts, walked up from 0: a cell closes once it expects ≥ 5 bins, unless
 * what lies above it expects < 5, in which case it takes the whole upper tail. A last cell still
 * expecting < 5 merges into the one before. Expected counts sum to n, tail included.
 */
function poolCells(bins: readonly number[], lambda: number): PooledCell[] {
  const n = bins.length;
  const cells: PooledCell[] = [];
  let lo = 0;
  let expected = 0;
  for (let k = 0; ; k++) {
    expected += n * poissonPmf(k, lambda);
    const above = n * poissonSf(k, lambda);
    if (above < MIN_EXPECTED) {
      const last = cells.at(-1);
      if (expected + above < MIN_EXPECTED && last) {
        last.hi = Infinity;
        last.expected += expected + above;
      } else {
        cells.push({ lo, hi: Infinity, observed: 0, expected: expected + above });
      }
      break;
    }
    if (expected >= MIN_EXPECTED) {
      cells.push({ lo, hi: k, observed: 0, expected });
      lo = k + 1;
      expected = 0;
    }
  }
  for (const x of bins) cells.find((c) => x >= c.lo && x <= c.hi)!.observed++;
  return cells;
}

function chiSquareFit(bins: readonly number[], lambda: number): ChiSquareFit {
  const pooledCells = poolCells(bins, lambda);
  const df = pooledCells.length - 2;
  if (df < 1) return { statistic: NaN, df, pValue: NaN, pooledCells };
  let statistic = 0;
  for (const c of pooledCells) statistic += (c.observed - c.expected) ** 2 / c.expected;
  return { statistic, df, pValue: chiSquareSf(statistic, df), pooledCells };
}

/** Poisson(λ) quantiles at (i − ½)/n; the positions ascend, so one upward walk over k serves them all. */
function hazenQuantiles(n: number, lambda: number): number[] {
  const out = new Array<number>(n);
  let k = 0;
  let cdf = poissonCdf(0, lambda);
  for (let i = 0; i < n; i++) {
    const p = (i + 0.5) / n;
    while (cdf < p) cdf = poissonCdf(++k, lambda);
    out[i] = k;
  }
  return out;
}
