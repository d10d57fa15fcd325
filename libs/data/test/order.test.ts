import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { IndexedDatasetWriter } from '../src/indexed/dataset';
import { buildDataOrder, neoxIndexSamples, type OrderMode } from '../src/order/build-order';
import { openDataOrder } from '../src/order/data-order';
import { readNpy } from '../src/order/npy';
import { RandomState } from '../src/order/random-state';
import { PACKAGE_ROOT, tempDir } from './helpers';

const GOLDEN = path.join(PACKAGE_ROOT, 'test', 'golden', 'order');
const PYTHON = path.resolve(PACKAGE_ROOT, '..', '..', '.venv', 'bin', 'python');
const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'cohort-data.js');

/** Copies the numpy-written tiny dataset so orders built on it can be written next to it. */
function tinyDataset(dir: string): string {
  for (const ext of ['bin', 'idx']) fs.copyFileSync(path.join(GOLDEN, `tiny.${ext}`), path.join(dir, `tiny.${ext}`));
  return path.join(dir, 'tiny');
}

function assertSameOrder(ours: string, reference: string, samples: number, order: ReturnType<typeof openDataOrder>) {
  for (const f of ['doc_idx.npy', 'sample_idx.npy', 'shuffle_idx.npy']) {
    const a = readNpy(path.join(ours, f));
    const b = readNpy(path.join(reference, f));
    assert.deepEqual(a.shape, b.shape, `${f} shape`);
    assert.deepEqual(Array.from(a.data), Array.from(b.data), `${f} contents`);
  }
  const expected = readNpy(path.join(reference, 'samples.npy'));
  const width = expected.shape[1];
  for (let i = 0; i < samples; i++) {
    assert.deepEqual(Array.from(order.sample(i)), Array.from(expected.data.subarray(i * width, (i + 1) * width)), `sample ${i}`);
  }
}

test('RandomState matches numpy for int and array seeds (values from numpy 2.x)', () => {
  const r = new RandomState(1234);
  assert.deepEqual([r.nextUint32(), r.nextUint32()], [822569775, 2137449171]);
  const a = Array.from({ length: 10 }, (_, i) => i);
  new RandomState(1234).shuffle(a);
  assert.deepEqual(a, [7, 2, 9, 1, 0, 8, 4, 5, 6, 3]);
  const b = Array.from({ length: 10 }, (_, i) => i);
  new RandomState([1234, 0, 1]).shuffle(b);
  assert.deepEqual(b, [4, 7, 9, 0, 5, 6, 2, 8, 3, 1]);
  const f = new RandomState(5);
  assert.deepEqual([f.random(), f.random()], [0.22199317108973948, 0.8707323061773764]);
  assert.throws(() => new RandomState(2 ** 32), /seed must be an integer/);
});

const GOLDEN_CASES: { name: string; mode: OrderMode; seq: number; seed: number; n: number }[] = [
  { name: 'neox-s16-1234-n40', mode: 'neox', seq: 16, seed: 1234, n: 40 },
  { name: 'neox-s7-7-n100', mode: 'neox', seq: 7, seed: 7, n: 100 },
  { name: 'neox-s64-3-n30', mode: 'neox', seq: 64, seed: 3, n: 30 },
  { name: 'cohort-s16-1234-n40', mode: 'cohort', seq: 16, seed: 1234, n: 40 },
  { name: 'cohort-s16-1234-n80', mode: 'cohort', seq: 16, seed: 1234, n: 80 },
];

for (const c of GOLDEN_CASES) {
  test(`${c.mode} order equals numpy's (golden ${c.name})`, () => {
    const dir = tempDir('golden');
    const out = path.join(dir, 'order');
    buildDataOrder({ dataset: tinyDataset(dir), outDir: out, seqLength: c.seq, globalBatch: 4, seed: c.seed, numSamples: c.n, mode: c.mode });
    const order = openDataOrder(out, { verify: true });
    assertSameOrder(out, path.join(GOLDEN, c.name), c.n, order);
    order.close();
  });
}

test('neox order equals numpy live, on a dataset from our writer', (t) => {
  if (!fs.existsSync(PYTHON)) return t.skip(`numpy reference needs ${PYTHON}; golden files cover CI`);
  const dir = tempDir('live');
  const w = new IndexedDatasetWriter(path.join(dir, 'd'), 'uint16');
  let s = 11;
  for (let d = 0; d < 57; d++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    w.addDocument(Array.from({ length: 1 + (s % 90) }, (_, i) => (d * 7 + i) % 5000));
  }
  w.finish();
  for (const mode of ['neox', 'cohort'] as const) {
    const out = path.join(dir, `ours-${mode}`);
    buildDataOrder({ dataset: path.join(dir, 'd'), outDir: out, seqLength: 33, globalBatch: 8, seed: 2024, numSamples: 300, mode });
    execFileSync(PYTHON, [path.join(PACKAGE_ROOT, 'scripts', 'neox_order.py'), path.join(dir, 'd'), path.join(dir, `np-${mode}`),
      '--mode', mode, '--seq', '33', '--seed', '2024', '--num-samples', '300', '--samples', '300']);
    const order = openDataOrder(out);
    assertSameOrder(out, path.join(dir, `np-${mode}`), 300, order);
    order.close();
  }
});

test('cohort order is prefix-stable and epoch-structured', () => {
  const short = readNpy(path.join(GOLDEN, 'cohort-s16-1234-n40', 'shuffle_idx.npy')).data;
  const long = readNpy(path.join(GOLDEN, 'cohort-s16-1234-n80', 'shuffle_idx.npy')).data;
  assert.ok(long.length > short.length);
  assert.deepEqual(Array.from(long.subarray(0, short.length)), Array.from(short));
  // Epoch e's documents are a permutation of all documents.
  const docIdx = readNpy(path.join(GOLDEN, 'cohort-s16-1234-n80', 'doc_idx.npy')).data;
  const numDocs = 23;
  for (let e = 0; e * numDocs < docIdx.length; e++) {
    assert.deepEqual(Array.from(docIdx.subarray(e * numDocs, (e + 1) * numDocs)).sort((a, b) => a - b), Array.from({ length: numDocs }, (_, i) => i));
  }
});

test('batch(step) = consecutive samples; step beyond the end is a clear error', () => {
  const dir = tempDir('batch');
  const out = path.join(dir, 'order');
  const m = buildDataOrder({ dataset: tinyDataset(dir), outDir: out, seqLength: 16, globalBatch: 4, seed: 1, numSamples: 42, mode: 'neox' });
  assert.equal(m.steps, 10);
  assert.equal(m.indexSamples, Math.ceil(42 * 1.005));
  assert.equal(neoxIndexSamples(143000 * 1024), 147164160, "Pythia's train samples (pythia.md §3.3)");
  const order = openDataOrder(out);
  const b = order.batch(3);
  assert.equal(b.tokens.length, 4 * 17);
  for (let r = 0; r < 4; r++) assert.deepEqual(Array.from(b.tokens.subarray(r * 17, (r + 1) * 17)), Array.from(order.sample(12 + r)));
  assert.throws(() => order.batch(10), /step 10 is beyond this order's end: it has 10 steps/);
  assert.throws(() => order.batch(-1), /beyond this order's end/);
  assert.throws(() => order.sample(42), /sample 42 is outside this order/);
  order.close();
  assert.throws(() => buildDataOrder({ dataset: path.join(dir, 'tiny'), outDir: out, seqLength: 0, globalBatch: 4, seed: 1, numSamples: 4, mode: 'neox' }), /seqLength must be a positive integer/);
  assert.throws(() => buildDataOrder({ dataset: path.join(dir, 'tiny'), outDir: out, seqLength: 4, globalBatch: 4, seed: 1, numSamples: 4, mode: 'x' as OrderMode }), /unknown mode 'x'/);
});

test('preshuffled: row k is sample k; items of the wrong length are refused', () => {
  const dir = tempDir('pre');
  const w = new IndexedDatasetWriter(path.join(dir, 'p'), 'uint16');
  for (let k = 0; k < 12; k++) w.addDocument(Array.from({ length: 9 }, (_, i) => k * 10 + i));
  w.finish();
  buildDataOrder({ dataset: path.join(dir, 'p'), outDir: path.join(dir, 'o'), seqLength: 8, globalBatch: 3, seed: 0, numSamples: 12, mode: 'preshuffled' });
  const order = openDataOrder(path.join(dir, 'o'));
  assert.deepEqual(Array.from(order.batch(2).tokens.subarray(0, 9)), [60, 61, 62, 63, 64, 65, 66, 67, 68]);
  assert.equal(order.steps, 4);
  order.close();
  assert.throws(() => buildDataOrder({ dataset: path.join(dir, 'p'), outDir: path.join(dir, 'o2'), seqLength: 7, globalBatch: 3, seed: 0, numSamples: 12, mode: 'preshuffled' }),
    /item 0 has 9 tokens; every item must be one sample of seq\+1 = 8/);
});

test('order hash is stable across processes and identifies the inputs', () => {
  const dir = tempDir('hash');
  const prefix = tinyDataset(dir);
  const args = (out: string, seed: number) => ['build-order', '--dataset', prefix, '--out', path.join(dir, out), '--seq', '16', '--batch', '4', '--seed', String(seed), '--samples', '40', '--mode', 'cohort'];
  const run = (out: string, seed: number) => JSON.parse(execFileSync(process.execPath, [CLI, ...args(out, seed)], { encoding: 'utf8' })).hash;
  const inProcess = buildDataOrder({ dataset: prefix, outDir: path.join(dir, 'c'), seqLength: 16, globalBatch: 4, seed: 5, numSamples: 40, mode: 'cohort' }).hash;
  assert.equal(run('a', 5), inProcess);
  assert.equal(run('b', 5), inProcess);
  assert.notEqual(run('d', 6), inProcess);
  // A tampered manifest is detected on open.
  const mPath = path.join(dir, 'c', 'order.json');
  const m = JSON.parse(fs.readFileSync(mPath, 'utf8'));
  fs.writeFileSync(mPath, JSON.stringify({ ...m, seed: 99 }));
  assert.throws(() => openDataOrder(path.join(dir, 'c')), /manifest hash mismatch/);
});
