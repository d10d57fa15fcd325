// Applying a text transform to token samples without disturbing anything it does not edit: the
// sample's bytes come from the tokenizer's byte table, each edit re-encodes only the tokens it
// overlaps, and the sample is padded with <|padding|> or truncated back to its length (as Pythia's
// intervention did), so every sample boundary of the original order is kept.
import type { Batch, DataOrder } from '../order/data-order';
import { sha256Hex } from '../hash';
import type { CohortTokenizer } from '../tokenizer/tokenizer';
import type { TextEdit, TextTransform } from './transform';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface TransformedSample {
  ids: number[];
  edits: number;
}

export async function transformSample(tokens: ArrayLike<number>, transform: TextTransform, tokenizer: CohortTokenizer): Promise<TransformedSample> {
  const pieces = Array.from(tokens, (id) => tokenizer.tokenBytes(id));
  const offsets = new Array<number>(pieces.length + 1);
  offsets[0] = 0;
  for (let t = 0; t < pieces.length; t++) offsets[t + 1] = offsets[t] + pieces[t].length;
  const bytes = Buffer.concat(pieces);
  const edits = transform.edits(bytes.toString('latin1'));
  if (edits.length === 0) return { ids: Array.from(tokens), edits: 0 };

  // Group edits by the token span they touch; edits sharing a token are re-encoded together.
  const groups: { from: number; to: number; edits: TextEdit[] }[] = [];
  for (const e of edits) {
    let from = 0;
    while (offsets[from + 1] <= e.start) from++;
    let to = from;
    while (offsets[to] < e.end) to++;
    const last = groups[groups.length - 1];
    if (last && from < last.to) {
      last.to = Math.max(last.to, to);
      last.edits.push(e);
    } else groups.push({ from, to, edits: [e] });
  }
  const out: number[] = [];
  let next = 0;
  for (const g of groups) {
    for (let t = next; t < g.from; t++) out.push(tokens[t]);
    const base = offsets[g.from];
    const parts: Buffer[] = [];
    let at = base;
    for (const e of g.edits) {
      parts.push(bytes.subarray(at, e.start), Buffer.from(e.replacement, 'utf8'));
      at = e.end;
    }
    parts.push(bytes.subarray(at, offsets[g.to]));
    let text: string;
    try {
      text = strictUtf8.decode(Buffer.concat(parts));
    } catch {
      throw new Error(`transform ${transform.id}: an edit at bytes ${g.edits[0].start}..${g.edits[0].end} splits a UTF-8 character`);
    }
    out.push(...(await tokenizer.encode(text)));
    next = g.to;
  }
  for (let t = next; t < pieces.length; t++) out.push(tokens[t]);
  const length = pieces.length;
  if (out.length > length) out.length = length;
  if (out.length < length) {
    if (tokenizer.padId === null) throw new Error(`${tokenizer.path}: no <|padding|> token to pad a transformed sample with`);
    while (out.length < length) out.push(tokenizer.padId);
  }
  return { ids: out, edits: edits.length };
}

export interface InterventionSpec {
  transform: TextTransform;
  /** First step the transform applies to. */
  fromStep: number;
  /** First step it no longer applies to (default: the end of the order). */
  toStep?: number;
}

/** A data order with a transform applied to the samples of a step range; other steps are untouched. */
export class TransformedOrder {
  readonly hash: string;

  constructor(readonly order: DataOrder, readonly tokenizer: CohortTokenizer, readonly spec: InterventionSpec) {
    const to = spec.toStep ?? order.steps;
    if (!Number.isInteger(spec.fromStep) || spec.fromStep < 0 || to > order.steps || spec.fromStep >= to) {
      throw new Error(`intervention steps [${spec.fromStep}, ${to}) must lie within the order's 0..${order.steps}`);
    }
    this.hash = sha256Hex(JSON.stringify({ order: order.manifest.hash, transform: spec.transform.id, from: spec.fromStep, to, tokenizer: tokenizer.hash }));
  }

  applies(step: number): boolean {
    return step >= this.spec.fromStep && step < (this.spec.toStep ?? this.order.steps);
  }

  /** The batch at `step`, transformed when the step is in range; `edits` counts the edits made. */
  async batch(step: number): Promise<Batch & { edits: number }> {
    const batch = this.order.batch(step);
    if (!this.applies(step)) return { ...batch, edits: 0 };
    let edits = 0;
    for (let r = 0; r < batch.rows; r++) {
      const row = batch.tokens.subarray(r * batch.width, (r + 1) * batch.width);
      const result = await transformSample(row, this.spec.transform, this.tokenizer);
      row.set(result.ids);
      edits += result.edits;
    }
    return { ...batch, edits };
  }
}
