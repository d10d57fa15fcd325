import { ApplicationFailure } from '@temporalio/common';
import {
  CohortTokenizer,
  PronounSwap,
  TransformedOrder,
  openDataOrder,
  type Batch,
  type DataOrder,
  type TextTransform,
} from '@cohort/data';
import type { RunForTraining } from '@cohort/lineage';

/** Rows of seqLength+1 token ids: exactly what the run consumes at one optimiser step. */
export type BatchSource = (run: RunForTraining, step: number) => Promise<Int32Array[]>;

const TRANSFORMS: Record<string, () => TextTransform> = {
  'pronoun-swap': () => new PronounSwap('swap'),
};

/** Keeps the last few orders and tokenizers open: a worker trains segment after segment of few runs. */
class Recent<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number, private readonly open: (key: string) => V, private readonly close?: (v: V) => void) {}
  get(key: string): V {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = this.open(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, V];
      this.entries.delete(oldestKey);
      this.close?.(oldest);
    }
    return value;
  }
}

/**
 * The batches a run sees: its variant's data order, with the run's transform (interventions)
 * applied to the text of every sample from its branch step on, sample boundaries kept.
 */
export function createBatchSource(): BatchSource {
  const orders = new Recent<DataOrder>(8, (uri) => openDataOrder(uri), (o) => o.close());
  const tokenizers = new Recent<CohortTokenizer>(4, (path) => CohortTokenizer.load(path));
  return async (run, step) => {
    const orderRow = run.dataOrder;
    if (!orderRow) throw ApplicationFailure.nonRetryable(`run ${run.name} has no data order`, 'BadRun');
    const order = orders.get(orderRow.uri);
    let batch: Batch;
    if (run.transform && run.branchStep !== null && step >= run.branchStep) {
      const make = TRANSFORMS[run.transform];
      if (!make) throw ApplicationFailure.nonRetryable(`unknown transform "${run.transform}"`, 'BadRun');
      const tokenizer = tokenizers.get(orderRow.dataset.tokenizer.uri);
      batch = await new TransformedOrder(order, tokenizer, { transform: make(), fromStep: run.branchStep }).batch(step);
    } else {
      batch = order.batch(step);
    }
    const rows: Int32Array[] = [];
    for (let r = 0; r < batch.rows; r++) {
      rows.push(Int32Array.from(batch.tokens.subarray(r * batch.width, (r + 1) * batch.width)));
    }
    return rows;
  };
}
