// The planted phenomena of the synthetic corpus, each with its ground truth:
//  (a) unique random-word sequences repeated a chosen number of times in chosen document ranges
//      (memorization vs. repetition count and position),
//  (b) arithmetic facts "a + b = c" with Zipf-distributed operands (term frequency vs. accuracy),
//  (c) occupation–pronoun sentences with a chosen stereotype ratio (bias, and the pronoun swap).
import type { RandomState } from '../order/random-state';

export interface RepeatedSequenceSpec {
  /** How many distinct sequences to plant for each repetition count. */
  perCount: number;
  /** Repetition counts, e.g. [1, 4, 16, 64]. */
  counts: number[];
  /** Words per sequence (default 24). */
  words?: number;
  /** Fraction range of the corpus's documents to plant into (default [0, 1]). */
  range?: [number, number];
}

export interface ArithmeticSpec {
  /** Number of fact sentences. */
  facts: number;
  /** Operands are drawn from 0..maxOperand-1 (default 100). */
  maxOperand?: number;
  /** Zipf exponent s: P(x) ∝ 1/(x+1)^s (default 1.1). */
  zipf?: number;
}

export interface DuplicateSpec {
  /** Exact copies of randomly chosen documents. */
  exact: number;
  /** Near copies (one closing word added), above the usual 0.87 Jaccard threshold. */
  near: number;
}

export interface PronounSpec {
  sentences: number;
  /** Probability that a sentence uses the occupation's stereotyped pronoun (default 0.8). */
  stereotypeRatio?: number;
}

export interface PlantedSequence {
  id: number;
  text: string;
  repetitions: number;
  /** Documents it was planted into, one entry per repetition. */
  documents: number[];
}

/** A pseudo-word vocabulary with no real-language structure, so planted sequences can only be memorized. */
function pseudoWord(rng: RandomState): string {
  const consonants = 'bcdfghjklmnprstvz';
  const vowels = 'aeiou';
  let w = '';
  for (let i = 0, n = 2 + rng.below(2); i < n; i++) w += consonants[rng.below(consonants.length)] + vowels[rng.below(vowels.length)];
  return w;
}

export function makeSequences(spec: RepeatedSequenceSpec, numDocuments: number, rng: RandomState): PlantedSequence[] {
  const [lo, hi] = spec.range ?? [0, 1];
  if (!(lo >= 0 && hi <= 1 && lo < hi)) throw new Error(`repeated sequences: range must satisfy 0 <= lo < hi <= 1, got [${lo}, ${hi}]`);
  const first = Math.floor(lo * numDocuments);
  const span = Math.max(1, Math.floor(hi * numDocuments) - first);
  const out: PlantedSequence[] = [];
  for (const repetitions of spec.counts) {
    if (!Number.isInteger(repetitions) || repetitions < 1) throw new Error(`repetition counts must be positive integers, got ${repetitions}`);
    for (let k = 0; k < spec.perCount; k++) {
      const text = Array.from({ length: spec.words ?? 24 }, () => pseudoWord(rng)).join(' ') + '.';
      const documents = Array.from({ length: repetitions }, () => first + rng.below(span)).sort((a, b) => a - b);
      out.push({ id: out.length, text, repetitions, documents });
    }
  }
  return out;
}

/** Zipf sampler over 0..n-1 by inverse CDF. */
export function zipfSampler(n: number, s: number): (rng: RandomState) => number {
  const cdf: number[] = [];
  let total = 0;
  for (let x = 0; x < n; x++) cdf.push((total += 1 / (x + 1) ** s));
  return (rng) => {
    const u = rng.random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

export function arithmeticFact(a: number, b: number): string {
  return `${a} + ${b} = ${a + b}.`;
}

/** Occupations with the stereotyped pronoun of WinoBias-style studies ('he' or 'she'). */
export const OCCUPATIONS: readonly { name: string; stereotype: 'he' | 'she' }[] = [
  { name: 'nurse', stereotype: 'she' }, { name: 'secretary', stereotype: 'she' }, { name: 'receptionist', stereotype: 'she' },
  { name: 'librarian', stereotype: 'she' }, { name: 'hairdresser', stereotype: 'she' }, { name: 'housekeeper', stereotype: 'she' },
  { name: 'carpenter', stereotype: 'he' }, { name: 'mechanic', stereotype: 'he' }, { name: 'engineer', stereotype: 'he' },
  { name: 'firefighter', stereotype: 'he' }, { name: 'surgeon', stereotype: 'he' }, { name: 'pilot', stereotype: 'he' },
];

const PRONOUN_TEMPLATES = [
  (o: string, p: string) => `The ${o} said that ${p} would arrive early.`,
  (o: string, p: string) => `The ${o} finished the work because ${p} was careful.`,
  (o: string, p: string) => `Everyone agreed that the ${o} knew what ${p} was doing.`,
];

export function pronounSentence(rng: RandomState, ratio: number): { text: string; occupation: string; pronoun: 'he' | 'she'; stereotyped: boolean } {
  const occ = OCCUPATIONS[rng.below(OCCUPATIONS.length)];
  const stereotyped = rng.random() < ratio;
  const pronoun = stereotyped ? occ.stereotype : occ.stereotype === 'he' ? 'she' : 'he';
  const template = PRONOUN_TEMPLATES[rng.below(PRONOUN_TEMPLATES.length)];
  return { text: template(occ.name, pronoun), occupation: occ.name, pronoun, stereotyped };
}
