import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatBatch } from '../src/batch-view';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { buildDataOrder } from '../src/order/build-order';
import { openDataOrder } from '../src/order/data-order';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { transformSample, TransformedOrder } from '../src/transforms/apply';
import { PronounSwap } from '../src/transforms/pronoun-swap';
import { generateSyntheticCorpus } from '../src/synthetic/generate';
import { PYTHIA_TOKENIZER } from './fixtures';
import { tempDir } from './helpers';

function applyEdits(text: string, swap: PronounSwap): string {
  let out = '';
  let at = 0;
  for (const e of swap.edits(text)) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}

test('pronoun swap rules, including the documented rule for her/his', () => {
  const swap = new PronounSwap();
  const cases: [string, string][] = [
    ['He said she saw him.', 'She said he saw her.'],
    ['She lost her book; he found his own.', 'He lost his book; she found her own.'],
    ['I gave her the key and told her that it was hers.', 'I gave him the key and told him that it was his.'],
    ['The choice was his. HE and SHE. Himself, herself.', 'The choice was hers. SHE and HE. Herself, himself.'],
    ["he's there, theme, where, hero, shell, Sheila, he2, héhe", "she's there, theme, where, hero, shell, Sheila, he2, héhe"],
    ['We met her.', 'We met him.'],
  ];
  for (const [src, want] of cases) assert.equal(applyEdits(src, swap), want, src);
  const pythiaDirection = new PronounSwap('to-feminine');
  assert.equal(applyEdits('He gave his coat to her; she thanked him.', pythiaDirection), 'She gave her coat to her; she thanked her.');
  assert.notEqual(swap.id, pythiaDirection.id);
});

test('transformSample edits only the touched tokens and keeps the sample length', async (t) => {
  if (!PYTHIA_TOKENIZER) return t.skip('shared data (Pythia tokenizer) absent');
  const tok = CohortTokenizer.load(PYTHIA_TOKENIZER);
  const text = 'Über alles, he said that his café was hers. Fine.<|endoftext|>𝔘𝔫';
  const ids = await tok.encode(text);
  // '𝔘𝔫' is 8 byte tokens: cut the sample inside the second character; its bytes must survive untouched.
  const sample = ids.slice(0, ids.length - 2);
  const out = await transformSample(sample, new PronounSwap(), tok);
  assert.equal(out.ids.length, sample.length);
  assert.equal(out.edits, 3);
  const bytes = (xs: number[]) => Buffer.concat(xs.map((id) => tok.tokenBytes(id)));
  assert.equal(bytes(out.ids).toString('latin1'), bytes(sample).toString('latin1').replace(' he ', ' she ').replace(' his ', ' her ').replace(' hers.', ' his.'));
  assert.deepEqual(out.ids.slice(0, 4), sample.slice(0, 4), 'tokens before the first edit are unchanged');
  assert.deepEqual(out.ids.slice(-10), sample.slice(-10), 'tokens after the last edit are unchanged');
  const none = await transformSample(sample.slice(0, 3), new PronounSwap(), tok);
  assert.deepEqual(none, { ids: sample.slice(0, 3), edits: 0 });
});

test('transformed order: only the step range changes, every sample keeps its boundaries', async () => {
  const dir = tempDir('intervene');
  const synth = generateSyntheticCorpus({ outDir: path.join(dir, 's'), seed: 3, documents: 80, sentencesPerDocument: 4, pronouns: { sentences: 120, stereotypeRatio: 0.9 } });
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [synth.corpusFile] }, vocabSize: 400, outPath: tokenizerPath });
  await buildTokenDataset({ corpus: { paths: [synth.corpusFile] }, tokenizerPath, prefix: path.join(dir, 'ds') });
  buildDataOrder({ dataset: path.join(dir, 'ds'), outDir: path.join(dir, 'o'), seqLength: 64, globalBatch: 4, seed: 9, numSamples: 40, mode: 'cohort' });
  const order = openDataOrder(path.join(dir, 'o'));
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const branch = new TransformedOrder(order, tokenizer, { transform: new PronounSwap(), fromStep: 7 });
  assert.notEqual(branch.hash, order.manifest.hash);
  let totalEdits = 0;
  for (let step = 0; step < order.steps; step++) {
    const original = order.batch(step);
    const changed = await branch.batch(step);
    assert.equal(changed.tokens.length, original.tokens.length);
    if (step < 7) assert.deepEqual(changed.tokens, original.tokens);
    totalEdits += changed.edits;
    for (let r = 0; r < original.rows; r++) {
      const row = (b: typeof original) => Array.from(b.tokens.subarray(r * b.width, (r + 1) * b.width));
      const before = await tokenizer.decode(row(original));
      const after = await tokenizer.decode(row(changed));
      if (step >= 7 && / (he|she|him|her|his)\b/i.test(before.slice(0, 120))) assert.notEqual(after, before);
      if (!/\b(he|she|him|her|his|hers|himself|herself)\b/i.test(before)) assert.equal(after, before);
    }
  }
  assert.ok(totalEdits > 0);
  // The batch viewer shows the transformed batch of a branch, under the branch's hash.
  const view = await formatBatch({ order: branch, tokenizer, step: 8 });
  assert.equal(view.orderHash, branch.hash);
  const transformed = await branch.batch(8);
  assert.deepEqual(view.rows[0].ids, Array.from(transformed.tokens.subarray(0, transformed.width)));
  assert.throws(() => new TransformedOrder(order, tokenizer, { transform: new PronounSwap(), fromStep: 12 }), /must lie within the order's 0..10/);
  order.close();
});

test('a transformed sample is padded with <|padding|> or truncated back to its length', async () => {
  const dir = tempDir('pad');
  const tokenizerPath = path.join(dir, 'tok.json');
  const synth = generateSyntheticCorpus({ outDir: path.join(dir, 's'), seed: 1, documents: 20 });
  await trainTokenizer({ corpus: { paths: [synth.corpusFile] }, vocabSize: 300, outPath: tokenizerPath });
  const tok = CohortTokenizer.load(tokenizerPath);
  const ids = await tok.encode('The old river crossed the garden.');
  const drop = { id: 'drop-test', edits: (b: string) => [{ start: b.indexOf(' old'), end: b.indexOf(' old') + 4, replacement: '' }] };
  const shorter = await transformSample(ids, drop, tok);
  assert.equal(shorter.ids.length, ids.length);
  assert.equal(await tok.decode(shorter.ids, true), 'The river crossed the garden.');
  assert.equal(shorter.ids[shorter.ids.length - 1], 1);
  const grow = { id: 'grow-test', edits: () => [{ start: 0, end: 3, replacement: 'Once upon a time, the' }] };
  const longer = await transformSample(ids, grow, tok);
  assert.equal(longer.ids.length, ids.length);
  assert.ok((await tok.decode(longer.ids)).startsWith('Once upon a time, the'));
});
