import * as fs from 'node:fs';
import * as path from 'node:path';
import { sharedDataDir } from '../src/shared-data';

/** A small deterministic English-ish corpus with some non-ASCII text, as JSONL + txt files. */
export function writeSmallCorpus(dir: string, docs = 60): string {
  const corpus = path.join(dir, 'corpus');
  fs.mkdirSync(corpus, { recursive: true });
  const subjects = ['The doctor', 'A nurse', 'The old sailor', 'Émilie', 'The engineer', 'Our neighbour'];
  const verbs = ['walked to', 'wrote about', 'remembered', 'painted', 'visited', 'argued with'];
  const objects = ['the harbour', 'a quiet village', 'the museum', 'naïve critics', 'the 1889 exhibition', 'the café'];
  const lines: string[] = [];
  for (let d = 0; d < docs; d++) {
    const sentences: string[] = [];
    for (let s = 0; s < 3 + (d % 5); s++) {
      sentences.push(`${subjects[(d + s) % 6]} ${verbs[(d * 7 + s) % 6]} ${objects[(d * 3 + s * 5) % 6]}.`);
    }
    lines.push(JSON.stringify({ text: sentences.join(' '), meta: d }));
  }
  fs.writeFileSync(path.join(corpus, 'a.jsonl'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(corpus, 'b.txt'), 'He said: "日本語 text, emoji 🙂 and tabs\tand\nnewlines."\n');
  return corpus;
}

const shared = sharedDataDir();
/** Pythia's tokenizer from the shared data, or null where the shared data is absent. */
export const PYTHIA_TOKENIZER = shared ? path.join(shared, 'gpt_neox_20b_tokenizer', 'tokenizer.json') : null;
