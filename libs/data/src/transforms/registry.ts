import { openDataOrder, type DataOrder } from '../order/data-order';
import { CohortTokenizer } from '../tokenizer/tokenizer';
import { TransformedOrder } from './apply';
import { PronounSwap } from './pronoun-swap';
import type { TextTransform } from './transform';

/** Transforms a suite spec can name (interventions), by name. */
const TRANSFORMS: Record<string, () => TextTransform> = {
  'pronoun-swap': () => new PronounSwap('swap'),
};

export function transformByName(name: string): TextTransform {
  const make = TRANSFORMS[name];
  if (!make) throw new Error(`unknown transform "${name}"; known: ${Object.keys(TRANSFORMS).join(', ')}`);
  return make();
}

export interface RunOrderOptions {
  /** Directory of the data order (order.json + index files). */
  orderDir: string;
  /** Dataset prefix, if it moved since the order was built. */
  dataset?: string;
  /** A transform applied from `fromStep` on (an intervention run), and the tokenizer it needs. */
  transform?: { name: string; fromStep: number; tokenizer: CohortTokenizer };
}

/** The order a run reads: its variant's order, transformed from its branch step when it has one. */
export function openRunOrder(o: RunOrderOptions): DataOrder | TransformedOrder {
  const order = openDataOrder(o.orderDir, o.dataset ? { dataset: o.dataset } : {});
  if (!o.transform) return order;
  return new TransformedOrder(order, o.transform.tokenizer, {
    transform: transformByName(o.transform.name),
    fromStep: o.transform.fromStep,
  });
}
