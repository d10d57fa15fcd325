// Descriptive statistics over plain or typed arrays. Empty input gives NaN where numpy does
// (mean, std) and an error where numpy raises (min/max).

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Standard deviation with Bessel's correction (numpy ddof=1); NaN for fewer than two values. */
export function sampleStd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  const mu = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - mu) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export function range(xs: ArrayLike<number>): { min: number; max: number } {
  if (xs.length === 0) throw new RangeError('range of an empty array');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    min = Math.min(min, xs[i]);
    max = Math.max(max, xs[i]);
  }
  return { min, max };
}

/**
 * 1-based ranks, ties sharing the average of the ranks they span: scipy.stats.rankdata's
 * 'average' method. NaN has no rank, so it is rejected rather than propagated.
 */
export function ranks(xs: ArrayLike<number>): number[] {
  const order = Array.from({ length: xs.length }, (_, i) => i);
  for (const i of order) if (Number.isNaN(xs[i])) throw new RangeError(`ranks: NaN at index ${i}`);
  order.sort((i, j) => (xs[i] < xs[j] ? -1 : xs[i] > xs[j] ? 1 : 0)); // no xs[i] − xs[j]: ∞ − ∞ is NaN
  const out = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && xs[order[end]] === xs[order[start]]) end++;
    const average = (start + 1 + end) / 2; // mean of the ranks start+1 … end
    for (let i = start; i < end; i++) out[order[i]] = average;
    start = end;
  }
  return out;
}

/** True for an empty array too; compares values, since the mean of equal values may be off by an ulp. */
export function isConstant(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}

/** Pearson's r, clipped to [−1, 1] against rounding (as numpy.corrcoef); NaN if a side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`pearson: lengths differ (${x.length} vs ${y.length})`);
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (isConstant(x) || isConstant(y)) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
