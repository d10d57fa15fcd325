// Memorization as the Pythia paper measures it: prompt a model with a sequence's first tokens, and
// count how many of the next `continuation` tokens its greedy continuation gets right. A score is
// that count per sequence; a sequence is memorized when every continuation token matches.

export interface MemorizationSummary {
  sequences: number;
  memorized: number;
  /** memorized / sequences; NaN for no sequences. */
  rate: number;
  meanScore: number;
  /** histogram[s] = sequences scoring s, for s = 0 … continuation. */
  histogram: number[];
}

export interface PredictableMemorization {
  /** Of the sequences memorized early, the share still memorized at the end; NaN if none was. */
  precision: number;
  /** Of the sequences memorized at the end, the share already memorized early; NaN if none is. */
  recall: number;
  /** Harmonic mean of the two, 2TP / (2TP + FP + FN); NaN only if neither checkpoint memorized anything. */
  f1: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

function checkContinuation(continuation: number): void {
  if (!Number.isInteger(continuation) || continuation < 1 || continuation > 255) {
    throw new RangeError(`memorization: continuation must be an integer in 1…255 (scores are bytes), got ${continuation}`);
  }
}

function checkScore(score: number, i: number, continuation: number): void {
  if (score > continuation) throw new RangeError(`memorization: score ${score} at ${i} exceeds the continuation length ${continuation}`);
}

function summaryOf(histogram: number[], continuation: number): MemorizationSummary {
  let sequences = 0;
  let total = 0;
  histogram.forEach((count, score) => {
    sequences += count;
    total += count * score;
  });
  const memorized = histogram[continuation];
  return { sequences, memorized, rate: memorized / sequences, meanScore: total / sequences, histogram };
}

export function memorizationSummary(scores: Uint8Array, continuation: number): MemorizationSummary {
  checkContinuation(continuation);
  const histogram = new Array<number>(continuation + 1).fill(0);
  scores.forEach((s, i) => {
    checkScore(s, i, continuation);
    histogram[s]++;
  });
  return summaryOf(histogram, continuation);
}

/**
 * One summary per group (e.g. by how many times a sequence was planted in the training data),
 * numeric groups first in ascending order, then string groups in code-unit order.
 */
export function summariseByGroup<G extends string | number>(
  scores: Uint8Array,
  continuation: number,
  groupOf: (index: number) => G,
): ({ group: G } & MemorizationSummary)[] {
  checkContinuation(continuation);
  const histograms = new Map<G, number[]>();
  scores.forEach((s, i) => {
    checkScore(s, i, continuation);
    const group = groupOf(i);
    let histogram = histograms.get(group);
    if (!histogram) histograms.set(group, (histogram = new Array<number>(continuation + 1).fill(0)));
    histogram[s]++;
  });
  return [...histograms]
    .sort(([a], [b]) => compareGroups(a, b))
    .map(([group, histogram]) => ({ group, ...summaryOf(histogram, continuation) }));
}

function compareGroups(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How well "memorized at an early checkpoint" predicts "memorized at the final one". The early
 * checkpoint was scored on fewer sequences (only those it had trained on), so the comparison runs
 * over the first early.length sequences of both.
 */
export function predictableMemorization(early: Uint8Array, final: Uint8Array, continuation: number): PredictableMemorization {
  checkContinuation(continuation);
  if (final.length < early.length) {
    throw new RangeError(`predictable memorization: the final checkpoint has ${final.length} scores, fewer than the early one's ${early.length}`);
  }
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  let trueNegative = 0;
  for (let i = 0; i < early.length; i++) {
    checkScore(early[i], i, continuation);
    checkScore(final[i], i, continuation);
    const before = early[i] === continuation;
    const after = final[i] === continuation;
    if (before && after) truePositive++;
    else if (before) falsePositive++;
    else if (after) falseNegative++;
    else trueNegative++;
  }
  return {
    precision: truePositive / (truePositive + falsePositive),
    recall: truePositive / (truePositive + falseNegative),
    f1: (2 * truePositive) / (2 * truePositive + falsePositive + falseNegative),
    truePositive,
    falsePositive,
    falseNegative,
    trueNegative,
  };
}
