// Term-count index: how often each term (a token sequence) occurred in the training data up to each
// checkpoint step, built in one pass over the order (input to the term-frequency analysis, Pythia §5).
// An occurrence is counted in the sample where it starts, at a position among the first seq tokens
// and ending within the seq+1 window; consecutive samples share one token, so nothing in the stream
// is counted twice.
import type { DataOrder } from './order/data-order';
import { writeFileAtomic } from './hash';
import type { CohortTokenizer } from './tokenizer/tokenizer';

export interface Term {
  name: string;
  ids: number[];
}

export interface TermCountIndex {
  orderHash: string;
  /** Step boundaries: counts[t][k] covers steps [0, steps[k]). */
  steps: number[];
  terms: Term[];
  counts: number[][];
}

/** Terms from strings, each encoded on its own (so " 42" and "42" are different terms, as in the data). */
export async function textTerms(tokenizer: CohortTokenizer, texts: string[]): Promise<Term[]> {
  return Promise.all(texts.map(async (name) => ({ name, ids: await tokenizer.encode(name) })));
}

export function buildTermCounts(order: DataOrder, terms: Term[], steps: number[]): TermCountIndex {
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('term counts: give at least one step boundary');
  if (sorted[0] < 0 || sorted[sorted.length - 1] > order.steps) {
    throw new Error(`term counts: step boundaries must lie in 0..${order.steps} (the order's end), got ${sorted[0]}..${sorted[sorted.length - 1]}`);
  }
  for (const t of terms) if (t.ids.length === 0) throw new Error(`term '${t.name}' has no tokens`);
  // Terms grouped by first token, so each position checks only the terms that can start there.
  const byFirst = new Map<number, number[]>();
  terms.forEach((t, i) => byFirst.set(t.ids[0], [...(byFirst.get(t.ids[0]) ?? []), i]));
  const running = new Array<number>(terms.length).fill(0);
  const counts: number[][] = terms.map(() => []);
  const seq = order.manifest.seqLength;
  const width = order.width;
  let buffer: ReturnType<DataOrder['batch']>['tokens'] | undefined;
  let next = 0;
  for (let step = 0; step <= sorted[sorted.length - 1]; step++) {
    while (next < sorted.length && sorted[next] === step) {
      running.forEach((c, t) => counts[t].push(c));
      next++;
    }
    if (step === order.steps || next === sorted.length) break;
    const batch = order.batch(step, buffer);
    buffer = batch.tokens;
    const tokens = batch.tokens;
    for (let r = 0; r < batch.rows; r++) {
      const base = r * width;
      for (let p = 0; p < seq; p++) {
        const candidates = byFirst.get(tokens[base + p]);
        if (!candidates) continue;
        for (const t of candidates) {
          const ids = terms[t].ids;
          if (p + ids.length > width) continue;
          let k = 1;
          while (k < ids.length && tokens[base + p + k] === ids[k]) k++;
          if (k === ids.length) running[t]++;
        }
      }
    }
  }
  return { orderHash: order.manifest.hash, steps: sorted, terms, counts };
}

/** Cumulative count of `term` over steps [0, step); `step` must be one of the index's boundaries. */
export function termCountAt(index: TermCountIndex, term: string, step: number): number {
  const t = index.terms.findIndex((x) => x.name === term);
  if (t < 0) throw new Error(`term '${term}' is not in this index`);
  const k = index.steps.indexOf(step);
  if (k < 0) throw new Error(`step ${step} is not an indexed boundary (${index.steps.join(', ')})`);
  return index.counts[t][k];
}

export function saveTermCounts(path: string, index: TermCountIndex): void {
  writeFileAtomic(path, JSON.stringify(index) + '\n');
}
