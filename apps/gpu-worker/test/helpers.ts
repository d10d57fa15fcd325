// Shared by the gpu-worker tests: temp dirs, tiny token datasets and data orders built with
// libs/data, a tiny GPT-NeoX config, and an activity context for calling activities directly.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Context, asyncLocalStorage } from '@temporalio/activity';
import { buildDataOrder, IndexedDatasetWriter, openDataOrder, type DataOrder, type OrderMode } from '@cohort/data';
import { PYTHIA_DEFAULTS, type ModelConfig, type OptimizerConfig } from '@cohort/model';

/** A fresh temp directory removed when the process exits. */
export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cohort-gpu-worker-${tag}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const VOCAB = 128;

export const TINY: ModelConfig = { ...PYTHIA_DEFAULTS, vocabSize: VOCAB, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256, maxPositionEmbeddings: 64 };

export const TINY_OPT: OptimizerConfig = {
  lr: 3e-3,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.0,
  maxGradNorm: 1.0,
  schedule: { kind: 'constant' },
};

/** A deterministic generator of ids in [lo, hi). */
export function rng(seed: number, lo = 1, hi = VOCAB): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return lo + ((s >>> 8) % (hi - lo));
  };
}

/** Writes documents (token ids) as a token dataset and builds an order on it. */
export function buildOrder(dir: string, documents: ArrayLike<number>[], o: { seqLength: number; globalBatch: number; numSamples: number; mode?: OrderMode; seed?: number }): { orderDir: string; order: DataOrder } {
  fs.mkdirSync(dir, { recursive: true });
  const prefix = path.join(dir, 'tokens');
  const w = new IndexedDatasetWriter(prefix, 'uint16');
  for (const d of documents) w.addDocument(d);
  w.finish();
  const orderDir = path.join(dir, 'order');
  buildDataOrder({ dataset: prefix, outDir: orderDir, seqLength: o.seqLength, globalBatch: o.globalBatch, seed: o.seed ?? 5, numSamples: o.numSamples, mode: o.mode ?? 'cohort' });
  return { orderDir, order: openDataOrder(orderDir) };
}

/** Random documents of 5..60 tokens ending with the eod token (0), ids drawn from [lo, VOCAB). */
export function randomDocuments(n: number, seed: number, lo = 1): number[][] {
  const r = rng(seed, lo);
  const len = rng(seed + 1, 5, 61);
  return Array.from({ length: n }, () => [...Array.from({ length: len() }, r), 0]);
}

export interface Beats {
  details: unknown[];
  abort: AbortController;
}

/** Runs fn inside an activity context that records heartbeats (no Temporal server involved). */
export async function inActivity<T>(fn: () => Promise<T>, beats: Beats = { details: [], abort: new AbortController() }): Promise<T> {
  const info = { activityType: 'test', workflowExecution: { workflowId: 'wf', runId: 'run' }, attempt: 1 } as unknown as Context['info'];
  const never = new Promise<never>(() => undefined);
  const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as unknown as Context['log'];
  const ctx = new Context(info, never, beats.abort.signal, (d) => beats.details.push(d), undefined, log, undefined as unknown as Context['metricMeter'], {} as never);
  return asyncLocalStorage.run(ctx, fn);
}
