// Accuracy against how often a question's terms occur in the training data (Razeghi et al., and
// the Pythia paper's arithmetic and TriviaQA study): bin by log frequency, and compare the most
// frequent terms with the least frequent ones.
import { range } from './descriptive';

export interface FrequencyBin {
  /** Bin edges; every bin is [lo, hi) except the last, which is [lo, hi] (as numpy.histogram). */
  lo: number;
  hi: number;
  n: number;
  /** Mean of `correct` over the bin's items; NaN for an empty bin. */
  accuracy: number;
}

/**
 * Items in `bins` log-spaced bins between min and max (the paper: 20 bins from 1e5 to 2e8).
 * min defaults to the smallest positive frequency, max to the largest. A frequency of 0 has no
 * place on a log axis, so it is left out rather than put in the first bin (where it would pose as
 * "rare but seen"), as is anything outside [min, max].
 */
export function logFrequencyBins(
  items: readonly { frequency: number; correct: boolean | number }[],
  { bins = 20, min, max }: { bins?: number; min?: number; max?: number } = {},
): FrequencyBin[] {
  const positive = items.filter((item) => item.frequency > 0);
  const seen = positive.length > 0 ? range(positive.map((item) => item.frequency)) : { min: NaN, max: NaN };
  const lo = min ?? seen.min;
  const hi = max ?? seen.max;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`log frequency bins: bins must be a positive integer, got ${bins}`);
  if (!(lo > 0 && hi > lo && hi < Infinity)) {
    throw new RangeError(`log frequency bins: need 0 < min < max < ∞ (from the options or the positive frequencies), got min=${lo}, max=${hi}`);
  }
  const step = (Math.log(hi) - Math.log(lo)) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, j) => (j === 0 ? lo : j === bins ? hi : Math.exp(Math.log(lo) + j * step)));
  const n = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (const item of positive) {
    if (item.frequency < lo || item.frequency > hi) continue;
    const j = binOf(edges, item.frequency);
    n[j]++;
    correct[j] += Number(item.correct);
  }
  return n.map((count, j) => ({ lo: edges[j], hi: edges[j + 1], n: count, accuracy: correct[j] / count }));
}

/** The j with edges[j] ≤ f < edges[j+1], the top edge counting into the last bin; edges[0] ≤ f ≤ edges.at(-1). */
function binOf(edges: readonly number[], f: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= f) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Δ-performance: mean accuracy over the k most frequent x1 values minus that over the k least
 * frequent, in percentage points. Equal frequencies are ordered by x1 ascending in both lists, so
 * the smaller operand is taken first either way. Needs at least 2k distinct x1 so the two groups
 * do not overlap.
 */
export function deltaPerformance(perX1: readonly { x1: number; frequency: number; accuracy: number }[], k = 10): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`delta performance: k must be a positive integer, got ${k}`);
  if (new Set(perX1.map((r) => r.x1)).size !== perX1.length) throw new RangeError('delta performance: x1 values repeat; give one row per x1');
  if (perX1.length < 2 * k) throw new RangeError(`delta performance: need at least ${2 * k} x1 values for k=${k}, got ${perX1.length}`);
  const meanAccuracy = (rows: readonly { accuracy: number }[]) => rows.reduce((s, r) => s + r.accuracy, 0) / rows.length;
  const most = [...perX1].sort((a, b) => b.frequency - a.frequency || a.x1 - b.x1).slice(0, k);
  const least = [...perX1].sort((a, b) => a.frequency - b.frequency || a.x1 - b.x1).slice(0, k);
  return (meanAccuracy(most) - meanAccuracy(least)) * 100;
}
