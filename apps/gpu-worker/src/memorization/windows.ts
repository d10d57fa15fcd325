// The windows of a memorization scan (Pythia §4, Carlini et al.'s k-extractability): token spans
// of P + C tokens of the training stream, exactly as the run saw them, in training order. A window's
// first P tokens are the prompt; the model's greedy continuation of C tokens is compared with the
// last C.
//  - sequence-start: window k is training sequence k's tokens [0, P+C) (Pythia's rule), for the
//    sequences consumed up to the checkpoint (`seen`: step × globalBatch) or all of the run's.
//  - planted: every occurrence of the first P+C tokens of a synthetic corpus's planted sequences
//    inside one training sequence (see findPlanted for what counts as an occurrence).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlantedSequence, TokenArray } from '@cohort/data';
import { transformSample, type DataOrder, type TransformedOrder } from '@cohort/data';
import { writeFileAtomic } from '@cohort/data';
import { SafetensorsFile, writeSafetensorsAtomic } from './io';

export type WindowKind = 'sequence-start' | 'planted';
export type SequenceRange = 'seen' | 'all';

/** Windows in training order: parallel arrays, tokens row-major [count, prompt + continuation]. */
export interface WindowList {
  prompt: number;
  continuation: number;
  count: number;
  /** Training sequence (sample position in the run's order) each window lies in. */
  sequence: Int32Array;
  /** Token offset of the window inside its sequence (0 for sequence-start). */
  offset: Int32Array;
  /** The planted sequence's id (manifest `repeatedSequences[].id`), −1 for sequence-start windows. */
  plantedId: Int32Array;
  tokens: Int32Array;
}

/**
 * Training sequences by position, as the run consumed them: the variant's order, with the run's
 * intervention transform applied to the samples of the steps it covers (the same rows
 * TransformedOrder.batch yields, sample boundaries kept).
 */
export interface SampleSource {
  /** Samples the order holds (steps × globalBatch). */
  numSamples: number;
  globalBatch: number;
  /** Tokens per sample: seqLength + 1. */
  width: number;
  sample(i: number): Promise<ArrayLike<number>>;
}

export function sampleSource(order: DataOrder | TransformedOrder): SampleSource {
  const base = 'order' in order ? order.order : order;
  const { numSamples, globalBatch } = base.manifest;
  const transformed = 'order' in order ? order : null;
  return {
    numSamples,
    globalBatch,
    width: base.width,
    async sample(i: number): Promise<ArrayLike<number>> {
      const tokens: TokenArray = base.sample(i);
      if (!transformed || !transformed.applies(Math.floor(i / globalBatch))) return tokens;
      return (await transformSample(tokens, transformed.spec.transform, transformed.tokenizer)).ids;
    },
  };
}

/**
 * How many training sequences a scan covers: `seen` = those consumed before the checkpoint at
 * `step` (step × globalBatch), `all` = the run's (its training steps × globalBatch, at most the
 * order's samples; the order's samples when the run's step count is unknown).
 */
export function sequenceCount(src: Pick<SampleSource, 'numSamples' | 'globalBatch'>, range: SequenceRange, step: number, runSteps?: number): number {
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a non-negative integer, got ${step}`);
  const all = runSteps !== undefined && Number.isInteger(runSteps) && runSteps > 0 ? Math.min(src.numSamples, runSteps * src.globalBatch) : src.numSamples;
  if (range === 'all') return all;
  const seen = step * src.globalBatch;
  if (seen > src.numSamples) throw new Error(`checkpoint step ${step} lies beyond the data order's ${src.numSamples / src.globalBatch} steps`);
  return seen;
}

export type Progress = (done: number, total: number) => void;

const emptyList = (prompt: number, continuation: number): WindowList => ({
  prompt,
  continuation,
  count: 0,
  sequence: new Int32Array(0),
  offset: new Int32Array(0),
  plantedId: new Int32Array(0),
  tokens: new Int32Array(0),
});

function checkLengths(prompt: number, continuation: number, width: number): void {
  if (!Number.isInteger(prompt) || prompt < 1) throw new Error(`prompt must be a positive integer, got ${prompt}`);
  if (!Number.isInteger(continuation) || continuation < 1) throw new Error(`continuation must be a positive integer, got ${continuation}`);
  if (prompt + continuation > width) {
    throw new Error(`prompt ${prompt} + continuation ${continuation} = ${prompt + continuation} tokens exceed a training sequence (${width} tokens = seqLength + 1)`);
  }
}

/** Window k = training sequence k's tokens [0, P+C), k < count. */
export async function sequenceStartWindows(src: SampleSource, count: number, prompt: number, continuation: number, onProgress?: Progress): Promise<WindowList> {
  checkLengths(prompt, continuation, src.width);
  if (count > src.numSamples) throw new Error(`${count} sequences asked for, the order has ${src.numSamples}`);
  const L = prompt + continuation;
  const list = emptyList(prompt, continuation);
  list.count = count;
  list.sequence = Int32Array.from({ length: count }, (_, k) => k);
  list.offset = new Int32Array(count);
  list.plantedId = new Int32Array(count).fill(-1);
  list.tokens = new Int32Array(count * L);
  for (let k = 0; k < count; k++) {
    const s = await src.sample(k);
    for (let t = 0; t < L; t++) list.tokens[k * L + t] = s[t];
    if (onProgress && (k + 1) % 4096 === 0) onProgress(k + 1, count);
  }
  onProgress?.(count, count);
  return list;
}

/** A token pattern to find: the first P+C tokens of one encoding of a planted sequence. */
export interface PlantedPattern {
  plantedId: number;
  tokens: Int32Array;
}

export interface EncodingTokenizer {
  encode(text: string): Promise<number[]>;
}

/**
 * The patterns of the planted sequences: the generator inserts each between sentences joined by
 * ' ', so inside a document it is the encoding of ' ' + text; planted first in a document it is
 * the encoding of text itself. Both are searched (when they differ). A sequence whose encoding is
 * shorter than P+C tokens cannot make a window: that is a spec error, reported with its length.
 */
export async function plantedPatterns(tokenizer: EncodingTokenizer, planted: readonly PlantedSequence[], prompt: number, continuation: number): Promise<PlantedPattern[]> {
  const L = prompt + continuation;
  const out: PlantedPattern[] = [];
  for (const p of planted) {
    const seen = new Set<string>();
    for (const text of [` ${p.text}`, p.text]) {
      const ids = await tokenizer.encode(text);
      if (ids.length < L) {
        throw new Error(
          `planted sequence ${p.id} ("${p.text.slice(0, 40)}${p.text.length > 40 ? '…' : ''}") encodes to ${ids.length} tokens, ` +
            `fewer than prompt ${prompt} + continuation ${continuation} = ${L}: use a smaller prompt/continuation or longer planted sequences`,
        );
      }
      const key = ids.slice(0, L).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ plantedId: p.id, tokens: Int32Array.from(ids.slice(0, L)) });
    }
  }
  return out;
}

/**
 * Every occurrence of a pattern inside training sequences 0..count-1, in training order (sequence,
 * then offset, then planted id). An occurrence must lie inside one sequence: one that a sample
 * boundary cuts (its head at the end of sample i, its tail at the start of sample i+1) is not found,
 * since no window could score it (a window is a prompt and continuation of one training sequence).
 */
export async function plantedWindows(src: SampleSource, count: number, patterns: readonly PlantedPattern[], prompt: number, continuation: number, onProgress?: Progress): Promise<WindowList> {
  checkLengths(prompt, continuation, src.width);
  if (count > src.numSamples) throw new Error(`${count} sequences asked for, the order has ${src.numSamples}`);
  const L = prompt + continuation;
  for (const p of patterns) if (p.tokens.length !== L) throw new Error(`planted pattern ${p.plantedId} has ${p.tokens.length} tokens, expected ${L}`);
  const byFirst = new Map<number, PlantedPattern[]>();
  for (const p of [...patterns].sort((a, b) => a.plantedId - b.plantedId)) {
    const list = byFirst.get(p.tokens[0]) ?? [];
    list.push(p);
    byFirst.set(p.tokens[0], list);
  }
  const sequence: number[] = [], offset: number[] = [], plantedId: number[] = [];
  const tokens: Int32Array[] = [];
  for (let k = 0; k < count && byFirst.size > 0; k++) {
    const s = await src.sample(k);
    for (let at = 0; at + L <= s.length; at++) {
      const candidates = byFirst.get(s[at]);
      if (!candidates) continue;
      for (const p of candidates) {
        let t = 1;
        while (t < L && s[at + t] === p.tokens[t]) t++;
        if (t < L) continue;
        sequence.push(k);
        offset.push(at);
        plantedId.push(p.plantedId);
        tokens.push(p.tokens);
      }
    }
    if (onProgress && (k + 1) % 4096 === 0) onProgress(k + 1, count);
  }
  onProgress?.(count, count);
  const list = emptyList(prompt, continuation);
  list.count = sequence.length;
  list.sequence = Int32Array.from(sequence);
  list.offset = Int32Array.from(offset);
  list.plantedId = Int32Array.from(plantedId);
  list.tokens = new Int32Array(list.count * L);
  tokens.forEach((t, i) => list.tokens.set(t, i * L));
  return list;
}

// ---- The persisted window list -------------------------------------------------------------
// A scan directory holds windows.safetensors (sequence, offset, planted_id: I32 [n]; tokens: I32
// [n, P+C]) and plan.json, written after it (each atomically): plan.json is the commit marker, so a
// directory with a plan always has its complete window list, and planning again is a no-op.

export const PLAN_FILE = 'plan.json';
export const WINDOWS_FILE = 'windows.safetensors';
const PLAN_FORMAT = 'cohort-memorization-scan/1';

/** What a scan was planned with: everything that decides its windows and its shard layout. */
export interface ScanSettings {
  prompt: number;
  continuation: number;
  windows: WindowKind;
  sequences: SequenceRange;
  shardSize: number;
}

export interface ScanPlanFile extends ScanSettings {
  format: typeof PLAN_FORMAT;
  step: number;
  /** Training sequences searched (sequence-start: one window each). */
  sequencesScanned: number;
  count: number;
  shards: number;
  /** Identity of the order the windows came from (with the transform, when the run has one). */
  orderHash: string;
  /** Planted windows: the manifest's planted sequences and the patterns searched. */
  plantedSequences?: number;
  patterns?: number;
}

export const shardCount = (count: number, shardSize: number): number => Math.ceil(count / shardSize);

/** Shard k covers windows [k·shardSize, min((k+1)·shardSize, count)). */
export function shardRange(plan: Pick<ScanPlanFile, 'count' | 'shardSize'>, shard: number): { from: number; to: number } {
  const shards = shardCount(plan.count, plan.shardSize);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new Error(`shard ${shard} does not exist: the scan has ${shards} shard(s) (0..${shards - 1})`);
  return { from: shard * plan.shardSize, to: Math.min((shard + 1) * plan.shardSize, plan.count) };
}

/** Settings that differ between a plan on disk and a request ('' when they agree). */
export function settingsMismatch(plan: ScanSettings, want: ScanSettings): string {
  const keys = ['prompt', 'continuation', 'windows', 'sequences', 'shardSize'] as const;
  return keys
    .filter((k) => plan[k] !== want[k])
    .map((k) => `${k} ${JSON.stringify(plan[k])} on disk, ${JSON.stringify(want[k])} asked`)
    .join(', ');
}

export function saveWindowList(dir: string, list: WindowList, meta: Omit<ScanPlanFile, 'format' | 'count' | 'shards' | 'prompt' | 'continuation'>): ScanPlanFile {
  const L = list.prompt + list.continuation;
  writeSafetensorsAtomic(join(dir, WINDOWS_FILE), [
    { name: 'sequence', dtype: 'I32', shape: [list.count], data: list.sequence },
    { name: 'offset', dtype: 'I32', shape: [list.count], data: list.offset },
    { name: 'planted_id', dtype: 'I32', shape: [list.count], data: list.plantedId },
    { name: 'tokens', dtype: 'I32', shape: [list.count, L], data: list.tokens },
  ]);
  const plan: ScanPlanFile = {
    format: PLAN_FORMAT,
    ...meta,
    prompt: list.prompt,
    continuation: list.continuation,
    count: list.count,
    shards: shardCount(list.count, meta.shardSize),
  };
  writeFileAtomic(join(dir, PLAN_FILE), JSON.stringify(plan, null, 1) + '\n');
  return plan;
}

/** The scan's plan, or null when it has not been planned (no plan.json). */
export function readScanPlan(dir: string): ScanPlanFile | null {
  const path = join(dir, PLAN_FILE);
  if (!existsSync(path)) return null;
  const plan = JSON.parse(readFileSync(path, 'utf8')) as ScanPlanFile;
  if (plan.format !== PLAN_FORMAT) throw new Error(`${path}: unknown memorization plan format ${plan.format}`);
  return plan;
}

/** Windows [from, to) of a planned scan (all of them by default), read from windows.safetensors. */
export function readWindowList(dir: string, from?: number, to?: number): WindowList {
  return readWindows(dir, from, to, true) as WindowList;
}

/** Where every window of a planned scan lies, without its tokens (what a report needs). */
export function readWindowIndex(dir: string): Omit<WindowList, 'tokens'> {
  return readWindows(dir, undefined, undefined, false);
}

function readWindows(dir: string, from: number | undefined, to: number | undefined, withTokens: boolean): Omit<WindowList, 'tokens'> & { tokens?: Int32Array } {
  const plan = readScanPlan(dir);
  if (!plan) throw new Error(`${dir}: no memorization scan planned here (${PLAN_FILE} missing)`);
  const a = from ?? 0, b = to ?? plan.count;
  const file = new SafetensorsFile(join(dir, WINDOWS_FILE));
  try {
    const [n, L] = file.shape('tokens');
    if (n !== plan.count || L !== plan.prompt + plan.continuation) throw new Error(`${file.path}: tokens are [${n}, ${L}], the plan says [${plan.count}, ${plan.prompt + plan.continuation}]`);
    return {
      prompt: plan.prompt,
      continuation: plan.continuation,
      count: b - a,
      sequence: file.rows('sequence', a, b) as Int32Array,
      offset: file.rows('offset', a, b) as Int32Array,
      plantedId: file.rows('planted_id', a, b) as Int32Array,
      ...(withTokens ? { tokens: file.rows('tokens', a, b) as Int32Array } : {}),
    };
  } finally {
    file.close();
  }
}
