import { ApplicationFailure } from '@temporalio/common';
import { CohortTokenizer, openRunOrder, type DataOrder, type TransformedOrder } from '@cohort/data';
import type { RunForTraining } from '@cohort/lineage';

/** Rows of seqLength+1 token ids: exactly what the run consumes at one optimiser step. */
export type BatchSource = (run: RunForTraining, step: number) => Promise<Int32Array[]>;

/** Keeps the last few opened values: a worker trains segment after segment of a few runs. */
class Recent<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string, open: () => V): V {
    const value = this.entries.get(key) ?? open();
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

/**
 * The batches a run sees: its variant's data order, with the run's transform (an intervention)
 * applied to the text of every sample from its branch step on, sample boundaries kept.
 */
export function createBatchSource(): BatchSource {
  const tokenizers = new Recent<CohortTokenizer>(4);
  const orders = new Recent<DataOrder | TransformedOrder>(8);

  const open = (run: RunForTraining) => {
    const orderRow = run.dataOrder;
    if (!orderRow) throw ApplicationFailure.nonRetryable(`run ${run.name} has no data order`, 'BadRun');
    const tokenizerPath = orderRow.dataset.tokenizer.uri;
    try {
      return openRunOrder({
        orderDir: orderRow.uri,
        transform:
          run.transform && run.branchStep !== null
            ? {
                name: run.transform,
                fromStep: run.branchStep,
                tokenizer: tokenizers.get(tokenizerPath, () => CohortTokenizer.load(tokenizerPath)),
              }
            : undefined,
      });
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'BadData');
    }
  };

  return async (run, step) => {
    const key = `${run.dataOrder?.uri}|${run.transform ?? ''}|${run.branchStep ?? ''}`;
    const batch = await orders.get(key, () => open(run)).batch(step);
    const rows: Int32Array[] = [];
    for (let r = 0; r < batch.rows; r++) {
      rows.push(Int32Array.from(batch.tokens.subarray(r * batch.width, (r + 1) * batch.width)));
    }
    return rows;
  };
}
