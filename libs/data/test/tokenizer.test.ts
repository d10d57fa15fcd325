import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BYTE_LEVEL_ALPHABET, BYTE_TO_SYMBOL } from '../src/tokenizer/byte-level';
import { byteLevelPreTokenizer } from 'tokenizers';
import { trainBpe, WordCounter } from '../src/tokenizer/bpe-trainer';
import { sharedDataDir } from '../src/shared-data';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { PYTHIA_TOKENIZER, writeSmallCorpus } from './fixtures';
import { tempDir } from './helpers';

/** Reference BPE encoder (independent of `tokenizers`): repeatedly merge the lowest-rank pair. */
function referenceEncodeWord(word: string, ranks: Map<string, number>, vocab: Record<string, number>): number[] {
  let parts = Array.from(word);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
    }
    if (best < 0) return parts.map((p) => vocab[p]);
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
}

/** Deterministic random UTF-8 text across ASCII, Latin, CJK, astral emoji, combining marks, controls. */
function randomText(seed: number, length: number): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const ranges = [[0x20, 0x7e], [0x0, 0x1f], [0xa0, 0x24f], [0x300, 0x36f], [0x4e00, 0x4fff], [0x1f600, 0x1f64f], [0xe000, 0xe0ff]];
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(next() * ranges.length)];
    out += next() < 0.15 ? ' ' : String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
  }
  return out;
}

test('byte-level alphabet is GPT-2 bytes_to_unicode', () => {
  assert.equal(new Set(BYTE_LEVEL_ALPHABET).size, 256);
  assert.equal(BYTE_TO_SYMBOL[0x20], 'Ġ');
  assert.equal(BYTE_TO_SYMBOL[0x0a], 'Ċ');
  assert.equal(BYTE_TO_SYMBOL[0x41], 'A');
  assert.equal(BYTE_LEVEL_ALPHABET[0], '!');
});

test('trained tokenizer: fixed specials, full byte alphabet, encodes like the merges say', async () => {
  const dir = tempDir('tok');
  const corpus = writeSmallCorpus(dir);
  const out = path.join(dir, 'tokenizer.json');
  const art = await trainTokenizer({ corpus: { paths: [corpus] }, vocabSize: 350, outPath: out });
  const json = JSON.parse(fs.readFileSync(out, 'utf8'));
  const vocab: Record<string, number> = json.model.vocab;
  assert.equal(vocab['<|endoftext|>'], 0);
  assert.equal(vocab['<|padding|>'], 1);
  for (const sym of BYTE_LEVEL_ALPHABET) assert.ok(sym in vocab, `byte symbol ${sym} in vocab`);
  assert.equal(art.vocabSize, 350);
  assert.deepEqual(Object.values(vocab).sort((a, b) => a - b), Array.from({ length: 350 }, (_, i) => i));
  assert.equal(json.model.merges.length, 350 - 258);

  const tok = CohortTokenizer.load(out);
  assert.equal(tok.hash, art.hash);
  assert.equal(tok.vocabSize, 350);
  assert.equal(tok.eodId, 0);
  assert.equal(tok.padId, 1);
  const ranks = new Map<string, number>(json.model.merges.map((m: string, i: number) => [m, i]));
  const text = 'The doctor visited the harbour. Émilie painted naïve critics at the café, 1889! unseenword ☃';
  const words = byteLevelPreTokenizer(false, true).preTokenizeString(text).map(([w]) => w);
  const expected = words.flatMap((w) => referenceEncodeWord(w, ranks, vocab));
  assert.deepEqual(await tok.encodeWithLibrary(text), expected);
  const asciiText = 'The doctor visited the harbour, 1889!  Twice.';
  const asciiWords = byteLevelPreTokenizer(false, true).preTokenizeString(asciiText).map(([w]) => w);
  assert.deepEqual(await tok.encode(asciiText), asciiWords.flatMap((w) => referenceEncodeWord(w, ranks, vocab)), 'ASCII fast path');
  assert.ok(expected.length < Buffer.byteLength(text) / 2, 'merges compress the training language');
  assert.deepEqual(await tok.encode('<|endoftext|>'), [0]);
});

test("word counts equal the library pre-tokenizer's on mixed ASCII and non-ASCII text", () => {
  const shared = sharedDataDir();
  const novel = shared ? fs.readFileSync(path.join(shared, 'british_novels', 'Eliot_Mill.txt'), 'utf8').slice(0, 100000) : '';
  const texts = [novel, randomText(7, 3000), 'It was  cold.\n\nShe said "no".\r\nThen\n 2 men\n\tleft;\nÉmile\nwrote 日本\n'.repeat(300)];
  const counter = new WordCounter();
  const expected = new Map<string, number>();
  const pre = byteLevelPreTokenizer(false, true);
  for (const text of texts) {
    counter.add(text);
    for (const [w] of pre.preTokenizeString(text)) expected.set(w, (expected.get(w) ?? 0) + 1);
  }
  assert.deepEqual(new Map([...counter.counts()].sort()), new Map([...expected].sort()));
});

test('training is deterministic and ties break on the smaller pair', () => {
  const counts = new Map([['ab', 5], ['cd', 5], ['abcd', 1]]);
  const a = trainBpe(counts, { vocabSize: 261 });
  const b = trainBpe(new Map([...counts].reverse()), { vocabSize: 261 });
  assert.deepEqual(a.merges, b.merges);
  // (a,b) and (c,d) both occur 6 times: the smaller ids go first; (ab,cd) occurs once < minFrequency 2.
  assert.deepEqual(a.merges, [['a', 'b'], ['c', 'd']]);
  assert.deepEqual(trainBpe(counts, { vocabSize: 261, minFrequency: 1 }).merges, [['a', 'b'], ['c', 'd'], ['ab', 'cd']]);
  assert.throws(() => trainBpe(counts, { vocabSize: 100 }), /vocabSize must be an integer in 258/);
});

test('round-trips arbitrary UTF-8 (ours exactly; Pythia after its NFC normalizer)', async () => {
  const dir = tempDir('tokrt');
  const out = path.join(dir, 'tokenizer.json');
  await trainTokenizer({ corpus: { paths: [writeSmallCorpus(dir)] }, vocabSize: 300, outPath: out });
  const ours = CohortTokenizer.load(out);
  const pythia = PYTHIA_TOKENIZER ? CohortTokenizer.load(PYTHIA_TOKENIZER) : null;
  for (let seed = 1; seed <= 200; seed++) {
    const s = randomText(seed, 1 + (seed % 40));
    assert.equal(await ours.decode(await ours.encode(s)), s, `seed ${seed}`);
    if (pythia) assert.equal(await pythia.decode(await pythia.encode(s)), s.normalize('NFC'), `pythia seed ${seed}`);
  }
});

test('loads GPT-NeoX-20B tokenizer.json (Pythia) and matches its known encoding', async (t) => {
  if (!PYTHIA_TOKENIZER) return t.skip('shared data (Pythia tokenizer) absent: set COHORT_SHARED_DATA');
  const tok = CohortTokenizer.load(PYTHIA_TOKENIZER);
  assert.equal(tok.vocabSize, 50277);
  assert.deepEqual(await tok.encode('Hello world'), [12092, 1533]);
  assert.deepEqual(await tok.encodeWithLibrary('Hello world'), [12092, 1533]);
  await assert.rejects(tok.decode([12092, 50277]), /token id 50277 at position 1 is outside the vocabulary/);
});

test('bad tokenizer files give clear errors', () => {
  const dir = tempDir('tokbad');
  assert.throws(() => CohortTokenizer.load(path.join(dir, 'missing.json')), /cannot read tokenizer/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"model": 3}');
  assert.throws(() => CohortTokenizer.load(path.join(dir, 'bad.json')), /not a loadable HF tokenizer.json/);
});
