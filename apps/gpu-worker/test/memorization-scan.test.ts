import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { causalBatch, GPTNeoX, readSafetensors, Trainer } from '@cohort/model';
import {
  memorizedCount,
  plantedWindows,
  readScanScores,
  readShard,
  sampleSource,
  saveWindowList,
  scanShard,
  scoreWindows,
  sequenceStartWindows,
  shardFile,
  writeScanArtefact,
  type GreedyGenerator,
  type WindowList,
} from '../src/memorization';
import { buildOrder, randomDocuments, rng, tempDir, TINY, TINY_OPT } from './helpers';

/** The reference: one window at a time, generate then count matching tokens. */
function naiveScores(model: GPTNeoX, w: WindowList): number[] {
  const L = w.prompt + w.continuation;
  return Array.from({ length: w.count }, (_, i) => {
    const row = Array.from(w.tokens.subarray(i * L, (i + 1) * L));
    const [g] = model.generate([row.slice(0, w.prompt)], w.continuation);
    return g.filter((t, j) => t === row[w.prompt + j]).length;
  });
}

describe('memorization scan scoring', () => {
  it('batched scores equal one-window-at-a-time greedy generation (tiny random model)', async () => {
    const dir = tempDir('scan-random');
    const { order } = buildOrder(dir, randomDocuments(60, 9), { seqLength: 32, globalBatch: 4, numSamples: 40 });
    // Windows whose continuation is what a random model predicts score > 0: make the model's own
    // greedy output the truth for some of them, so scores cover 0..C.
    const model = GPTNeoX.create(TINY, { seed: 3, threads: 2 });
    try {
      const w = await sequenceStartWindows(sampleSource(order), 40, 8, 8);
      for (let i = 0; i < 40; i += 3) {
        const g = model.generate([Array.from(w.tokens.subarray(i * 16, i * 16 + 8))], 8)[0];
        const keep = i % 8; // first `keep` true tokens, then the model's own continuation
        g.forEach((t, j) => {
          if (j >= keep) w.tokens[i * 16 + 8 + j] = t;
        });
      }
      const beats: number[] = [];
      const scores = await scoreWindows(model, w, 7, (done) => beats.push(done));
      assert.deepEqual(Array.from(scores), naiveScores(model, w));
      assert.deepEqual(beats, [7, 14, 21, 28, 35, 40], 'one heartbeat per batch');
      assert.ok(scores.some((s) => s === 8) && scores.some((s) => s < 8));
      // Windows sharing a prompt share its continuation but keep their own truth.
      const dup = { ...w, count: 3, tokens: Int32Array.from([...w.tokens.subarray(0, 16), ...w.tokens.subarray(0, 8), ...w.tokens.subarray(24, 32), ...w.tokens.subarray(0, 16)]) };
      const beats2: [number, number][] = [];
      const d = await scoreWindows(model, dup, 1, (a, b) => beats2.push([a, b]));
      assert.deepEqual(Array.from(d), naiveScores(model, dup));
      assert.equal(d[0], d[2]);
      assert.deepEqual(beats2, [[3, 3]], 'one distinct prompt: one batch covering all three windows');
    } finally {
      model.dispose();
    }
  });

  it('a model trained on a repeated sequence memorizes it: planted windows score C, matching the naive scores', async () => {
    const dir = tempDir('scan-trained');
    // Background ids 20..127 (about 13k tokens, each seen ~5 times); the planted sequence (24 ids
    // below 20) is in every fourth document, so seen ~500 times.
    const planted = Array.from({ length: 24 }, rng(5, 1, 20));
    const docs = randomDocuments(400, 21, 20).map((d, i) => (i % 4 === 1 ? [...d.slice(0, 3), ...planted, ...d.slice(3)] : d));
    const steps = 300;
    const { order } = buildOrder(dir, docs, { seqLength: 32, globalBatch: 8, numSamples: steps * 8 });
    const model = GPTNeoX.create(TINY, { seed: 7, threads: 2 });
    try {
      const trainer = new Trainer(model, TINY_OPT);
      let loss = Infinity;
      for (let step = 0; step < steps; step++) {
        const b = order.batch(step);
        const rows = Array.from({ length: b.rows }, (_, r) => b.tokens.subarray(r * b.width, (r + 1) * b.width));
        loss = trainer.trainStep([causalBatch(rows, 32)]).loss;
      }
      assert.ok(loss < 4.6, `training loss ${loss}`);
      const src = sampleSource(order);
      const patterns = [0, 8].map((at, k) => ({ plantedId: k, tokens: Int32Array.from(planted.slice(at, at + 16)) }));
      const w = await plantedWindows(src, 200, patterns, 8, 8);
      assert.ok(w.count > 10, `${w.count} planted windows`);
      // Every occurrence of a pattern is the same window: one generation per distinct prompt.
      let generatedPrompts = 0;
      const counting: GreedyGenerator = { generateAsync: (p, n) => ((generatedPrompts += p.length), model.generateAsync(p, n)) };
      const scores = await scoreWindows(counting, w, 16);
      assert.equal(generatedPrompts, 2);
      assert.deepEqual(Array.from(scores), naiveScores(model, w));
      assert.ok(memorizedCount(scores, 8) > w.count / 2, `memorized ${memorizedCount(scores, 8)} of ${w.count}`);
      // Sequence starts are mostly background, seen a few times: far less extractable, scored exactly as well.
      const bg = await sequenceStartWindows(src, 48, 8, 8);
      const bgScores = await scoreWindows(model, bg, 10);
      assert.deepEqual(Array.from(bgScores), naiveScores(model, bg));
      assert.ok(memorizedCount(bgScores, 8) < bg.count / 2, `memorized ${memorizedCount(bgScores, 8)} of ${bg.count} sequence starts`);
      if (process.env.DEBUG_MEM) console.log({ loss, planted: memorizedCount(scores, 8), of: w.count, bg: Array.from(bgScores) });
    } finally {
      model.dispose();
    }
  });
});

describe('memorization shards', () => {
  const dir = tempDir('shards');
  const { order } = buildOrder(path.join(dir, 'data'), randomDocuments(60, 4), { seqLength: 32, globalBatch: 4, numSamples: 40 });
  const scan = path.join(dir, 'scan');
  const model = GPTNeoX.create(TINY, { seed: 5, threads: 2 });
  let loads = 0;
  const load = (): GreedyGenerator => {
    loads++;
    return model;
  };
  let windows: WindowList;

  it('scans a shard once; a shard on disk with the right length is kept (resumed), one of the wrong length is rescanned', async () => {
    windows = await sequenceStartWindows(sampleSource(order), 40, 6, 6);
    const plan = saveWindowList(scan, windows, { windows: 'sequence-start', sequences: 'all', shardSize: 16, step: 10, sequencesScanned: 40, orderHash: order.manifest.hash });
    assert.equal(plan.shards, 3);
    // Shard 1 already on disk, with bytes no model would produce: they must survive.
    const known = new Uint8Array(16).fill(6);
    known[3] = 2;
    fs.mkdirSync(path.dirname(shardFile(scan, 1)), { recursive: true });
    fs.writeFileSync(shardFile(scan, 1), known);
    const r1 = await scanShard(scan, 1, { model: load, batchSize: 8 });
    assert.deepEqual({ ...r1, scores: undefined }, { shard: 1, windows: 16, memorized: 15, resumed: true, scores: undefined });
    assert.equal(loads, 0, 'a resumed shard loads no model');
    assert.deepEqual(new Uint8Array(fs.readFileSync(shardFile(scan, 1))), known);

    assert.throws(() => readScanScores(scan), /memorization scan .* is incomplete: shards 0, 2 of 3 missing/);

    // Shard 2 holds 8 windows; a truncated file (a crash mid-write outside the atomic path) is redone.
    fs.writeFileSync(shardFile(scan, 2), new Uint8Array(5));
    const r2 = await scanShard(scan, 2, { model: load, batchSize: 3 });
    assert.equal(r2.resumed, false);
    assert.equal(r2.windows, 8);
    assert.equal(loads, 1);
    const expected2 = naiveScores(model, { ...windows, count: 8, tokens: windows.tokens.subarray(32 * 12) });
    assert.deepEqual(Array.from(readShard(scan, { count: 40, shardSize: 16 }, 2)!), expected2);

    assert.throws(() => readScanScores(scan), /shard 0 of 3 missing/);
    const r0 = await scanShard(scan, 0, { model: load, batchSize: 16 });
    assert.equal(r0.resumed, false);
    const again = await scanShard(scan, 0, { model: load, batchSize: 16 });
    assert.equal(again.resumed, true);
    assert.deepEqual(again.scores, r0.scores);
    assert.equal(loads, 2);
    assert.deepEqual(fs.readdirSync(path.dirname(shardFile(scan, 0))).sort(), ['shard-000000.scores', 'shard-000001.scores', 'shard-000002.scores'], 'no temp files');
  });

  it('readScanScores assembles the shards; writeScanArtefact writes them as one safetensors file', () => {
    const s = readScanScores(scan);
    assert.equal(s.scores.length, 40);
    assert.deepEqual(Array.from(s.scores.subarray(16, 32)), Array.from(fs.readFileSync(shardFile(scan, 1))));
    assert.deepEqual(Array.from(s.sequence), Array.from({ length: 40 }, (_, i) => i));
    assert.deepEqual(Array.from(s.plantedId), new Array(40).fill(-1));
    const artefact = path.join(dir, 'scores.safetensors');
    writeScanArtefact(artefact, s);
    const t = readSafetensors(artefact);
    assert.deepEqual([...t.keys()].sort(), ['offset', 'planted_id', 'scores', 'sequence']);
    assert.equal(t.get('scores')!.dtype, 'U8');
    assert.deepEqual(new Uint8Array(t.get('scores')!.bytes), s.scores);
    assert.equal(t.get('sequence')!.dtype, 'I32');
    assert.deepEqual(t.get('planted_id')!.shape, [40]);
    assert.equal(t.get('planted_id')!.bytes.readInt32LE(4 * 7), -1);
    model.dispose();
  });
});
