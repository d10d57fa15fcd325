#!/usr/bin/env node
// @cohort/data benchmark, one run, side by side:
//   1. tokenization MB/s: Cohort's dataset pipeline (read → worker threads → .bin/.idx) vs the
//      `tokenizers` library encoding the same documents with the same tokenizer.json
//      (sequential encode() and its own parallel encodeBatch());
//   2. dataset build time, BPE training time; 3. MinHash dedup docs/s; 4. batch(step) latency, seq 2048 × batch 1024
//      uint16, from the page cache, for neox / cohort / preshuffled orders.
// Usage: nice node bench/data/run.mjs [--mb 8]   (needs `npx tsc -b libs/data`; uses shared data
// when present — british_novels + Pythia's tokenizer — else the synthetic corpus and a trained tokenizer)
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
// Resolve both from the package, so the library baseline is the very `tokenizers` Cohort uses.
const requireData = createRequire(join(here, '..', '..', 'libs', 'data', 'package.json'));
const data = requireData('./');
const { Tokenizer } = requireData('tokenizers');

const args = process.argv.slice(2);
const targetMB = Number(args[args.indexOf('--mb') + 1]) || 8;
const work = fs.mkdtempSync(join(os.tmpdir(), 'cohort-bench-data-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const now = () => performance.now();
const report = (what, value, unit, note = '') => {
  console.log(`${what.padEnd(52)} ${String(value).padStart(10)} ${unit.padEnd(8)} ${note}`);
};

// ---- corpus + tokenizer
const shared = data.sharedDataDir();
let corpusFiles = [];
let tokenizerPath;
if (shared) {
  const dir = join(shared, 'british_novels');
  let bytes = 0;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    if (bytes >= targetMB * 1e6) break;
    corpusFiles.push(join(dir, f));
    bytes += fs.statSync(join(dir, f)).size;
  }
  tokenizerPath = join(shared, 'gpt_neox_20b_tokenizer', 'tokenizer.json');
} else {
  const m = data.generateSyntheticCorpus({ outDir: join(work, 'synth'), seed: 1, documents: Math.round(targetMB * 1e6 / 500) });
  corpusFiles = [m.corpusFile];
  tokenizerPath = join(work, 'tok.json');
  await data.trainTokenizer({ corpus: { paths: corpusFiles }, vocabSize: 8192, outPath: tokenizerPath });
}
const docs = [];
for await (const d of data.readCorpus({ paths: corpusFiles })) docs.push(d.text);
const mb = docs.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
console.log(`corpus: ${corpusFiles.length} files, ${docs.length} documents, ${mb.toFixed(2)} MB; tokenizer ${tokenizerPath}; ${os.availableParallelism()} cores\n`);

// ---- 1. tokenization throughput
const hf = Tokenizer.fromFile(tokenizerPath);
let t0 = now();
let libTokens = 0;
for (const text of docs) libTokens += (await hf.encode(text, null, { addSpecialTokens: false })).getIds().length;
const libSeq = mb / ((now() - t0) / 1000);
t0 = now();
const batchEnc = await hf.encodeBatch(docs, { addSpecialTokens: false });
const libBatch = mb / ((now() - t0) / 1000);
t0 = now();
const ds = await data.buildTokenDataset({ corpus: { paths: corpusFiles }, tokenizerPath, prefix: join(work, 'novels') });
const buildSec = (now() - t0) / 1000;
{
  // Same ids as the library, document by document (EOD appended by Cohort).
  const check = data.IndexedDataset.open(ds.prefix);
  batchEnc.forEach((e, i) => {
    const ours = Array.from(check.get(i));
    const theirs = [...e.getIds(), 0];
    if (ours.length !== theirs.length || ours.some((v, k) => v !== theirs[k])) throw new Error(`document ${i}: Cohort's ids differ from tokenizers'`);
  });
  check.close();
  if (ds.numTokens !== libTokens + ds.numDocuments) throw new Error('token counts disagree');
}
report('tokenizers encode() loop, 1 doc at a time', libSeq.toFixed(2), 'MB/s');
report('tokenizers encodeBatch() (its own threads)', libBatch.toFixed(2), 'MB/s');
report('Cohort buildTokenDataset (read+encode+write)', (mb / buildSec).toFixed(2), 'MB/s', `${(mb / buildSec / Math.max(libSeq, libBatch)).toFixed(2)}x the faster library path`);
report('dataset build time', buildSec.toFixed(2), 's', `${ds.numTokens} tokens, ${ds.numDocuments} docs`);

// ---- tokenizer training (our byte-level BPE trainer)
t0 = now();
const trained = await data.trainTokenizer({ corpus: { paths: corpusFiles }, vocabSize: 16384, outPath: join(work, 'trained.json') });
const trainSec = (now() - t0) / 1000;
report('BPE tokenizer training, vocab 16384', trainSec.toFixed(2), 's', `${(mb / trainSec).toFixed(1)} MB/s, ${trained.vocabSize} tokens`);

// ---- 3. MinHash dedup
const synth = data.generateSyntheticCorpus({ outDir: join(work, 'dd'), seed: 2, documents: 4000, sentencesPerDocument: 10, repeated: { perCount: 50, counts: [1] } });
const tok = data.CohortTokenizer.load(tokenizerPath);
await data.buildTokenDataset({ corpus: { paths: [synth.corpusFile] }, tokenizerPath, prefix: join(work, 'dd') });
t0 = now();
const rep = data.dedupDataset({ dataset: join(work, 'dd'), tokenizer: tok, outPrefix: join(work, 'dd-dedup') });
const ddSec = (now() - t0) / 1000;
report('MinHash-LSH dedup (128 perm, 16 bands, 5-grams)', Math.round(rep.documents / ddSec), 'docs/s', `${rep.documents} docs of ~${Math.round(synth.documents && rep.documents ? data.IndexedDataset.open(join(work, 'dd')).numTokens / rep.documents : 0)} tokens`);

// ---- 4. batch(step) latency
const seq = 2048;
const batch = 1024;
const steps = Math.max(4, Math.floor(ds.numTokens / (seq * batch)));
const lat = (order, label) => {
  const buf = order.batch(0).tokens;
  for (let s = 0; s < Math.min(order.steps, 3); s++) order.batch(s, buf); // warm the page cache
  const times = [];
  for (let k = 0; k < 30; k++) {
    const s = (k * 7919) % order.steps;
    const a = now();
    order.batch(s, buf);
    times.push(now() - a);
  }
  times.sort((a, b) => a - b);
  report(`batch(step) ${label}`, times[Math.floor(times.length / 2)].toFixed(3), 'ms', `p90 ${times[Math.floor(times.length * 0.9)].toFixed(3)} ms, seq ${seq} x batch ${batch} ${order.dataset.dtype}`);
};
// Orders for 2000 steps (2M samples, many epochs of this small corpus) to time index building.
const orderSteps = 2000;
for (const mode of ['neox', 'cohort']) {
  t0 = now();
  const m = data.buildDataOrder({ dataset: ds.prefix, outDir: join(work, mode), seqLength: seq, globalBatch: batch, seed: 1234, numSamples: orderSteps * batch, mode, datasetHash: ds.hash });
  const sec = (now() - t0) / 1000;
  report(`${mode} order build, ${orderSteps} steps x ${batch}`, sec.toFixed(2), 's', `${Math.round(m.indexSamples / sec / 1000)}k samples/s, ${m.numEpochs} epochs`);
}
// Pile-like documents (500-3000 tokens) mean 2-4 reads per sample; a preshuffled file one per row.
const src = data.IndexedDataset.open(ds.prefix);
const all = new Uint16Array(src.numTokens);
let at = 0;
for (let i = 0; i < src.numItems; i++) { all.set(src.get(i), at); at += src.sizes[i]; }
src.close();
const short = new data.IndexedDatasetWriter(join(work, 'short'), 'uint16');
for (let p = 0, k = 0; p < all.length; k++) { const len = 500 + ((k * 2654435761) >>> 0) % 2500; short.addDocument(all.subarray(p, p + len)); p += len; }
short.finish();
data.buildDataOrder({ dataset: join(work, 'short'), outDir: join(work, 'short-o'), seqLength: seq, globalBatch: batch, seed: 1234, numSamples: steps * batch, mode: 'neox' });
const pre = new data.IndexedDatasetWriter(join(work, 'pre'), 'uint16');
const preRows = 4 * batch;
for (let r = 0; r < preRows; r++) { const p = (r * (seq + 1)) % (all.length - seq - 1); pre.addDocument(all.subarray(p, p + seq + 1)); }
pre.finish();
data.buildDataOrder({ dataset: join(work, 'pre'), outDir: join(work, 'pre-o'), seqLength: seq, globalBatch: batch, seed: 0, numSamples: preRows, mode: 'preshuffled' });
const orders = [
  ['neox', `neox, novels (${(ds.numTokens / ds.numDocuments / 1000).toFixed(0)}k-token docs)`],
  ['cohort', 'cohort, novels'],
  ['short-o', 'neox, 500-3000-token docs'],
  ['pre-o', 'preshuffled (row k = sample k)'],
];
for (const resident of [true, false]) {
  for (const [dir, label] of orders) {
    const order = data.openDataOrder(join(work, dir), { resident });
    lat(order, `${label}, ${resident ? 'resident .bin' : 'memory-mapped .bin'}`);
    order.close();
  }
}
