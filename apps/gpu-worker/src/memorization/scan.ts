// Scoring the windows of a memorization scan: batched greedy generation of C tokens from each
// window's P-token prompt (the engine's KV-cache generate), score = how many of the C generated
// tokens equal the true ones (one byte, 0..C); memorized ⇔ score = C. Scores live in shard files of
// the scan directory, shard k covering windows [k·shardSize, min((k+1)·shardSize, n)), each written
// atomically once (shards.ts): a shard already on disk with the right length is never rescanned.
import { memorizedCount, readShard, writeShard } from './shards';
import { readScanPlan, readWindowList, shardRange, type WindowList } from './windows';

/** What scoring needs from a model: GPTNeoX.generateAsync (equal-length prompts, greedy). */
export interface GreedyGenerator {
  generateAsync(prompts: number[][], maxNewTokens: number): Promise<number[][]>;
}

/** Scores fit a byte. */
export const MAX_CONTINUATION = 255;

/**
 * Scores of windows (tokens row-major [count, prompt + continuation]), batchSize prompts per
 * generate call; onBatch after each call with the windows scored so far. Windows sharing a prompt
 * (every occurrence of a planted sequence, duplicated documents) share its greedy continuation, so
 * each distinct prompt is generated once and compared with each window's own continuation.
 */
export async function scoreWindows(
  model: GreedyGenerator,
  w: Pick<WindowList, 'prompt' | 'continuation' | 'count' | 'tokens'>,
  batchSize: number,
  onBatch?: (scored: number, total: number) => void,
): Promise<Uint8Array> {
  const { prompt: P, continuation: C, count } = w;
  const L = P + C;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  if (C > MAX_CONTINUATION) throw new Error(`continuation ${C} exceeds ${MAX_CONTINUATION}: scores are one byte`);
  if (w.tokens.length !== count * L) throw new Error(`${w.tokens.length} tokens for ${count} windows of ${L}`);
  const promptOf = (i: number) => w.tokens.subarray(i * L, i * L + P);
  // Distinct prompts in order of first appearance; slot[i] = window i's prompt.
  const index = new Map<string, number>();
  const firsts: number[] = [];
  const slot = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const key = promptOf(i).join(',');
    let u = index.get(key);
    if (u === undefined) {
      u = firsts.length;
      index.set(key, u);
      firsts.push(i);
    }
    slot[i] = u;
  }
  const uses = new Int32Array(firsts.length);
  for (const u of slot) uses[u]++;
  const generated = new Int32Array(firsts.length * C);
  let scored = 0;
  for (let u0 = 0; u0 < firsts.length; u0 += batchSize) {
    const u1 = Math.min(firsts.length, u0 + batchSize);
    const prompts: number[][] = [];
    for (let u = u0; u < u1; u++) prompts.push(Array.from(promptOf(firsts[u])));
    const out = await model.generateAsync(prompts, C);
    for (let u = u0; u < u1; u++) {
      const row = out[u - u0];
      if (row?.length !== C) throw new Error(`generate returned ${row?.length} tokens for a prompt, expected ${C}`);
      generated.set(row, u * C);
      scored += uses[u];
    }
    onBatch?.(scored, count);
  }
  const scores = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const g = slot[i] * C, truth = i * L + P;
    let s = 0;
    for (let t = 0; t < C; t++) if (generated[g + t] === w.tokens[truth + t]) s++;
    scores[i] = s;
  }
  return scores;
}

export interface ShardScan {
  shard: number;
  windows: number;
  memorized: number;
  resumed: boolean;
  scores: Uint8Array;
}

/**
 * Scores one shard of a planned scan, unless its file is already complete (resumed). `model` is
 * only called for when the shard needs scanning, so a resumed shard loads no checkpoint.
 */
export async function scanShard(
  dir: string,
  shard: number,
  opts: { model: () => GreedyGenerator | Promise<GreedyGenerator>; batchSize: number; onBatch?: (scored: number, total: number) => void },
): Promise<ShardScan> {
  const plan = readScanPlan(dir);
  if (!plan) throw new Error(`${dir}: no memorization scan planned here`);
  const { from, to } = shardRange(plan, shard);
  const done = readShard(dir, plan, shard);
  if (done) return { shard, windows: to - from, memorized: memorizedCount(done, plan.continuation), resumed: true, scores: done };
  const windows = readWindowList(dir, from, to);
  const scores = await scoreWindows(await opts.model(), windows, opts.batchSize, opts.onBatch);
  writeShard(dir, plan, shard, scores);
  return { shard, windows: to - from, memorized: memorizedCount(scores, plan.continuation), resumed: false, scores };
}

