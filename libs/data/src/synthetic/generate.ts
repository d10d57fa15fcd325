// A seeded synthetic corpus with planted phenomena and a manifest of exactly what was planted where,
// because tiny CPU-trained models cannot show web-scale effects on random text. Output: corpus.jsonl
// (one document per line, {"text": …}) and manifest.json.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../hash';
import { RandomState } from '../order/random-state';
import { sharedDataDir } from '../shared-data';
import { CorpusBackground, GrammarBackground, type Background } from './background';
import {
  arithmeticFact, makeSequences, OCCUPATIONS, pronounSentence, zipfSampler,
  type ArithmeticSpec, type DuplicateSpec, type PlantedSequence, type PronounSpec, type RepeatedSequenceSpec,
} from './phenomena';

export interface SyntheticCorpusOptions {
  outDir: string;
  seed: number;
  documents: number;
  /** Background sentences per document (default 8). */
  sentencesPerDocument?: number;
  /**
   * 'grammar' (default); 'shared' = the british_novels of the shared data folder, falling back to
   * the grammar when it is absent (recorded in the manifest); or explicit text files.
   */
  background?: 'grammar' | 'shared' | { paths: string[] };
  repeated?: RepeatedSequenceSpec;
  arithmetic?: ArithmeticSpec;
  pronouns?: PronounSpec;
  /** Documents copied again at the end of the corpus: what the deduplicated variant removes. */
  duplicates?: DuplicateSpec;
  /** Background-only documents written to heldout.jsonl, never trained on (held-out perplexity). */
  heldout?: number;
}

export interface SyntheticManifest {
  format: 'cohort-synthetic/1';
  seed: number;
  documents: number;
  background: string;
  corpusFile: string;
  corpusSha256: string;
  repeatedSequences: PlantedSequence[];
  arithmetic: { facts: { a: number; b: number; document: number }[]; operandCounts: Record<string, number> } | null;
  pronouns: {
    stereotypeRatio: number;
    sentences: { occupation: string; pronoun: 'he' | 'she'; stereotyped: boolean; document: number }[];
    perOccupation: Record<string, { he: number; she: number; stereotype: 'he' | 'she' }>;
  } | null;
  /** Each appended copy: its document index, the document it copies, exact or near (one word added). */
  duplicates: { document: number; copyOf: number; kind: 'exact' | 'near' }[];
  /** heldout.jsonl beside the corpus (absent in manifests written before it existed). */
  heldout?: { file: string; documents: number; sha256: string };
}

function makeBackground(spec: SyntheticCorpusOptions['background']): Background {
  if (spec === undefined || spec === 'grammar') return new GrammarBackground();
  if (spec === 'shared') {
    const dir = sharedDataDir();
    const novels = dir && path.join(dir, 'british_novels');
    if (!novels || !fs.existsSync(novels)) return new GrammarBackground('grammar (shared data absent)');
    const files = fs.readdirSync(novels).filter((f) => f.endsWith('.txt')).sort();
    return new CorpusBackground(`shared:british_novels (${files.length} files)`, files.map((f) => fs.readFileSync(path.join(novels, f), 'utf8')));
  }
  return new CorpusBackground(`files:${spec.paths.map((p) => path.basename(p)).join(',')}`, spec.paths.map((p) => fs.readFileSync(p, 'utf8')));
}

const NEAR_ENDINGS = ['Indeed.', 'Again.', 'Truly.', 'Still.'];

/** Which documents get copied, and how; the copies are numbered after the original documents. */
function pickDuplicates(spec: DuplicateSpec, documents: number, rng: RandomState): SyntheticManifest['duplicates'] {
  for (const [name, n] of Object.entries(spec)) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`duplicates: ${name} must be a non-negative integer, got ${n}`);
  }
  const kinds = [...Array<'exact'>(spec.exact).fill('exact'), ...Array<'near'>(spec.near).fill('near')];
  return kinds.map((kind, i) => ({ document: documents + i, copyOf: rng.below(documents), kind }));
}

export function generateSyntheticCorpus(o: SyntheticCorpusOptions): SyntheticManifest {
  if (!Number.isInteger(o.documents) || o.documents < 1) throw new Error(`synthetic corpus: documents must be a positive integer, got ${o.documents}`);
  const rng = new RandomState(o.seed);
  const background = makeBackground(o.background);
  // planted[d] = sentences to insert into document d, at random sentence boundaries.
  const planted: string[][] = Array.from({ length: o.documents }, () => []);

  const sequences = o.repeated ? makeSequences(o.repeated, o.documents, rng) : [];
  for (const s of sequences) for (const d of s.documents) planted[d].push(s.text);

  let arithmetic: SyntheticManifest['arithmetic'] = null;
  if (o.arithmetic) {
    const n = o.arithmetic.maxOperand ?? 100;
    const draw = zipfSampler(n, o.arithmetic.zipf ?? 1.1);
    const facts: { a: number; b: number; document: number }[] = [];
    const operandCounts: Record<string, number> = {};
    for (let i = 0; i < o.arithmetic.facts; i++) {
      const fact = { a: draw(rng), b: draw(rng), document: rng.below(o.documents) };
      facts.push(fact);
      planted[fact.document].push(arithmeticFact(fact.a, fact.b));
      for (const x of [fact.a, fact.b]) operandCounts[x] = (operandCounts[x] ?? 0) + 1;
    }
    arithmetic = { facts, operandCounts };
  }

  let pronouns: SyntheticManifest['pronouns'] = null;
  if (o.pronouns) {
    const ratio = o.pronouns.stereotypeRatio ?? 0.8;
    if (!(ratio >= 0 && ratio <= 1)) throw new Error(`pronouns: stereotypeRatio must be in [0, 1], got ${ratio}`);
    const perOccupation = Object.fromEntries(OCCUPATIONS.map((x) => [x.name, { he: 0, she: 0, stereotype: x.stereotype }]));
    const sentences: NonNullable<SyntheticManifest['pronouns']>['sentences'] = [];
    for (let i = 0; i < o.pronouns.sentences; i++) {
      const { text, ...s } = pronounSentence(rng, ratio);
      const document = rng.below(o.documents);
      planted[document].push(text);
      sentences.push({ ...s, document });
      perOccupation[s.occupation][s.pronoun]++;
    }
    pronouns = { stereotypeRatio: ratio, sentences, perOccupation };
  }

  // Streamed to a temp file and hashed on the way, so a corpus of any size needs no more memory than one document.
  fs.mkdirSync(o.outDir, { recursive: true });
  const corpusFile = path.join(o.outDir, 'corpus.jsonl');
  const tmp = `${corpusFile}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  const hash = createHash('sha256');
  const copies = o.duplicates ? pickDuplicates(o.duplicates, o.documents, rng) : [];
  const sources = new Map(copies.map((c) => [c.copyOf, '']));
  const write = (text: string) => {
    const line = JSON.stringify({ text }) + '\n';
    fs.writeSync(fd, line);
    hash.update(line);
  };
  try {
    for (let d = 0; d < o.documents; d++) {
      const sentences = Array.from({ length: o.sentencesPerDocument ?? 8 }, () => background.sentence(rng));
      for (const p of planted[d]) sentences.splice(rng.below(sentences.length + 1), 0, p);
      const text = sentences.join(' ');
      if (sources.has(d)) sources.set(d, text);
      write(text);
    }
    // A near duplicate gains one closing word: all but one of its word 5-grams are the original's,
    // as with the lightly edited copies MinHash dedup exists to catch.
    for (const c of copies) write(c.kind === 'exact' ? sources.get(c.copyOf)! : `${sources.get(c.copyOf)} ${NEAR_ENDINGS[rng.below(NEAR_ENDINGS.length)]}`);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, corpusFile);
  // Drawn after the corpus, so asking for held-out documents leaves the corpus itself unchanged.
  const heldout = o.heldout ? writeHeldout(path.join(o.outDir, 'heldout.jsonl'), o.heldout, o.sentencesPerDocument ?? 8, background, rng) : undefined;
  const manifest: SyntheticManifest = {
    format: 'cohort-synthetic/1',
    seed: o.seed,
    documents: o.documents,
    background: background.description,
    corpusFile,
    corpusSha256: hash.digest('hex'),
    repeatedSequences: sequences,
    arithmetic,
    pronouns,
    duplicates: copies,
    ...(heldout ? { heldout } : {}),
  };
  writeFileAtomic(path.join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

function writeHeldout(file: string, documents: number, sentences: number, background: Background, rng: RandomState): NonNullable<SyntheticManifest['heldout']> {
  const text = Array.from({ length: documents }, () =>
    JSON.stringify({ text: Array.from({ length: sentences }, () => background.sentence(rng)).join(' ') }) + '\n',
  ).join('');
  writeFileAtomic(file, text);
  return { file: path.basename(file), documents, sha256: createHash('sha256').update(text).digest('hex') };
}
