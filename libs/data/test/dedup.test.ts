import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { dedupDataset } from '../src/dedup/dedup';
import { estimatedJaccard, MinHasher, shingles, wordHashes } from '../src/dedup/minhash';
import { IndexedDataset } from '../src/indexed/dataset';
import { RandomState } from '../src/order/random-state';
import { GrammarBackground } from '../src/synthetic/background';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { tempDir } from './helpers';

test('MinHash estimates Jaccard similarity', () => {
  const hasher = new MinHasher({ numPerm: 256, bands: 32, seed: 1 });
  const a = new Set(Array.from({ length: 1000 }, (_, i) => i * 7919));
  const b = new Set(Array.from({ length: 1000 }, (_, i) => (i + 250) * 7919)); // |A∩B| = 750, |A∪B| = 1250
  const j = estimatedJaccard(hasher.signature(a), hasher.signature(b));
  assert.ok(Math.abs(j - 0.6) < 0.08, `estimate ${j} vs 0.6`);
  assert.equal(estimatedJaccard(hasher.signature(a), hasher.signature(new Set(a))), 1);
  assert.deepEqual(wordHashes(Buffer.from('Hello, WORLD hello')), wordHashes(Buffer.from('hello world   hello!')));
  assert.equal(shingles(wordHashes(Buffer.from('a b c d e f')), 5).size, 2);
  assert.throws(() => new MinHasher({ numPerm: 100, bands: 7, seed: 0 }), /must be a positive divisor/);
});

test('dedup removes exact and near duplicates into a new variant with a report', async () => {
  const dir = tempDir('dedup');
  const rng = new RandomState(7);
  const g = new GrammarBackground();
  const doc = () => Array.from({ length: 25 }, () => g.sentence(rng)).join(' ');
  const A = doc();
  const B = doc();
  const C = doc();
  const nearA = A.replace(/\bthe\b/, 'one'); // one word changed
  const words = B.split(' ');
  const farB = words.map((w, i) => (i % 3 === 0 ? 'zzz' : w)).join(' '); // a third of the words changed
  const texts = [A, B, A, nearA, farB, C];
  fs.writeFileSync(path.join(dir, 'c.jsonl'), texts.map((text) => JSON.stringify({ text })).join('\n'));
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [path.join(dir, 'c.jsonl')] }, vocabSize: 400, outPath: tokenizerPath });
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const src = await buildTokenDataset({ corpus: { paths: [path.join(dir, 'c.jsonl')] }, tokenizerPath, prefix: path.join(dir, 'src') });

  const report = dedupDataset({ dataset: src.prefix, tokenizer, outPrefix: path.join(dir, 'dedup') });
  assert.equal(report.documents, 6);
  assert.equal(report.kept, 4);
  assert.equal(report.removedExact, 1);
  assert.equal(report.removedNear, 1);
  assert.deepEqual(report.clusters.map((c) => [c.kept, c.removed.map((r) => [r.document, r.kind])]), [[0, [[2, 'exact'], [3, 'near']]]]);
  assert.ok(report.clusters[0].removed[1].similarity >= 0.87);
  const source = IndexedDataset.open(src.prefix);
  const variant = IndexedDataset.open(path.join(dir, 'dedup'));
  assert.deepEqual([0, 1, 2, 3].map((i) => Array.from(variant.get(i))), [0, 1, 4, 5].map((i) => Array.from(source.get(i))));
  assert.equal(report.removedTokens, source.sizes[2] + source.sizes[3]);
  source.close();
  variant.close();
  const lineage = JSON.parse(fs.readFileSync(path.join(dir, 'dedup.json'), 'utf8'));
  assert.equal(lineage.derivedFrom.hash, src.hash);
  assert.equal(lineage.hash, report.variant.hash);

  const again = dedupDataset({ dataset: src.prefix, tokenizer, outPrefix: path.join(dir, 'dedup2') });
  assert.equal(again.variant.hash, report.variant.hash, 'deterministic');
  const exactOnly = dedupDataset({ dataset: src.prefix, tokenizer, outPrefix: path.join(dir, 'exact'), exactOnly: true });
  assert.equal(exactOnly.kept, 5);
  assert.throws(() => dedupDataset({ dataset: src.prefix, tokenizer, outPrefix: path.join(dir, 'x'), threshold: 0 }), /threshold must be in/);
});
