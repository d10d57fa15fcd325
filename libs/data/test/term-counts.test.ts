import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { IndexedDatasetWriter } from '../src/indexed/dataset';
import { buildDataOrder } from '../src/order/build-order';
import { openDataOrder } from '../src/order/data-order';
import { readNpy } from '../src/order/npy';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { generateSyntheticCorpus } from '../src/synthetic/generate';
import { buildTermCounts, termCountAt, textTerms } from '../src/term-counts';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { tempDir } from './helpers';

function dataset(dir: string): string {
  const w = new IndexedDatasetWriter(path.join(dir, 'd'), 'uint16');
  let s = 5;
  for (let d = 0; d < 40; d++) {
    const len = 3 + (d * 7) % 23;
    const doc = Array.from({ length: len }, () => (s = (s * 48271) % 2147483647) % 6 + 2);
    doc[len - 1] = 0; // EOD
    w.addDocument(doc);
  }
  w.finish();
  return path.join(dir, 'd');
}

test('term counts equal a naive recount at every checkpoint boundary', () => {
  const dir = tempDir('terms');
  buildDataOrder({ dataset: dataset(dir), outDir: path.join(dir, 'o'), seqLength: 16, globalBatch: 4, seed: 1, numSamples: 100, mode: 'neox' });
  const order = openDataOrder(path.join(dir, 'o'));
  const terms = [{ name: 'eod', ids: [0] }, { name: 'pair', ids: [3, 4] }, { name: 'triple', ids: [2, 2, 5] }];
  const index = buildTermCounts(order, terms, [0, 1, 8, 25, 4]);
  assert.deepEqual(index.steps, [0, 1, 4, 8, 25]);
  for (const term of terms) {
    const needle = `,${term.ids.join(',')},`;
    for (const step of index.steps) {
      let naive = 0;
      for (let i = 0; i < step * 4; i++) {
        const row = Array.from(order.sample(i));
        for (let p = 0; p < 16; p++) if (`,${row.slice(p, p + term.ids.length).join(',')},` === needle) naive++;
      }
      assert.equal(termCountAt(index, term.name, step), naive, `${term.name} @ ${step}`);
    }
  }
  assert.equal(termCountAt(index, 'eod', 0), 0);
  assert.throws(() => termCountAt(index, 'eod', 3), /step 3 is not an indexed boundary/);
  assert.throws(() => termCountAt(index, 'nope', 1), /not in this index/);
  assert.throws(() => buildTermCounts(order, terms, [26]), /must lie in 0..25/);
  order.close();
});

test('over a whole epoch, every token of the stream is counted exactly once', () => {
  const dir = tempDir('terms-epoch');
  const prefix = dataset(dir);
  // Samples starting in epoch 0 of a cohort order tile stream positions [0, g0·seq) exactly.
  const probe = buildDataOrder({ dataset: prefix, outDir: path.join(dir, 'p'), seqLength: 16, globalBatch: 1, seed: 2, numSamples: 1, mode: 'cohort' });
  const sizes: number[] = Array.from({ length: 40 }, (_, d) => 3 + (d * 7) % 23);
  const tokens = sizes.reduce((a, b) => a + b, 0);
  const g0 = Math.ceil(tokens / 16);
  assert.equal(probe.numEpochs, 1);
  buildDataOrder({ dataset: prefix, outDir: path.join(dir, 'o'), seqLength: 16, globalBatch: 1, seed: 2, numSamples: g0, mode: 'cohort' });
  const order = openDataOrder(path.join(dir, 'o'));
  const docIdx = readNpy(path.join(dir, 'o', 'doc_idx.npy')).data;
  let end = 0;
  let eods = 0;
  for (let k = 0; end + sizes[docIdx[k]] <= g0 * 16; k++) {
    end += sizes[docIdx[k]];
    eods++;
  }
  const index = buildTermCounts(order, [{ name: 'eod', ids: [0] }], [g0]);
  assert.equal(termCountAt(index, 'eod', g0), eods);
  order.close();
});

test('textTerms: planted arithmetic operands counted over one epoch equal a scan of the token stream', async () => {
  const dir = tempDir('terms-text');
  const synth = generateSyntheticCorpus({ outDir: path.join(dir, 's'), seed: 5, documents: 40, sentencesPerDocument: 2, arithmetic: { facts: 300, maxOperand: 10 } });
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [synth.corpusFile] }, vocabSize: 300, outPath: tokenizerPath });
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const ds = await buildTokenDataset({ corpus: { paths: [synth.corpusFile] }, tokenizerPath, prefix: path.join(dir, 'd') });
  const seq = 32;
  const g0 = Math.ceil(ds.numTokens / seq); // the samples of epoch 0 tile stream positions [0, g0·seq)
  buildDataOrder({ dataset: ds.prefix, outDir: path.join(dir, 'o'), seqLength: seq, globalBatch: 1, seed: 0, numSamples: g0, mode: 'cohort' });
  const order = openDataOrder(path.join(dir, 'o'));
  const terms = await textTerms(tokenizer, [' + 3 =', ' + 7 =']);
  const index = buildTermCounts(order, terms, [g0]);
  const docIdx = readNpy(path.join(dir, 'o', 'doc_idx.npy')).data;
  const stream: number[] = [];
  for (let k = 0; stream.length < g0 * seq + seq; k++) stream.push(...order.dataset.get(docIdx[k]));
  const text = fs.readFileSync(synth.corpusFile, 'utf8');
  for (const term of terms) {
    const L = term.ids.length;
    let expected = 0;
    for (let q = 0; q < g0 * seq; q++) {
      if ((q % seq) + L <= seq + 1 && term.ids.every((id, k) => stream[q + k] === id)) expected++;
    }
    assert.equal(termCountAt(index, term.name, g0), expected, term.name);
    const planted = synth.arithmetic!.facts.filter((f) => ` + ${f.b} =` === term.name).length;
    assert.equal(text.split(term.name).length - 1, planted, 'the manifest matches the text');
    assert.ok(expected <= planted && expected >= planted * 0.8, `${expected} of ${planted} planted facts lie inside one sample`);
  }
  order.close();
});
