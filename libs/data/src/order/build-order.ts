// Builds a data order (which seq+1-token sample the model sees at each position) in one of three modes:
//  - neox:        GPT-NeoX v1.0's GPT2Dataset index exactly (Pythia's order for Pythia's data):
//                 RandomState(seed) shuffles doc ids tiled over all epochs, then all samples; the
//                 sample count carries NeoX's 1.005 margin.
//  - cohort:      the same sample cutting, but epoch-structured and prefix-stable: epoch e's documents
//                 are shuffled by RandomState([seed, e, 0]) and the samples starting in epoch e by
//                 RandomState([seed, e, 1]). Every document is seen once per epoch, epochs follow one
//                 another, and asking for more samples only appends (NeoX reshuffles everything,
//                 gpt-neox#984), so a suite can be extended without changing what earlier steps saw.
//  - sequential:  cohort's cutting with both shuffles left out: documents in corpus order, epoch
//                 after epoch (a control, e.g. data planted early in the corpus is seen early).
//  - preshuffled: the dataset is already in training order, one seq+1-token item per sample
//                 (Pythia's released preshuffled Pile): sample k is item k.
// Index files are .npy (as NeoX caches them); the order's hash covers the inputs and the files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashDataset, IndexedDataset } from '../indexed/dataset';
import { sha256Hex, writeFileAtomic } from '../hash';
import { allocDocIdx, buildDocIdxNeox, buildSampleIdx, buildShuffleIdx, numEpochs } from './index-maps';
import { writeNpy } from './npy';
import { RandomState } from './random-state';

export type OrderMode = 'cohort' | 'neox' | 'sequential' | 'preshuffled';

export interface DataOrderOptions {
  /** Dataset prefix (prefix.bin / prefix.idx). */
  dataset: string;
  /** Output directory for order.json and the index .npy files. */
  outDir: string;
  seqLength: number;
  globalBatch: number;
  seed: number;
  /** Training samples (steps × global batch); batch(step) is valid while (step+1)·batch ≤ this. */
  numSamples: number;
  mode: OrderMode;
  /** Known dataset hash (skips re-hashing the .bin). */
  datasetHash?: string;
}

export interface OrderManifest {
  format: 'cohort-data-order/1';
  mode: OrderMode;
  dataset: { prefix: string; hash: string };
  seqLength: number;
  globalBatch: number;
  seed: number;
  numSamples: number;
  steps: number;
  /** Samples the index was built for (neox: ceil(numSamples × 1.005)). */
  indexSamples: number;
  numEpochs: number;
  /** sha256 of each index file, by file name. */
  files: Record<string, string>;
  hash: string;
}

/** NeoX `get_normalized_weights_and_num_samples` margin for a single dataset of weight 1. */
export const NEOX_SAMPLE_MARGIN = 1.005;

/** Samples NeoX indexes for `numSamples` training samples: ceil(n × weight × 1.005) in float64, weight 1. */
export function neoxIndexSamples(numSamples: number): number {
  return Math.ceil(numSamples * 1.0 * NEOX_SAMPLE_MARGIN);
}

function checkOptions(o: DataOrderOptions): void {
  for (const key of ['seqLength', 'globalBatch', 'numSamples'] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0) throw new Error(`data order: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new Error(`data order: seed must be an integer in 0..2**32-1, got ${o.seed}`);
  if (!['cohort', 'neox', 'sequential', 'preshuffled'].includes(o.mode)) throw new Error(`data order: unknown mode '${o.mode}' (cohort, neox, sequential, preshuffled)`);
}

interface IndexArrays {
  docIdx: Int32Array;
  sampleIdx: Int32Array;
  shuffleIdx: Uint32Array | Float64Array;
  indexSamples: number;
  epochs: number;
}

function neoxIndex(sizes: Int32Array, tokens: number, o: DataOrderOptions): IndexArrays {
  const indexSamples = neoxIndexSamples(o.numSamples);
  const epochs = numEpochs(tokens, o.seqLength, indexSamples);
  const rng = new RandomState(o.seed);
  const docIdx = buildDocIdxNeox(sizes.length, epochs, rng);
  const sampleIdx = buildSampleIdx(sizes, docIdx, o.seqLength, epochs, tokens);
  const shuffleIdx = buildShuffleIdx(sampleIdx.length / 2 - 1, rng);
  return { docIdx, sampleIdx, shuffleIdx, indexSamples, epochs };
}

function cohortIndex(sizes: Int32Array, tokens: number, o: DataOrderOptions): IndexArrays {
  const shuffle = o.mode === 'sequential' ? () => undefined : (seed: number[], xs: Int32Array | Uint32Array) => new RandomState(seed).shuffle(xs);
  const epochs = numEpochs(tokens, o.seqLength, o.numSamples);
  // Extra epochs so every sample that starts inside the exposed epochs can be completed.
  const lookahead = Math.ceil((o.seqLength + 1) / tokens);
  const n = sizes.length;
  const docIdx = allocDocIdx(n, epochs + lookahead);
  for (let e = 0; e < epochs + lookahead; e++) {
    const perm = docIdx.subarray(e * n, (e + 1) * n);
    for (let d = 0; d < n; d++) perm[d] = d;
    shuffle([o.seed, e, 0], perm);
  }
  const sampleIdx = buildSampleIdx(sizes, docIdx, o.seqLength, epochs + lookahead, tokens);
  // Sample k starts at stream token k·seq, so it belongs to epoch floor(k·seq / tokens).
  const firstOf = (e: number) => Math.ceil((e * tokens) / o.seqLength);
  const shuffleIdx = new Uint32Array(firstOf(epochs));
  for (let e = 0; e < epochs; e++) {
    const group = shuffleIdx.subarray(firstOf(e), firstOf(e + 1));
    for (let i = 0; i < group.length; i++) group[i] = firstOf(e) + i;
    shuffle([o.seed, e, 1], group);
  }
  return { docIdx, sampleIdx, shuffleIdx, indexSamples: shuffleIdx.length, epochs };
}

export function orderHash(m: Omit<OrderManifest, 'hash'>): string {
  const { format, mode, dataset, seqLength, globalBatch, seed, numSamples, files } = m;
  return sha256Hex(JSON.stringify({ format, mode, datasetHash: dataset.hash, seqLength, globalBatch, seed, numSamples, files }));
}

export function buildDataOrder(o: DataOrderOptions): OrderManifest {
  checkOptions(o);
  const ds = IndexedDataset.open(o.dataset);
  try {
    const datasetHash = o.datasetHash ?? hashDataset(o.dataset);
    fs.mkdirSync(o.outDir, { recursive: true });
    const files: Record<string, string> = {};
    let indexSamples: number;
    let epochs = 1;
    if (o.mode === 'preshuffled') {
      const bad = ds.sizes.findIndex((s) => s !== o.seqLength + 1);
      if (bad >= 0) throw new Error(`preshuffled order: item ${bad} has ${ds.sizes[bad]} tokens; every item must be one sample of seq+1 = ${o.seqLength + 1}`);
      indexSamples = ds.numItems;
    } else {
      if (ds.numTokens === 0) throw new Error(`${o.dataset}: dataset has no tokens`);
      const maps = (o.mode === 'neox' ? neoxIndex : cohortIndex)(ds.sizes, ds.numTokens, o);
      const big = maps.shuffleIdx instanceof Float64Array;
      const write = (name: string, bytes: Buffer) => { files[name] = sha256Hex(bytes); };
      write('doc_idx.npy', writeNpy(path.join(o.outDir, 'doc_idx.npy'), maps.docIdx, '<i4', [maps.docIdx.length]));
      write('sample_idx.npy', writeNpy(path.join(o.outDir, 'sample_idx.npy'), maps.sampleIdx, '<i4', [maps.sampleIdx.length / 2, 2]));
      write('shuffle_idx.npy', writeNpy(path.join(o.outDir, 'shuffle_idx.npy'), maps.shuffleIdx, big ? '<i8' : '<u4', [maps.shuffleIdx.length]));
      indexSamples = maps.indexSamples;
      epochs = maps.epochs;
    }
    if (indexSamples < o.numSamples) {
      throw new Error(`${o.mode} order: the dataset provides ${indexSamples} samples, fewer than the ${o.numSamples} requested`);
    }
    const partial = {
      format: 'cohort-data-order/1' as const,
      mode: o.mode,
      dataset: { prefix: path.resolve(o.dataset), hash: datasetHash },
      seqLength: o.seqLength,
      globalBatch: o.globalBatch,
      seed: o.seed,
      numSamples: o.numSamples,
      steps: Math.floor(o.numSamples / o.globalBatch),
      indexSamples,
      numEpochs: epochs,
      files,
    };
    const manifest: OrderManifest = { ...partial, hash: orderHash(partial) };
    writeFileAtomic(path.join(o.outDir, 'order.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    ds.close();
  }
}
