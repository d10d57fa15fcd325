import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  buildDataOrder,
  buildTokenDataset,
  CohortTokenizer,
  generateSyntheticCorpus,
  openDataOrder,
  PronounSwap,
  trainTokenizer,
  TransformedOrder,
} from '@cohort/data';
import {
  plantedPatterns,
  plantedWindows,
  readScanPlan,
  readWindowList,
  sampleSource,
  saveWindowList,
  sequenceCount,
  sequenceStartWindows,
  shardRange,
  type PlantedPattern,
} from '../src/memorization';
import { buildOrder, randomDocuments, rng, tempDir } from './helpers';

describe('memorization windows: sequence-start', () => {
  const dir = tempDir('windows-start');
  const { order } = buildOrder(dir, randomDocuments(50, 3), { seqLength: 32, globalBatch: 4, numSamples: 40 });
  const src = sampleSource(order);

  it('counts seen (step × globalBatch) and all (the run, at most the order) sequences', () => {
    assert.equal(sequenceCount(src, 'seen', 0), 0);
    assert.equal(sequenceCount(src, 'seen', 3), 12);
    assert.equal(sequenceCount(src, 'seen', 10), 40);
    assert.equal(sequenceCount(src, 'all', 3), 40);
    assert.equal(sequenceCount(src, 'all', 3, 6), 24, "the run's own steps");
    assert.equal(sequenceCount(src, 'all', 3, 99), 40, 'never beyond the order');
    assert.throws(() => sequenceCount(src, 'seen', 11), /step 11 lies beyond the data order's 10 steps/);
  });

  it('window k is training sequence k tokens [0, P+C), in training order', async () => {
    const count = sequenceCount(src, 'seen', 7);
    const progress: number[] = [];
    const w = await sequenceStartWindows(src, count, 5, 7, (done) => progress.push(done));
    assert.equal(w.count, 28);
    assert.deepEqual(progress.at(-1), 28);
    for (let k = 0; k < count; k++) {
      assert.equal(w.sequence[k], k);
      assert.equal(w.offset[k], 0);
      assert.equal(w.plantedId[k], -1);
      assert.deepEqual(Array.from(w.tokens.subarray(k * 12, (k + 1) * 12)), Array.from(order.sample(k).subarray(0, 12)), `window ${k}`);
    }
    // The batch rows the trainer consumed are the same sequences.
    const batch = order.batch(2);
    assert.deepEqual(Array.from(w.tokens.subarray(8 * 12, 9 * 12)), Array.from(batch.tokens.subarray(0, 12)));
  });

  it('refuses windows longer than a training sequence', async () => {
    await assert.rejects(sequenceStartWindows(src, 4, 30, 4), /prompt 30 \+ continuation 4 = 34 tokens exceed a training sequence \(33 tokens/);
    await assert.doesNotReject(sequenceStartWindows(src, 4, 30, 3));
  });

  it('persists the list: plan.json after windows.safetensors, readable by row range', async () => {
    const scan = path.join(dir, 'scan');
    const w = await sequenceStartWindows(src, 40, 4, 4);
    const plan = saveWindowList(scan, w, { windows: 'sequence-start', sequences: 'all', shardSize: 16, step: 10, sequencesScanned: 40, orderHash: order.manifest.hash });
    assert.equal(plan.count, 40);
    assert.equal(plan.shards, 3);
    assert.deepEqual(readScanPlan(scan), plan);
    assert.deepEqual(shardRange(plan, 2), { from: 32, to: 40 });
    assert.throws(() => shardRange(plan, 3), /shard 3 does not exist: the scan has 3 shard\(s\)/);
    const part = readWindowList(scan, 17, 23);
    assert.equal(part.count, 6);
    assert.deepEqual(Array.from(part.sequence), [17, 18, 19, 20, 21, 22]);
    assert.deepEqual(Array.from(part.tokens), Array.from(w.tokens.subarray(17 * 8, 23 * 8)));
    assert.deepEqual(readWindowList(scan).tokens, w.tokens);
    assert.deepEqual(fs.readdirSync(scan).sort(), ['plan.json', 'windows.safetensors'], 'no temp files left behind');
  });

  it('honours an intervention: samples of the transformed steps are the rows TransformedOrder.batch yields', async () => {
    const d = tempDir('windows-transform');
    const synth = generateSyntheticCorpus({ outDir: path.join(d, 's'), seed: 3, documents: 60, sentencesPerDocument: 4, pronouns: { sentences: 120, stereotypeRatio: 0.9 } });
    const tokenizerPath = path.join(d, 'tok.json');
    await trainTokenizer({ corpus: { paths: [synth.corpusFile] }, vocabSize: 400, outPath: tokenizerPath });
    await buildTokenDataset({ corpus: { paths: [synth.corpusFile] }, tokenizerPath, prefix: path.join(d, 'ds') });
    buildDataOrder({ dataset: path.join(d, 'ds'), outDir: path.join(d, 'o'), seqLength: 64, globalBatch: 4, seed: 9, numSamples: 40, mode: 'cohort' });
    const base = openDataOrder(path.join(d, 'o'));
    const branch = new TransformedOrder(base, CohortTokenizer.load(tokenizerPath), { transform: new PronounSwap(), fromStep: 4 });
    const bsrc = sampleSource(branch);
    let changed = 0;
    for (let step = 0; step < base.steps; step++) {
      const b = await branch.batch(step);
      for (let r = 0; r < b.rows; r++) {
        const i = step * 4 + r;
        const got = Array.from(await bsrc.sample(i));
        assert.deepEqual(got, Array.from(b.tokens.subarray(r * b.width, (r + 1) * b.width)), `sample ${i}`);
        if (got.some((t, k) => t !== base.sample(i)[k])) changed++;
      }
    }
    assert.ok(changed > 0, 'the transform edited some samples');
    const w = await sequenceStartWindows(bsrc, 40, 16, 16);
    assert.deepEqual(Array.from(w.tokens.subarray(39 * 32, 40 * 32)), Array.from(await bsrc.sample(39)).slice(0, 32));
  });
});

describe('memorization windows: planted', () => {
  // A preshuffled order: item k is training sequence k, so the test decides exactly where each
  // planted occurrence lies. Background ids are 20..127, the patterns' ids are below 20.
  const A: PlantedPattern = { plantedId: 0, tokens: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) };
  const B: PlantedPattern = { plantedId: 1, tokens: Int32Array.from([11, 12, 13, 14, 15, 16, 17, 18, 19, 1]) };
  const width = 32;
  const bg = rng(17, 20);
  const items = Array.from({ length: 8 }, () => Array.from({ length: width }, bg));
  const put = (item: number, at: number, p: PlantedPattern) => p.tokens.forEach((t, j) => (items[item][at + j] = t));
  put(0, 0, A);
  put(2, 5, B);
  put(2, 22, A); // ends on the sequence's last token
  put(5, 10, A);
  put(6, 3, B);
  put(6, 13, B); // a second occurrence in one sequence
  // Across a boundary: 7 tokens at the end of sequence 3, the last 3 at the start of sequence 4.
  A.tokens.forEach((t, j) => (j < 7 ? (items[3][25 + j] = t) : (items[4][j - 7] = t)));
  // A near miss: A with its last token wrong.
  put(7, 2, { plantedId: 0, tokens: Int32Array.from([...A.tokens.slice(0, 9), 99]) });
  const dir = tempDir('windows-planted');
  const { order } = buildOrder(dir, items, { seqLength: width - 1, globalBatch: 2, numSamples: 8, mode: 'preshuffled' });
  const src = sampleSource(order);

  it('finds every occurrence inside a sequence, in training order, and none across a boundary', async () => {
    const w = await plantedWindows(src, sequenceCount(src, 'all', 0), [B, A], 4, 6);
    const found = Array.from({ length: w.count }, (_, i) => [w.sequence[i], w.offset[i], w.plantedId[i]]);
    assert.deepEqual(found, [
      [0, 0, 0],
      [2, 5, 1],
      [2, 22, 0],
      [5, 10, 0],
      [6, 3, 1],
      [6, 13, 1],
    ]);
    for (let i = 0; i < w.count; i++) {
      assert.deepEqual(Array.from(w.tokens.subarray(i * 10, (i + 1) * 10)), Array.from(order.sample(w.sequence[i]).subarray(w.offset[i], w.offset[i] + 10)));
    }
  });

  it('seen: only the sequences consumed before the checkpoint', async () => {
    const w = await plantedWindows(src, sequenceCount(src, 'seen', 2), [A, B], 4, 6);
    assert.deepEqual(Array.from(w.sequence), [0, 2, 2]);
    assert.deepEqual(Array.from(w.offset), [0, 5, 22]);
  });

  it('planted sequences shorter than P+C tokens are refused, naming the sequence and its length', async () => {
    const words = { encode: async (text: string) => text.trim().split(/\s+/).map((_, i) => i + 1) };
    const planted = [{ id: 3, text: 'ba be bi bo bu', repetitions: 2, documents: [1, 2] }];
    await assert.rejects(plantedPatterns(words, planted, 4, 2), /planted sequence 3 \("ba be bi bo bu"\) encodes to 5 tokens, fewer than prompt 4 \+ continuation 2 = 6/);
    const ok = await plantedPatterns(words, planted, 3, 2);
    assert.equal(ok.length, 1, "identical encodings of ' ' + text and text are searched once");
    assert.deepEqual(Array.from(ok[0].tokens), [1, 2, 3, 4, 5]);
  });

  it('a synthetic corpus: windows are exactly the occurrences of the encoded planted sequences', async () => {
    const d = tempDir('windows-synthetic');
    const manifest = generateSyntheticCorpus({ outDir: path.join(d, 's'), seed: 4, documents: 40, sentencesPerDocument: 3, repeated: { perCount: 2, counts: [1, 3], words: 16 } });
    const tokenizerPath = path.join(d, 'tok.json');
    await trainTokenizer({ corpus: { paths: [manifest.corpusFile] }, vocabSize: 400, outPath: tokenizerPath });
    await buildTokenDataset({ corpus: { paths: [manifest.corpusFile] }, tokenizerPath, prefix: path.join(d, 'ds') });
    buildDataOrder({ dataset: path.join(d, 'ds'), outDir: path.join(d, 'o'), seqLength: 128, globalBatch: 4, seed: 2, numSamples: 60, mode: 'cohort' });
    const synth = sampleSource(openDataOrder(path.join(d, 'o')));
    const tokenizer = CohortTokenizer.load(tokenizerPath);
    const patterns = await plantedPatterns(tokenizer, manifest.repeatedSequences, 8, 8);
    assert.ok(patterns.length >= manifest.repeatedSequences.length);
    const w = await plantedWindows(synth, 60, patterns, 8, 8);
    assert.ok(w.count > 0, 'the planted sequences occur in the stream');
    // An independent search: every pattern's comma-joined ids inside each sample's.
    const expected: string[] = [];
    for (let k = 0; k < 60; k++) {
      const s = ',' + Array.from(await synth.sample(k)).join(',') + ',';
      for (const p of [...patterns].sort((a, b) => a.plantedId - b.plantedId)) {
        const needle = ',' + Array.from(p.tokens).join(',') + ',';
        for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
          expected.push(`${k}:${s.slice(0, at + 1).split(',').length - 2}:${p.plantedId}`);
        }
      }
    }
    const got = Array.from({ length: w.count }, (_, i) => `${w.sequence[i]}:${w.offset[i]}:${w.plantedId[i]}`);
    assert.deepEqual([...got].sort(), [...expected].sort());
    const pos = (i: number) => w.sequence[i] * 1e4 + w.offset[i];
    for (let i = 1; i < w.count; i++) assert.ok(pos(i) >= pos(i - 1), 'training order');
    const decoded = await tokenizer.decode(Array.from(w.tokens.subarray(0, 16)));
    assert.ok(manifest.repeatedSequences[w.plantedId[0]].text.startsWith(decoded.trim()), `${decoded} starts planted sequence ${w.plantedId[0]}`);
    await assert.rejects(plantedPatterns(tokenizer, manifest.repeatedSequences, 100, 100), /planted sequence 0 .* encodes to \d+ tokens, fewer than prompt 100 \+ continuation 100 = 200/);
  });
});
