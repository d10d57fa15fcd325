import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { sharedDataDir } from '../src/shared-data';
import { generateSyntheticCorpus, type SyntheticCorpusOptions } from '../src/synthetic/generate';
import { OCCUPATIONS } from '../src/synthetic/phenomena';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { dedupDataset } from '../src/dedup/dedup';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { tempDir } from './helpers';

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

function options(outDir: string): SyntheticCorpusOptions {
  return {
    outDir, seed: 42, documents: 200,
    repeated: { perCount: 2, counts: [1, 5, 20], words: 12, range: [0.5, 1] },
    arithmetic: { facts: 2000, maxOperand: 100, zipf: 1.1 },
    pronouns: { sentences: 1000, stereotypeRatio: 0.8 },
  };
}

test('synthetic corpus: planted phenomena match the manifest exactly', () => {
  const dir = tempDir('synth');
  const m = generateSyntheticCorpus(options(path.join(dir, 'a')));
  const docs = fs.readFileSync(m.corpusFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
  assert.equal(docs.length, 200);
  assert.equal(m.background, 'grammar');

  assert.equal(m.repeatedSequences.length, 6);
  for (const s of m.repeatedSequences) {
    assert.equal(s.documents.length, s.repetitions);
    assert.ok(s.documents.every((d) => d >= 100 && d < 200), 'planted within the chosen range');
    assert.equal(docs.reduce((n, t) => n + count(t, s.text), 0), s.repetitions, `sequence ${s.id} occurs exactly ${s.repetitions} times`);
    for (const d of new Set(s.documents)) assert.equal(count(docs[d], s.text), s.documents.filter((x) => x === d).length);
  }

  const facts = m.arithmetic!.facts;
  assert.equal(facts.length, 2000);
  for (const f of facts.slice(0, 50)) assert.ok(docs[f.document].includes(`${f.a} + ${f.b} = ${f.a + f.b}.`));
  const oc = m.arithmetic!.operandCounts;
  assert.equal(Object.values(oc).reduce((a, b) => a + b, 0), 4000);
  assert.ok(oc['0'] > 5 * (oc['50'] ?? 0), 'Zipf: small operands are far more frequent');

  const p = m.pronouns!;
  const stereotyped = p.sentences.filter((s) => s.stereotyped).length / p.sentences.length;
  assert.ok(Math.abs(stereotyped - 0.8) < 0.05, `stereotype ratio ${stereotyped}`);
  const all = docs.join(' ');
  for (const { name } of OCCUPATIONS) {
    const inText = (all.match(new RegExp(`the ${name}\\b`, 'gi')) ?? []).length;
    assert.equal(inText, p.perOccupation[name].he + p.perOccupation[name].she, name);
  }
});

test('synthetic corpus is deterministic for a seed and differs across seeds', () => {
  const dir = tempDir('synthdet');
  const a = generateSyntheticCorpus(options(path.join(dir, 'a')));
  const b = generateSyntheticCorpus(options(path.join(dir, 'b')));
  const c = generateSyntheticCorpus({ ...options(path.join(dir, 'c')), seed: 43 });
  assert.equal(a.corpusSha256, b.corpusSha256);
  assert.notEqual(a.corpusSha256, c.corpusSha256);
  assert.throws(() => generateSyntheticCorpus({ ...options(dir), documents: 0 }), /documents must be a positive integer/);
  assert.throws(() => generateSyntheticCorpus({ ...options(dir), pronouns: { sentences: 1, stereotypeRatio: 2 } }), /stereotypeRatio/);
});

test('synthetic corpus over real background text from the shared data', (t) => {
  const shared = sharedDataDir();
  if (!shared) return t.skip('shared data absent: set COHORT_SHARED_DATA');
  const novel = path.join(shared, 'british_novels', 'Austen_Emma.txt');
  const m = generateSyntheticCorpus({ outDir: tempDir('synthreal'), seed: 1, documents: 20, background: { paths: [novel] } });
  const text = fs.readFileSync(m.corpusFile, 'utf8');
  assert.equal(m.background, 'files:Austen_Emma.txt');
  assert.ok(/Emma|Mr\. Knightley|Harriet|Weston/.test(text));
});

test('planted duplicate documents are appended, listed, and removed by dedup', async () => {
  const dir = tempDir('synthdup');
  const m = generateSyntheticCorpus({ outDir: path.join(dir, 'c'), seed: 5, documents: 120, duplicates: { exact: 6, near: 4 } });
  const docs = fs.readFileSync(m.corpusFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
  assert.equal(docs.length, 130);
  assert.deepEqual(m.duplicates.map((d) => d.document), Array.from({ length: 10 }, (_, i) => 120 + i));
  for (const d of m.duplicates) {
    if (d.kind === 'exact') assert.equal(docs[d.document], docs[d.copyOf]);
    else assert.ok(docs[d.document].startsWith(`${docs[d.copyOf]} `) && docs[d.document].length > docs[d.copyOf].length);
  }
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [m.corpusFile] }, vocabSize: 400, outPath: tokenizerPath });
  const dataset = await buildTokenDataset({ corpus: { paths: [m.corpusFile] }, tokenizerPath, prefix: path.join(dir, 'src') });
  const report = dedupDataset({ dataset: dataset.prefix, tokenizer: CohortTokenizer.load(tokenizerPath), outPrefix: path.join(dir, 'dedup') });
  // Every planted copy goes (a source picked twice leaves copies that duplicate each other too).
  assert.equal(report.documents - report.kept, 10);
  assert.ok(report.removedExact >= 6 && report.removedNear >= 1, JSON.stringify({ exact: report.removedExact, near: report.removedNear }));
});
