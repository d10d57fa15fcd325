import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatBatch, renderBatchView } from '../src/batch-view';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { IndexedDatasetWriter } from '../src/indexed/dataset';
import { buildDataOrder } from '../src/order/build-order';
import { openDataOrder } from '../src/order/data-order';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { writeSmallCorpus } from './fixtures';
import { PACKAGE_ROOT, tempDir } from './helpers';

test('formatBatch shows the exact ids and text of a step or one micro-batch', async () => {
  const dir = tempDir('view');
  const corpus = writeSmallCorpus(dir);
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [corpus] }, vocabSize: 320, outPath: tokenizerPath });
  await buildTokenDataset({ corpus: { paths: [corpus] }, tokenizerPath, prefix: path.join(dir, 'ds') });
  buildDataOrder({ dataset: path.join(dir, 'ds'), outDir: path.join(dir, 'o'), seqLength: 32, globalBatch: 4, seed: 1234, numSamples: 40, mode: 'neox' });
  const order = openDataOrder(path.join(dir, 'o'));
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const full = await formatBatch({ order, tokenizer, step: 2 });
  assert.deepEqual(full.rows.map((r) => r.sample), [8, 9, 10, 11]);
  for (const row of full.rows) {
    assert.deepEqual(row.ids, Array.from(order.sample(row.sample)));
    assert.equal(row.text, await tokenizer.decode(row.ids));
    assert.equal(row.ids.length, 33);
  }
  const micro = await formatBatch({ order, tokenizer, step: 2, micro: 1, microBatchSize: 2 });
  assert.deepEqual(micro.rows, full.rows.slice(2, 4));
  await assert.rejects(formatBatch({ order, tokenizer, step: 2, micro: 2, microBatchSize: 2 }), /micro-batch 2 out of range 0..1/);
  await assert.rejects(formatBatch({ order, tokenizer, step: 2, micro: 0, microBatchSize: 3 }), /must divide the global batch 4/);
  await assert.rejects(formatBatch({ order, tokenizer, step: 10 }), /step 10 is beyond this order's end/);
  assert.match(renderBatchView(micro), /^step 2 micro 1 order [0-9a-f]{16}\n--- sample 10\nids: /);
  order.close();

  const cli = execFileSync(process.execPath, [path.join(PACKAGE_ROOT, 'dist/src/cli/cohort-data.js'), 'batch', '--order', path.join(dir, 'o'),
    '--tokenizer', tokenizerPath, '--step', '2', '--micro', '1', '--micro-size', '2', '--json'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(cli).rows, micro.rows);
});

test('token ids beyond the tokenizer vocabulary are reported, not decoded', async () => {
  const dir = tempDir('vocab');
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [writeSmallCorpus(dir)] }, vocabSize: 300, outPath: tokenizerPath });
  const w = new IndexedDatasetWriter(path.join(dir, 'd'), 'uint16');
  w.addDocument([5, 6, 7, 9000, 8, 0]);
  w.finish();
  buildDataOrder({ dataset: path.join(dir, 'd'), outDir: path.join(dir, 'o'), seqLength: 4, globalBatch: 1, seed: 0, numSamples: 1, mode: 'cohort' });
  const order = openDataOrder(path.join(dir, 'o'));
  await assert.rejects(formatBatch({ order, tokenizer: CohortTokenizer.load(tokenizerPath), step: 0 }), /token id 9000 at position \d+ is outside the vocabulary/);
  order.close();
});
