// WikiText-2 (raw, test), document level: each article is scored whole by rolling windows after
// lm-eval's detokenizer; word and byte counts come from the raw page, as lm-eval counts them.
import * as fs from 'node:fs';
import { sharedFiles, type TaskDefinition } from '../task';

interface Page {
  page: string;
}

/**
 * EleutherAI/wikitext_document_level's split: a page starts at each top-level " = Title = " line
 * (headings of sections are " = = … = = "), pages are their lines joined by "\n".
 */
export function splitWikitextPages(raw: string): Page[] {
  const pages: Page[] = [];
  let lines: string[] = [];
  const flush = () => {
    const page = lines.join('\n');
    if (page.trim() !== '') pages.push({ page });
  };
  for (const line of raw.split('\n')) {
    const heading = line.replaceAll('= = =', '===').replaceAll('= =', '==').trim();
    if (heading.startsWith('= ') && heading.endsWith(' =')) {
      flush();
      lines = [];
    }
    lines.push(line);
  }
  flush();
  return pages;
}

/** lm-eval's wikitext_detokenizer, rule by rule. */
export function wikitextDetokenize(page: string): string {
  let s = page;
  // contractions
  s = s.replaceAll("s '", "s'");
  s = s.replace(/\/' [0-9]\//g, "/'[0-9]/");
  // number separators
  s = s.replaceAll(' @-@ ', '-').replaceAll(' @,@ ', ',').replaceAll(' @.@ ', '.');
  // punctuation
  for (const p of [':', ';', '.', '!', '?', ',']) s = s.replaceAll(` ${p} `, `${p} `);
  // brackets and quotes: drop the spaces just inside them
  s = s.replace(/\(\s*([^)]*?)\s*\)/g, '($1)');
  s = s.replace(/\[\s*([^\]]*?)\s*\]/g, '[$1]');
  s = s.replace(/{\s*([^}]*?)\s*}/g, '{$1}');
  s = s.replace(/"\s*([^"]*?)\s*"/g, '"$1"');
  s = s.replace(/'\s*([^']*?)\s*'/g, "'$1'");
  // miscellaneous
  s = s.replaceAll('= = = =', '====').replaceAll('= = =', '===').replaceAll('= =', '==');
  s = s.replaceAll(' \u00b0 ', '\u00b0');
  s = s.replaceAll(' \n', '\n').replaceAll('\n ', '\n');
  s = s.replaceAll(' N ', ' 1 ');
  s = s.replaceAll(" 's", "'s");
  return s;
}

/** lm-eval's word count: len(re.split(r"\s+", page)), empty ends included. */
export const countWords = (page: string) => page.split(/\s+/u).length;

export const wikitext: TaskDefinition<Page> = {
  name: 'wikitext',
  version: '2.0',
  outputType: 'loglikelihood_rolling',
  files: sharedFiles('wikitext2_raw_test/wiki.test.raw'),
  load: ([f]) => splitWikitextPages(fs.readFileSync(f, 'utf8')),
  fewshot: { kind: 'none', reason: 'a perplexity task scores whole documents; few-shot examples do not apply' },
  fewshotExample: () => '',
  requests: (doc) => [{ rolling: wikitextDetokenize(doc.page) }],
  processResults: (doc, windows) => {
    const ll = windows.reduce((s, w) => s + w.logprob, 0);
    const bytes = Buffer.byteLength(doc.page, 'utf8');
    return { word_perplexity: [ll, countWords(doc.page)], byte_perplexity: [ll, bytes], bits_per_byte: [ll, bytes] };
  },
  metrics: () => [
    { name: 'word_perplexity', aggregation: 'weighted_perplexity' },
    { name: 'byte_perplexity', aggregation: 'weighted_perplexity' },
    { name: 'bits_per_byte', aggregation: 'bits_per_byte' },
  ],
};
