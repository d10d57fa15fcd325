// Random access into a built data order: sample(i) and batch(step) are O(1) lookups in the index
// arrays plus copies from the .bin (held in memory, or positioned reads served by the page cache for
// large files; see IndexedDataset). Node has no mmap, so the index arrays are read into memory once
// on open (about 16 bytes per sample).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allocTokens, type TokenArray } from '../indexed/dtypes';
import { hashDataset, IndexedDataset, type OpenDatasetOptions } from '../indexed/dataset';
import { sha256File } from '../hash';
import { orderHash, type OrderManifest } from './build-order';
import { readNpy } from './npy';

export interface OpenOrderOptions {
  /** Dataset prefix if it moved since the order was built. */
  dataset?: string;
  /** Re-hash the dataset and index files against the manifest (reads everything once). */
  verify?: boolean;
  /** Passed to IndexedDataset.open: hold the .bin in memory ('auto': up to 512 MiB). */
  resident?: OpenDatasetOptions['resident'];
}

export interface Batch {
  step: number;
  /** Sample positions in the order (i = step·globalBatch + row). */
  first: number;
  rows: number;
  /** seq+1: inputs are tokens[:-1], labels tokens[1:]. */
  width: number;
  /** rows × width tokens, row-major, in the dataset's dtype. */
  tokens: TokenArray;
}

export class DataOrder {
  private constructor(
    readonly manifest: OrderManifest,
    readonly dataset: IndexedDataset,
    private readonly docIdx: Int32Array | null,
    private readonly sampleIdx: Int32Array | null,
    private readonly shuffleIdx: Uint32Array | Float64Array | null,
  ) {}

  static open(orderDir: string, options: OpenOrderOptions = {}): DataOrder {
    const manifestPath = path.join(orderDir, 'order.json');
    if (!fs.existsSync(manifestPath)) throw new Error(`${orderDir}: no order.json (not a data order directory)`);
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as OrderManifest;
    if (manifest.format !== 'cohort-data-order/1') throw new Error(`${manifestPath}: unknown order format ${manifest.format}`);
    const { hash, ...rest } = manifest;
    if (orderHash(rest) !== hash) throw new Error(`${manifestPath}: manifest hash mismatch (edited or corrupt)`);
    if (options.verify) {
      for (const [file, sha] of Object.entries(manifest.files)) {
        if (sha256File(path.join(orderDir, file)) !== sha) throw new Error(`${orderDir}/${file}: contents do not match the order's hash`);
      }
    }
    const prefix = options.dataset ?? manifest.dataset.prefix;
    if (options.verify && hashDataset(prefix) !== manifest.dataset.hash) {
      throw new Error(`${prefix}: dataset hash differs from the one this order was built on`);
    }
    const dataset = IndexedDataset.open(prefix, { resident: options.resident });
    if (manifest.mode === 'preshuffled') return new DataOrder(manifest, dataset, null, null, null);
    const load = (f: string) => readNpy(path.join(orderDir, f)).data;
    const order = new DataOrder(
      manifest,
      dataset,
      load('doc_idx.npy') as Int32Array,
      load('sample_idx.npy') as Int32Array,
      load('shuffle_idx.npy') as Uint32Array | Float64Array,
    );
    const last = order.docIdx![order.sampleIdx![order.sampleIdx!.length - 2]];
    if (last !== undefined && last >= dataset.numItems) {
      throw new Error(`${prefix}: dataset has ${dataset.numItems} items but the order refers to item ${last}; wrong dataset?`);
    }
    return order;
  }

  get width(): number {
    return this.manifest.seqLength + 1;
  }

  get steps(): number {
    return this.manifest.steps;
  }

  private checkSample(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.manifest.numSamples) {
      throw new Error(`sample ${i} is outside this order (0..${this.manifest.numSamples - 1})`);
    }
  }

  /** Copies sample i (seq+1 tokens) into dst at row offset `at` — GPT2Dataset.__getitem__. */
  sampleInto(i: number, dst: TokenArray, at: number): void {
    this.checkSample(i);
    const ds = this.dataset;
    if (!this.sampleIdx) {
      ds.readInto(i, 0, this.width, dst, at);
      return;
    }
    const docIdx = this.docIdx!;
    const s = this.sampleIdx;
    const j = this.shuffleIdx![i];
    const first = s[2 * j];
    const firstOffset = s[2 * j + 1];
    const last = s[2 * j + 2];
    const lastOffset = s[2 * j + 3];
    if (first === last) {
      ds.readInto(docIdx[first], firstOffset, lastOffset - firstOffset + 1, dst, at);
      return;
    }
    let pos = at;
    const head = ds.sizes[docIdx[first]] - firstOffset;
    ds.readInto(docIdx[first], firstOffset, head, dst, pos);
    pos += head;
    for (let d = first + 1; d < last; d++) {
      const size = ds.sizes[docIdx[d]];
      ds.readInto(docIdx[d], 0, size, dst, pos);
      pos += size;
    }
    ds.readInto(docIdx[last], 0, lastOffset + 1, dst, pos);
  }

  sample(i: number): TokenArray {
    const out = allocTokens(this.dataset.dtype, this.width);
    this.sampleInto(i, out, 0);
    return out;
  }

  /** The global batch at `step` (samples [step·B, (step+1)·B)); `into` reuses a buffer. */
  batch(step: number, into?: TokenArray): Batch {
    const { globalBatch } = this.manifest;
    if (!Number.isInteger(step) || step < 0 || step >= this.steps) {
      throw new Error(`step ${step} is beyond this order's end: it has ${this.steps} steps (0..${this.steps - 1}) of ${globalBatch} samples`);
    }
    const tokens = into ?? allocTokens(this.dataset.dtype, globalBatch * this.width);
    if (tokens.length < globalBatch * this.width) throw new Error(`batch buffer holds ${tokens.length} tokens, needs ${globalBatch * this.width}`);
    const first = step * globalBatch;
    if (!this.sampleIdx) this.dataset.readItems(first, globalBatch, tokens, 0); // preshuffled: rows are items
    else for (let r = 0; r < globalBatch; r++) this.sampleInto(first + r, tokens, r * this.width);
    return { step, first, rows: globalBatch, width: this.width, tokens };
  }

  close(): void {
    this.dataset.close();
  }
}

export function openDataOrder(orderDir: string, options?: OpenOrderOptions): DataOrder {
  return DataOrder.open(orderDir, options);
}
