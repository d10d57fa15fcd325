import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OCCUPATIONS = ['doctor', 'nurse', 'engineer', 'teacher', 'pilot', 'baker', 'lawyer', 'farmer'];
const VERBS = ['walked to', 'looked at', 'wrote about', 'painted', 'visited', 'remembered'];
const PLACES = ['the old mill', 'the harbour', 'a quiet garden', 'the station', 'the river', 'the market'];

/**
 * A small JSONL corpus whose deduplicated variant really differs: 200 documents with gendered
 * pronouns (so a pronoun swap has something to change), plus 40 exact and 20 near duplicates.
 */
export function writeCorpusWithDuplicates(dir: string): string {
  let state = 12345;
  const pick = <T>(xs: T[]): T => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return xs[state % xs.length];
  };
  const sentence = () =>
    `The ${pick(OCCUPATIONS)} ${pick(VERBS)} ${pick(PLACES)} because ${pick(['he', 'she'])} wanted to see ${pick(['his', 'her'])} friend.`;
  const docs = Array.from({ length: 200 }, (_, i) => `Story ${i}. ${Array.from({ length: 6 }, sentence).join(' ')}`);
  for (let i = 0; i < 40; i++) docs.push(docs[i * 3]);
  for (let i = 0; i < 20; i++) docs.push(docs[i * 5 + 1].replace(/\.$/, '!'));
  const path = join(dir, 'corpus.jsonl');
  writeFileSync(path, docs.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  return path;
}
