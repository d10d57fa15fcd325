import { z } from 'zod';
import { evalCheckpointsSchema } from './evals';

/**
 * The spec's `analyses`: the Pythia case studies a suite runs once their inputs exist. An entry is
 * a kind (`memorization`) or a kind with parameters (`{ kind: memorization, prompt: 16 }`); every
 * parameter has the paper's default. The same entries are accepted by `POST /suites/:id/analyses`.
 */

const placement = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/i);
const operandRange = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** Pythia §4: Carlini-style k-extractability of training sequences, with the Poisson test. */
const memorizationSchema = z
  .object({
    kind: z.literal('memorization'),
    checkpoints: evalCheckpointsSchema.default('final'),
    prompt: z.number().int().positive().max(4096).default(32),
    /** At most 255: a score (matching tokens) is kept in one byte per sequence. */
    continuation: z.number().int().positive().max(255).default(32),
    windows: z.enum(['sequence-start', 'planted']).default('sequence-start'),
    sequences: z.enum(['seen', 'all']).default('seen'),
    /** Training sequences per bin of the Poisson test (Pythia: 512). */
    binSize: z.number().int().positive().default(512),
    /** Step whose memorization predicts the final one's (default: the first scanned checkpoint). */
    early: z.number().int().nonnegative().optional(),
    batchSize: z.number().int().positive().max(4096).default(64),
    shardSize: z.number().int().positive().default(4096),
    placement: placement.optional(),
  })
  .strict();

/** Pythia §5: few-shot arithmetic accuracy against operand frequency in the batches seen. */
const termFrequencySchema = z
  .object({
    kind: z.literal('term-frequency'),
    checkpoints: evalCheckpointsSchema.default('all'),
    template: z.enum(['pythia', 'synthetic']).default('pythia'),
    operations: z.array(z.enum(['plus', 'times'])).min(1).optional(),
    shots: z.array(z.number().int().nonnegative().max(64)).min(1).default([0, 2, 4, 8, 16]),
    x1: operandRange.default([0, 99]),
    x2: operandRange.default([1, 50]),
    maxNewTokens: z.number().int().positive().max(64).default(8),
    windowWords: z.number().int().positive().max(16).default(3),
    /** Δ-performance compares the `top` most and least frequent x1 (Pythia: 10). */
    top: z.number().int().positive().default(10),
    bins: z.number().int().positive().max(200).default(20),
    placement: placement.optional(),
  })
  .strict();

/**
 * The bias measures the bias analysis reads, each with its neutral value: |value − neutral| is the
 * bias, so Δbias < 0 means an intervention moved the model toward neutral.
 */
export const biasMeasures = [
  { task: 'crows_pairs_english_gender', metric: 'pct_stereotype', neutral: 0.5 },
  { task: 'winobias', metric: 'bias', neutral: 0 },
  { task: 'synthetic_pronoun', metric: 'prob_stereotyped', neutral: 0.5 },
] as const;

/** Language-modelling ability an intervention should keep (Pythia: LAMBADA), lower is better for perplexities. */
export const abilityMeasures = [
  { task: 'lambada_openai', metric: 'acc' },
  { task: 'lambada_openai', metric: 'perplexity' },
  { task: 'synthetic_heldout', metric: 'word_perplexity' },
  { task: 'wikitext', metric: 'word_perplexity' },
] as const;

/** Pythia §6: bias across sizes and checkpoints, and each intervention against its parent. */
const biasSchema = z.object({ kind: z.literal('bias') }).strict();

/** PolyPythias: each metric's spread across seeds, and the runs that leave the seeds' band. */
const stabilitySchema = z
  .object({
    kind: z.literal('stability'),
    /** A run is an outlier when it lies outside the other seeds' (1 − alpha) prediction interval. */
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .strict();

export const analysisEntrySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z.discriminatedUnion('kind', [memorizationSchema, termFrequencySchema, biasSchema, stabilitySchema]),
);

export const analysesSchema = z.array(analysisEntrySchema).default([]);

export type AnalysisEntry = z.output<typeof analysisEntrySchema>;
export type AnalysisKind = AnalysisEntry['kind'];
export const analysisKinds: readonly AnalysisKind[] = ['memorization', 'term-frequency', 'bias', 'stability'];

export type MemorizationAnalysis = Extract<AnalysisEntry, { kind: 'memorization' }>;
export type TermFrequencyAnalysis = Extract<AnalysisEntry, { kind: 'term-frequency' }>;
export type StabilityAnalysis = Extract<AnalysisEntry, { kind: 'stability' }>;

/** The term-frequency operations: the planted facts are sums, so `synthetic` has only `plus`. */
export const termFrequencyOperations = (a: TermFrequencyAnalysis): ('plus' | 'times')[] =>
  a.operations ?? (a.template === 'synthetic' ? ['plus'] : ['plus', 'times']);

export interface AnalysisIssue {
  path: (string | number)[];
  message: string;
}

/** What an analysis needs of its suite, checked at launch: corpus phenomena, seeds, lengths. */
export interface AnalysisSuiteFacts {
  corpus: { kind: string; repeated?: unknown; arithmetic?: unknown };
  seqLength: number;
  seeds: number;
  checkpointSteps: () => readonly number[];
}

export function analysisIssues(entries: AnalysisEntry[], suite: AnalysisSuiteFacts): AnalysisIssue[] {
  const issues: AnalysisIssue[] = [];
  const add = (i: number, path: (string | number)[], message: string) => issues.push({ path: [i, ...path], message });
  entries.forEach((a, i) => {
    if ('checkpoints' in a && typeof a.checkpoints === 'object' && 'steps' in a.checkpoints) {
      const written = suite.checkpointSteps();
      a.checkpoints.steps.forEach((s, j) => {
        if (!written.includes(s)) add(i, ['checkpoints', 'steps', j], `no checkpoint is written at step ${s}`);
      });
    }
    switch (a.kind) {
      case 'memorization':
        if (a.prompt + a.continuation > suite.seqLength + 1)
          add(i, ['continuation'], `prompt + continuation (${a.prompt + a.continuation}) exceeds a training sequence (seqLength + 1 = ${suite.seqLength + 1} tokens)`);
        if (a.windows === 'planted' && suite.corpus.kind !== 'synthetic')
          add(i, ['windows'], `"planted" windows need the synthetic corpus's planted sequences; this suite's corpus is "${suite.corpus.kind}"`);
        if (a.early !== undefined && !suite.checkpointSteps().includes(a.early)) add(i, ['early'], `no checkpoint is written at step ${a.early}`);
        break;
      case 'term-frequency': {
        if (a.template === 'synthetic' && (suite.corpus.kind !== 'synthetic' || !suite.corpus.arithmetic))
          add(i, ['template'], 'the "synthetic" template asks the planted arithmetic facts: give corpus.arithmetic in a synthetic corpus');
        if (a.template === 'synthetic' && termFrequencyOperations(a).includes('times'))
          add(i, ['operations'], 'the synthetic corpus plants only sums: use operations [plus]');
        (['x1', 'x2'] as const).forEach((k) => {
          if (a[k][0] > a[k][1]) add(i, [k], `range [${a[k][0]}, ${a[k][1]}] is empty`);
        });
        const others = a.x1[1] - a.x1[0];
        const pool = others * (a.x2[1] - a.x2[0] + 1);
        const most = Math.max(...a.shots);
        if (a.x1[0] <= a.x1[1] && most > pool) add(i, ['shots'], `${most} shots need that many examples with other x1 values; the ranges give ${pool}`);
        const distinct = a.x1[1] - a.x1[0] + 1;
        if (2 * a.top > distinct) add(i, ['top'], `Δ-performance compares the ${a.top} most and least frequent x1: needs ${2 * a.top} operands, the x1 range has ${distinct}`);
        break;
      }
      case 'stability':
        if (suite.seeds < 2) add(i, ['kind'], 'stability compares seeds: give the suite at least two `seeds`');
        break;
    }
  });
  return issues;
}
