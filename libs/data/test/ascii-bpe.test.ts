import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { splitDocument } from '../src/corpus/split-document';
import { sharedDataDir } from '../src/shared-data';
import { AsciiBpeEncoder } from '../src/tokenizer/ascii-bpe';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { PYTHIA_TOKENIZER, writeSmallCorpus } from './fixtures';
import { tempDir } from './helpers';

/** Random ASCII with the hard cases dense: space runs, contractions, digits, controls, special tokens. */
function randomAscii(seed: number, length: number): string {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const atoms = [' ', '  ', '     ', ' '.repeat(30), '\n', '\n\n', '\t', '\r\n', "'s", "'ll", "'", 'The', 'the', ' he', 'ing', 'x',
    '42', '2024', '.', ',', '!?', '--', '<|endoftext|>', '<|padding|>', '<|', '\x00', '\x1c', '\x1f', '\x0b', '\x7f', '{}', 'A'];
  let out = '';
  while (out.length < length) {
    out += next() < 0.7 ? atoms[Math.floor(next() * atoms.length)] : String.fromCharCode(Math.floor(next() * 128));
  }
  return out;
}

async function tokenizers(): Promise<CohortTokenizer[]> {
  const dir = tempDir('ascii');
  const ours = path.join(dir, 't.json');
  await trainTokenizer({ corpus: { paths: [writeSmallCorpus(dir)] }, vocabSize: 340, outPath: ours });
  return [CohortTokenizer.load(ours), ...(PYTHIA_TOKENIZER ? [CohortTokenizer.load(PYTHIA_TOKENIZER)] : [])];
}

test('ASCII fast path encodes exactly like the tokenizers library', async () => {
  for (const tok of await tokenizers()) {
    const fast = AsciiBpeEncoder.fromJson(fs.readFileSync(tok.path, 'utf8'));
    assert.ok(fast, `${tok.path} is supported`);
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomAscii(seed, 1 + (seed % 120));
      assert.deepEqual(fast.encode(text), await tok.encodeWithLibrary(text), `${path.basename(tok.path)} seed ${seed}: ${JSON.stringify(text)}`);
    }
    assert.equal(fast.encode('café'), null, 'non-ASCII goes to the library');
  }
});

test('ASCII fast path matches the library on real novels', async (t) => {
  const shared = sharedDataDir();
  if (!shared || !PYTHIA_TOKENIZER) return t.skip('shared data absent');
  const tok = CohortTokenizer.load(PYTHIA_TOKENIZER);
  const fast = AsciiBpeEncoder.fromJson(fs.readFileSync(PYTHIA_TOKENIZER, 'utf8'))!;
  const text = fs.readFileSync(path.join(shared, 'british_novels', 'Austen_Pride.txt'), 'utf8').slice(0, 300000);
  let ascii = 0;
  for (const piece of splitDocument(text, 4000)) {
    const ids = fast.encode(piece);
    if (ids === null) continue;
    ascii++;
    assert.deepEqual(ids, await tok.encodeWithLibrary(piece));
  }
  assert.ok(ascii > 10);
});

test('unsupported tokenizer pipelines are declined, not approximated', () => {
  const base = { model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false }, normalizer: null };
  assert.equal(AsciiBpeEncoder.fromJson(JSON.stringify({ ...base, pre_tokenizer: { type: 'Whitespace' } })), null);
  assert.equal(AsciiBpeEncoder.fromJson(JSON.stringify({ ...base, normalizer: { type: 'Lowercase' } })), null);
  assert.equal(AsciiBpeEncoder.fromJson(JSON.stringify(base)), null, 'incomplete byte alphabet');
});
