import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { splitDocument } from '../src/corpus/split-document';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { sharedDataDir } from '../src/shared-data';
import { PYTHIA_TOKENIZER, writeSmallCorpus } from './fixtures';
import { tempDir } from './helpers';

// Newline contexts that must not be cut (whitespace before, non-letter after) next to ones that may.
const TRICKY = 'Chapter 1\nIt was  cold.\n\nShe said "no".\r\nThen\n 2 men\n\tleft;\nNobody\n<|endoftext|>\nÉmile\nwrote 日本\nText   \nEnd\n';

test('split pieces encode exactly like the whole document', async () => {
  const dir = tempDir('split');
  const ourPath = path.join(dir, 't.json');
  await trainTokenizer({ corpus: { paths: [writeSmallCorpus(dir)] }, vocabSize: 300, outPath: ourPath });
  const tokenizers = [CohortTokenizer.load(ourPath), ...(PYTHIA_TOKENIZER ? [CohortTokenizer.load(PYTHIA_TOKENIZER)] : [])];
  const shared = sharedDataDir();
  const texts = [TRICKY.repeat(20)];
  if (shared) texts.push(fs.readFileSync(path.join(shared, 'british_novels', 'Sterne_Sentimental.txt'), 'utf8').slice(0, 60000));
  for (const tok of tokenizers) {
    for (const text of texts) {
      const whole = await tok.encodeWithLibrary(text);
      for (const minChars of [1, 7, 50, 997, 20000]) {
        const pieces = splitDocument(text, minChars);
        assert.equal(pieces.join(''), text);
        if (minChars < 1000) assert.ok(pieces.length > 1, 'splits happen');
        const joined = (await Promise.all(pieces.map((p) => tok.encodeWithLibrary(p)))).flat();
        assert.deepEqual(joined, whole, `minChars ${minChars}`);
      }
    }
  }
  for (const piece of splitDocument(TRICKY, 1).slice(1)) assert.match(piece, /^[A-Za-z]/);
});
