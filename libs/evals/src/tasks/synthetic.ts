// Probes of the phenomena planted in a suite's synthetic corpus, scored against its manifest
// (libs/data/src/synthetic): arithmetic facts, occupation–pronoun sentences, repeated sequences.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyntheticManifest } from '@cohort/data';
import type { TaskDataSource, TokenResult } from '../contracts';
import { argmax } from '../metrics';
import { FEWSHOT_DELIMITER, type TaskDefinition } from '../task';
import { countWords } from './wikitext';

type Phenomenon = 'arithmetic' | 'pronouns' | 'repeatedSequences' | 'heldout';
const PHENOMENON_NAMES: Record<Phenomenon, string> = { arithmetic: 'arithmetic facts', pronouns: 'occupation–pronoun sentences', repeatedSequences: 'repeated sequences', heldout: 'held-out documents' };

/** The manifest, or what is missing: no manifest given, no file, or the phenomenon not planted. */
function manifestFile(phenomenon: Phenomenon): (data: TaskDataSource) => string[] | string {
  return (data) => {
    if (!data.syntheticManifest) return 'needs the suite\'s synthetic corpus manifest (TaskDataSource.syntheticManifest), and none was given';
    if (!fs.existsSync(data.syntheticManifest)) return `data file missing: ${data.syntheticManifest}`;
    let planted: SyntheticManifest[Phenomenon];
    try {
      planted = readManifest(data.syntheticManifest)[phenomenon];
    } catch (e) {
      return `${data.syntheticManifest}: ${(e as Error).message}`;
    }
    if (planted === null || planted === undefined || (Array.isArray(planted) && planted.length === 0)) return `the synthetic corpus of ${data.syntheticManifest} has no planted ${PHENOMENON_NAMES[phenomenon]}`;
    return [data.syntheticManifest];
  };
}

function readManifest(file: string): SyntheticManifest {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as SyntheticManifest;
  if (m.format !== 'cohort-synthetic/1') throw new Error(`not a cohort-synthetic/1 manifest (format ${JSON.stringify(m.format)})`);
  return m;
}

interface Sum {
  a: number;
  b: number;
}

const sumPrompt = (d: Sum) => `${d.a} + ${d.b} =`;
const sumAnswer = (s: number) => ` ${s}.`;
/** The true sum among its neighbours c-2 … c+2 (non-negative): the multiple-choice form. */
const nearbySums = (d: Sum) => [-2, -1, 0, 1, 2].map((k) => d.a + d.b + k).filter((s) => s >= 0);

/** Each distinct planted fact "a + b = c.": is " c." the greedy continuation of "a + b =", and the likeliest nearby sum? */
export const syntheticArithmetic: TaskDefinition<Sum> = {
  name: 'synthetic_arithmetic',
  version: 'cohort-1',
  outputType: 'multiple_choice',
  files: manifestFile('arithmetic'),
  // A Map keeps each fact at its first planting: documents in corpus order, repeats dropped.
  load: ([file]) => [...new Map(readManifest(file).arithmetic!.facts.map(({ a, b }) => [`${a}+${b}`, { a, b }])).values()],
  fewshot: { kind: 'eval_split' },
  fewshotExample: (d) => sumPrompt(d) + sumAnswer(d.a + d.b) + FEWSHOT_DELIMITER,
  requests: (d, prefix) => [d.a + d.b, ...nearbySums(d)].map((s) => ({ context: prefix + sumPrompt(d), continuation: sumAnswer(s) })),
  processResults: (d, [exact, ...choices]) => ({
    acc: exact.isGreedy ? 1 : 0,
    acc_choice: nearbySums(d)[argmax(choices.map((r) => r.logprob))] === d.a + d.b ? 1 : 0,
  }),
  metrics: () => [{ name: 'acc', aggregation: 'mean' }, { name: 'acc_choice', aggregation: 'mean' }],
};

interface PronounProbe {
  /** A planted sentence up to its pronoun, e.g. "The nurse said that". */
  context: string;
  stereotype: 'he' | 'she';
  /** Fraction of the planted sentences with this context that used the stereotyped pronoun. */
  planted: number;
}

/** The planted sentence of `occupation` and `pronoun` in a document, cut before the pronoun. */
function pronounContext(text: string, occupation: string, pronoun: string): string | undefined {
  for (const sentence of text.split(/(?<=\.)\s+/)) {
    const m = new RegExp(`^(.*\\bthe ${occupation}\\b.*?) ${pronoun}\\b`, 'i').exec(sentence);
    if (m) return m[1];
  }
  return undefined;
}

function loadPronounProbes(file: string): PronounProbe[] {
  const manifest = readManifest(file);
  // The corpus sits next to its manifest; the recorded path may be relative to another directory.
  const corpus = fs.readFileSync(path.join(path.dirname(file), path.basename(manifest.corpusFile)), 'utf8').split('\n');
  const { sentences, perOccupation } = manifest.pronouns!;
  const byContext = new Map<string, { stereotype: 'he' | 'she'; stereotyped: number; total: number }>();
  for (const s of sentences) {
    const context = pronounContext((JSON.parse(corpus[s.document]) as { text: string }).text, s.occupation, s.pronoun);
    if (context === undefined) throw new Error(`${file}: planted "${s.occupation} … ${s.pronoun}" sentence not found in document ${s.document} of the corpus`);
    const probe = byContext.get(context) ?? { stereotype: perOccupation[s.occupation].stereotype, stereotyped: 0, total: 0 };
    probe.total++;
    if (s.stereotyped) probe.stereotyped++;
    byContext.set(context, probe);
  }
  return [...byContext].map(([context, p]) => ({ context, stereotype: p.stereotype, planted: p.stereotyped / p.total }));
}

const PRONOUN_CHOICES = ['he', 'she'] as const;

/** Does the model continue a planted occupation sentence with its stereotyped pronoun, and how strongly, vs the planted ratio? */
export const syntheticPronoun: TaskDefinition<PronounProbe> = {
  name: 'synthetic_pronoun',
  version: 'cohort-1',
  outputType: 'multiple_choice',
  files: manifestFile('pronouns'),
  load: ([file]) => loadPronounProbes(file),
  fewshot: { kind: 'none', reason: 'a bias probe: solved examples would show the model which pronoun to pick' },
  fewshotExample: () => '',
  requests: (d) => PRONOUN_CHOICES.map((p) => ({ context: d.context, continuation: ` ${p}` })),
  processResults: (d, results: TokenResult[]) => {
    const [stereo, other] = d.stereotype === 'he' ? [results[0], results[1]] : [results[1], results[0]];
    return {
      pct_stereotyped: stereo.logprob > other.logprob ? 1 : 0,
      // P(stereotyped | one of the two): comparable with the planted fraction
      prob_stereotyped: 1 / (1 + Math.exp(other.logprob - stereo.logprob)),
      planted_stereotyped: d.planted,
    };
  },
  metrics: () => ['pct_stereotyped', 'prob_stereotyped', 'planted_stereotyped'].map((name) => ({ name, aggregation: 'mean' as const })),
};

interface RepeatedProbe {
  prefix: string;
  rest: string;
  repetitions: number;
}

/** The first half of a planted sequence's words prompts the second half. */
function repeatedProbe(s: SyntheticManifest['repeatedSequences'][number]): RepeatedProbe {
  const words = s.text.split(' ');
  const half = Math.floor(words.length / 2);
  return { prefix: words.slice(0, half).join(' '), rest: ' ' + words.slice(half).join(' '), repetitions: s.repetitions };
}

/** Memorization of the planted repeated sequences: is the second half the greedy continuation of the first, by repetition count? */
export const syntheticRepeated: TaskDefinition<RepeatedProbe> = {
  name: 'synthetic_repeated',
  version: 'cohort-1',
  outputType: 'loglikelihood',
  files: manifestFile('repeatedSequences'),
  load: ([file]) => readManifest(file).repeatedSequences.map(repeatedProbe),
  fewshot: { kind: 'none', reason: 'a memorization probe: the prompt is the planted prefix alone' },
  fewshotExample: () => '',
  requests: (d) => [{ context: d.prefix, continuation: d.rest }],
  processResults: (d, [r]) => ({ acc: r.isGreedy ? 1 : 0, [`acc_rep${d.repetitions}`]: r.isGreedy ? 1 : 0 }),
  metrics: (docs) => [{ name: 'acc', aggregation: 'mean' }, ...[...new Set(docs.map((d) => d.repetitions))].sort((x, y) => x - y).map((n) => ({ name: `acc_rep${n}`, aggregation: 'mean' as const }))],
};

interface HeldoutDocument {
  text: string;
}

/**
 * Perplexity of documents generated like the corpus but never trained on: language-modelling
 * ability on the corpus's own distribution (what an intervention must not lose), by rolling windows.
 */
export const syntheticHeldout: TaskDefinition<HeldoutDocument> = {
  name: 'synthetic_heldout',
  version: 'cohort-1',
  outputType: 'loglikelihood_rolling',
  files: manifestFile('heldout'),
  load: ([file]) => {
    const heldout = readManifest(file).heldout!;
    const lines = fs.readFileSync(path.join(path.dirname(file), heldout.file), 'utf8').split('\n').filter((l) => l !== '');
    return lines.map((l) => JSON.parse(l) as HeldoutDocument);
  },
  fewshot: { kind: 'none', reason: 'a perplexity task scores whole documents; few-shot examples do not apply' },
  fewshotExample: () => '',
  requests: (doc) => [{ rolling: doc.text }],
  processResults: (doc, windows) => {
    const ll = windows.reduce((s, w) => s + w.logprob, 0);
    return { word_perplexity: [ll, countWords(doc.text)], byte_perplexity: [ll, Buffer.byteLength(doc.text, 'utf8')] };
  },
  metrics: () => [
    { name: 'word_perplexity', aggregation: 'weighted_perplexity' },
    { name: 'byte_perplexity', aggregation: 'weighted_perplexity' },
  ],
};
