// Pythia §5's text-level operand counts: the training samples decoded back to text, and every number
// that has another number near it counted, cumulatively up to each checkpoint step (the frequency
// side of the term-frequency analysis; term-counts.ts counts token sequences instead).
//
// The rule, exactly:
//  - The text is cut into units, left to right: a maximal run of ASCII digits, a maximal run of
//    letters (Unicode letters and combining marks), or one single character that is neither
//    whitespace, letter nor digit (each punctuation mark or symbol is a unit of its own, so "don't"
//    is three units and "..." is three). Whitespace only separates units.
//  - A number is a digit run of 1..maxDigits digits, named by its exact text ("07" is not "7"). A
//    longer digit run is not a number; it is a unit like a word.
//  - "Words" in windowWords are units: words, punctuation marks, symbols and over-long digit runs.
//  - An occurrence of a number is counted, once, when another number lies within windowWords units
//    of it on either side: at most windowWords units strictly between them (0 included, so the "3"
//    and "7" of "3 7" count). Overlapping windows never count an occurrence twice: "1 + 2 = 3"
//    counts 1, 2 and 3 once each, and a lone number counts nothing.
import type { Batch, DataOrder } from './order/data-order';
import type { TransformedOrder } from './transforms/apply';

export interface NearbyNumberOptions {
  /** Most units (words or punctuation marks) between two numbers for them to be near (default 3). */
  windowWords?: number;
  /** Longest digit run that is a number (default 5, Pythia's `\d{1,5}`). */
  maxDigits?: number;
}

const UNIT = /[0-9]+|[\p{L}\p{M}]+|[^\s\p{L}\p{M}0-9]/gu;
const DIGITS = /^[0-9]+$/;

function checkOptions(o: NearbyNumberOptions): { windowWords: number; maxDigits: number } {
  const windowWords = o.windowWords ?? 3;
  const maxDigits = o.maxDigits ?? 5;
  if (!Number.isInteger(windowWords) || windowWords < 0) throw new Error(`windowWords must be a non-negative integer, got ${windowWords}`);
  if (!Number.isInteger(maxDigits) || maxDigits < 1) throw new Error(`maxDigits must be a positive integer, got ${maxDigits}`);
  return { windowWords, maxDigits };
}

/**
 * Counts of every number with a neighbouring number within `windowWords` units (rule above), added
 * into `into` when given (the map is returned either way).
 */
export function countNearbyNumbers(text: string, options: NearbyNumberOptions = {}, into: Map<string, number> = new Map()): Map<string, number> {
  const { windowWords, maxDigits } = checkOptions(options);
  const positions: number[] = [];
  const numbers: string[] = [];
  let unit = 0;
  for (const m of text.matchAll(UNIT)) {
    const u = m[0];
    if (u.length <= maxDigits && DIGITS.test(u)) {
      positions.push(unit);
      numbers.push(u);
    }
    unit++;
  }
  // Numbers in order of position: the nearest neighbours of one are the numbers just before and after.
  for (let i = 0; i < numbers.length; i++) {
    const before = i > 0 && positions[i] - positions[i - 1] - 1 <= windowWords;
    const after = i + 1 < numbers.length && positions[i + 1] - positions[i] - 1 <= windowWords;
    if (before || after) into.set(numbers[i], (into.get(numbers[i]) ?? 0) + 1);
  }
  return into;
}

/** What counting needs of a tokenizer (CohortTokenizer satisfies it). */
export interface DecodingTokenizer {
  decode(ids: ArrayLike<number>, skipSpecialTokens?: boolean): Promise<string>;
  readonly eodId: number;
  readonly padId: number | null;
}

export interface OperandCountOptions extends NearbyNumberOptions {
  /** The numbers to report (e.g. the x1 operands as strings); default every number counted by the last boundary. */
  terms?: string[];
  /** Called after each step is counted: (steps counted, steps to count). */
  onProgress?: (done: number, total: number) => void;
}

export interface OperandCounts {
  /** Step boundaries, ascending and distinct: counts[k] covers steps [0, steps[k]). */
  steps: number[];
  terms: string[];
  /** counts[k][t]: occurrences of terms[t] in the samples of steps [0, steps[k]). */
  counts: number[][];
  windowWords: number;
  maxDigits: number;
}

/** Numbers ordered by value, then shorter text first ("7" before "07"). */
function compareNumbers(a: string, b: string): number {
  return Number(a) - Number(b) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Cumulative nearby-number counts of the samples a run consumes, at each step boundary. Every sample
 * of a step (seq+1 tokens) contributes its tokens [0, seq): consecutive samples share one token (the
 * last of one is the first of the next), so nothing in the stream is decoded twice. Each sample is
 * cut at its <|endoftext|> and <|padding|> tokens and each piece decoded on its own, so numbers are
 * never near across a document boundary; a number split by a sample boundary counts as two pieces.
 * `order` may be a transformed order (an intervention run): the counts are of the text it trained on.
 */
export async function buildOperandCounts(
  order: DataOrder | TransformedOrder,
  tokenizer: DecodingTokenizer,
  steps: number[],
  options: OperandCountOptions = {},
): Promise<OperandCounts> {
  const { windowWords, maxDigits } = checkOptions(options);
  const orderSteps = 'order' in order ? order.order.steps : order.steps;
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('operand counts: give at least one step boundary');
  if (sorted.some((s) => !Number.isInteger(s)) || sorted[0] < 0 || sorted[sorted.length - 1] > orderSteps) {
    throw new Error(`operand counts: step boundaries must be integers in 0..${orderSteps} (the order's end), got ${sorted.join(', ')}`);
  }
  const special = new Set([tokenizer.eodId, ...(tokenizer.padId === null ? [] : [tokenizer.padId])]);
  const running = new Map<string, number>();
  const snapshots: Map<string, number>[] = [];
  const last = sorted[sorted.length - 1];
  let next = 0;
  for (let step = 0; ; step++) {
    while (next < sorted.length && sorted[next] === step) {
      snapshots.push(new Map(running));
      next++;
    }
    if (next === sorted.length) break;
    const batch: Batch = await order.batch(step);
    const seq = batch.width - 1;
    const pieces: Promise<string>[] = [];
    for (let r = 0; r < batch.rows; r++) {
      const row = batch.tokens.subarray(r * batch.width, r * batch.width + seq);
      let start = 0;
      for (let p = 0; p <= seq; p++) {
        if (p < seq && !special.has(row[p])) continue;
        if (p > start) pieces.push(tokenizer.decode(row.slice(start, p)));
        start = p + 1;
      }
    }
    // The step's pieces decode concurrently; counts are sums, so their order does not matter.
    for (const text of await Promise.all(pieces)) countNearbyNumbers(text, { windowWords, maxDigits }, running);
    options.onProgress?.(step + 1, last);
  }
  const terms = options.terms ? [...options.terms] : [...running.keys()].sort(compareNumbers);
  return { steps: sorted, terms, counts: snapshots.map((s) => terms.map((t) => s.get(t) ?? 0)), windowWords, maxDigits };
}

/** Cumulative count of `term` over steps [0, step); `step` must be one of the boundaries. */
export function operandCountAt(index: OperandCounts, term: string, step: number): number {
  const t = index.terms.indexOf(term);
  if (t < 0) throw new Error(`term '${term}' is not in these operand counts`);
  const k = index.steps.indexOf(step);
  if (k < 0) throw new Error(`step ${step} is not a counted boundary (${index.steps.join(', ')})`);
  return index.counts[k][t];
}
