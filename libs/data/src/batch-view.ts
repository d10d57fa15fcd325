// Pythia's batch viewer: exactly the tokens (and their decoded text) a model saw at a step, for the
// whole global batch or one micro-batch of it (micro-batch m = rows [m·micro, (m+1)·micro)); for an
// intervention run, pass its TransformedOrder to see the transformed batch.
import type { DataOrder } from './order/data-order';
import type { CohortTokenizer } from './tokenizer/tokenizer';
import { TransformedOrder } from './transforms/apply';

export interface FormatBatchOptions {
  order: DataOrder | TransformedOrder;
  tokenizer: CohortTokenizer;
  step: number;
  /** Micro-batch index; requires microBatchSize. */
  micro?: number;
  microBatchSize?: number;
}

export interface BatchRowView {
  /** Position of the sample in the order (step·globalBatch + row). */
  sample: number;
  ids: number[];
  text: string;
}

export interface BatchView {
  step: number;
  micro: number | null;
  orderHash: string;
  rows: BatchRowView[];
}

function baseOrder(order: DataOrder | TransformedOrder): DataOrder {
  return order instanceof TransformedOrder ? order.order : order;
}

function rowRange(o: FormatBatchOptions): [number, number] {
  const batch = baseOrder(o.order).manifest.globalBatch;
  if (o.micro === undefined) return [0, batch];
  const size = o.microBatchSize;
  if (!size || !Number.isInteger(size) || batch % size !== 0) {
    throw new Error(`micro-batch size must divide the global batch ${batch}, got ${size}`);
  }
  const count = batch / size;
  if (!Number.isInteger(o.micro) || o.micro < 0 || o.micro >= count) {
    throw new Error(`micro-batch ${o.micro} out of range 0..${count - 1} (${count} micro-batches of ${size})`);
  }
  return [o.micro * size, (o.micro + 1) * size];
}

export async function formatBatch(o: FormatBatchOptions): Promise<BatchView> {
  const [from, to] = rowRange(o);
  const batch = await o.order.batch(o.step);
  const rows: BatchRowView[] = [];
  for (let r = from; r < to; r++) {
    const ids = Array.from(batch.tokens.subarray(r * batch.width, (r + 1) * batch.width));
    rows.push({ sample: batch.first + r, ids, text: await o.tokenizer.decode(ids) });
  }
  const orderHash = o.order instanceof TransformedOrder ? o.order.hash : o.order.manifest.hash;
  return { step: o.step, micro: o.micro ?? null, orderHash, rows };
}

/** Plain-text rendering for the CLI: one block per sample with its ids and decoded text. */
export function renderBatchView(view: BatchView): string {
  const head = `step ${view.step}${view.micro === null ? '' : ` micro ${view.micro}`} order ${view.orderHash.slice(0, 16)}`;
  const blocks = view.rows.map((r) => `--- sample ${r.sample}\nids: ${r.ids.join(' ')}\ntext: ${JSON.stringify(r.text)}`);
  return [head, ...blocks].join('\n') + '\n';
}
