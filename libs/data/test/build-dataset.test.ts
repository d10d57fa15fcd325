import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { readCorpus } from '../src/corpus/read-corpus';
import { hashDataset, IndexedDataset } from '../src/indexed/dataset';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { writeSmallCorpus } from './fixtures';
import { tempDir } from './helpers';

async function setup() {
  const dir = tempDir('build');
  const corpus = writeSmallCorpus(dir);
  const tokenizerPath = path.join(dir, 'tokenizer.json');
  await trainTokenizer({ corpus: { paths: [corpus] }, vocabSize: 320, outPath: tokenizerPath });
  return { dir, corpus, tokenizerPath };
}

test('corpus → dataset: one item per document, exact ids, EOD appended, in corpus order', async () => {
  const { dir, corpus, tokenizerPath } = await setup();
  const prefix = path.join(dir, 'ds');
  // Tiny batches so many batches are in flight across both workers at once.
  const art = await buildTokenDataset({ corpus: { paths: [corpus] }, tokenizerPath, prefix, workers: 2, batchChars: 200 });
  const tok = CohortTokenizer.load(tokenizerPath);
  const docs: string[] = [];
  for await (const d of readCorpus({ paths: [corpus] })) docs.push(d.text);
  assert.equal(art.numDocuments, 61);
  assert.equal(art.dtype, 'uint16');
  const ds = IndexedDataset.open(prefix);
  assert.equal(ds.numItems, 61);
  for (let i = 0; i < docs.length; i++) {
    assert.deepEqual(Array.from(ds.get(i)), [...(await tok.encodeWithLibrary(docs[i])), 0], `document ${i}`);
  }
  assert.equal(ds.numTokens, art.numTokens);
  ds.close();
  assert.equal(art.hash, hashDataset(prefix));
  const manifest = JSON.parse(fs.readFileSync(`${prefix}.json`, 'utf8'));
  assert.equal(manifest.hash, art.hash);
  assert.equal(manifest.tokenizerHash, tok.hash);

  // Same inputs, one worker, big batches: byte-identical dataset.
  const again = await buildTokenDataset({ corpus: { paths: [corpus] }, tokenizerPath, prefix: path.join(dir, 'ds2'), workers: 1 });
  assert.equal(again.hash, art.hash);
});

test('gzip, jsonl text field, invalid UTF-8 and empty documents', async () => {
  const { dir, tokenizerPath } = await setup();
  const src = path.join(dir, 'mixed');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'a.jsonl.gz'), gzipSync('{"body":"first doc"}\n\n{"body":""}\n{"body":"third"}\n'));
  fs.writeFileSync(path.join(src, 'b.txt'), Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x21]));
  fs.writeFileSync(path.join(src, 'ignored.csv'), 'not a corpus file');
  const art = await buildTokenDataset({ corpus: { paths: [src], textField: 'body' }, tokenizerPath, prefix: path.join(dir, 'm') });
  assert.equal(art.numDocuments, 3);
  assert.equal(art.skippedEmptyDocuments, 1);
  assert.equal(art.invalidUtf8Documents, 1);
  const tok = CohortTokenizer.load(tokenizerPath);
  const ds = IndexedDataset.open(path.join(dir, 'm'));
  assert.equal(await tok.decode(ds.get(2)), 'hi\uFFFD\uFFFD!<|endoftext|>');
  ds.close();
});

test('bad corpora give clear errors and leave no dataset behind', async () => {
  const { dir, tokenizerPath } = await setup();
  const build = (paths: string[], textField?: string) =>
    buildTokenDataset({ corpus: { paths, textField }, tokenizerPath, prefix: path.join(dir, 'bad') });
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  await assert.rejects(build([empty]), /has no non-empty documents/);
  await assert.rejects(build([path.join(dir, 'nope')]), /corpus path .* does not exist/);
  const badJson = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(badJson, '{"text":"ok"}\n{"text": 5}\n');
  await assert.rejects(build([badJson]), /bad.jsonl:2: field "text" is missing or not a string/);
  fs.writeFileSync(badJson, '{"text":"ok"}\n{oops\n');
  await assert.rejects(build([badJson]), /bad.jsonl:2: invalid JSON/);
  const gz = path.join(dir, 'broken.txt.gz');
  fs.writeFileSync(gz, Buffer.from('definitely not gzip'));
  await assert.rejects(build([gz]), /broken.txt.gz: incorrect header check/);
  const csv = path.join(dir, 'x.csv');
  fs.writeFileSync(csv, 'a');
  await assert.rejects(build([csv]), /not .txt, .jsonl/);
  assert.ok(!fs.readdirSync(dir).some((f) => f.startsWith('bad.') && !f.endsWith('.jsonl')), 'no partial bad.* files');
});
