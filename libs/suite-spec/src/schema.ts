import { z } from 'zod';
import { getPreset, presetNames, validateConfig, type ModelConfig } from '@cohort/model';
import { checkpointSteps } from './checkpoint-schedule';
import { analysesSchema, analysisIssues } from './analyses';
import { evalsIssues, evalsSchema } from './evals';

/**
 * The suite spec: one schema shared by the CLI, REST and GraphQL. A suite is a set of GPT-NeoX
 * models trained on the same data in the same order; the spec names the data, the models, the
 * schedule and where each run is placed. Fields later stages consume (evals, analyses,
 * interventions) are validated here so that a bad spec fails at launch, not hours in.
 */

const positiveInt = z.number().int().positive();
const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-"');

const corpusSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('files'),
    paths: z.array(z.string().min(1)).min(1, 'at least one corpus file or folder'),
    textField: z.string().min(1).default('text'),
  }),
  /** A generated corpus with planted phenomena of known ground truth (see libs/data). */
  z.object({
    kind: z.literal('synthetic'),
    documents: positiveInt.max(10_000_000).default(2_000),
    seed: z.number().int().nonnegative().optional(),
    background: z.enum(['grammar', 'shared']).default('grammar'),
    repeated: z
      .object({
        perCount: positiveInt,
        counts: z.array(positiveInt).min(1),
        /** Pseudo-words per sequence (default 24). */
        words: positiveInt.max(1_000).optional(),
        /** Fraction range of the documents planted into (default [0, 1]). */
        range: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).refine(([lo, hi]) => lo < hi, 'range must be [lo, hi] with lo < hi').optional(),
      })
      .strict()
      .default({ perCount: 2, counts: [1, 4, 16] }),
    arithmetic: z
      .object({ facts: z.number().int().nonnegative(), maxOperand: positiveInt.max(100_000).optional(), zipf: z.number().positive().max(10).optional() })
      .strict()
      .optional(),
    /** Documents generated like the corpus but kept out of training: the held-out perplexity probe. */
    heldout: z.number().int().nonnegative().max(100_000).default(64),
    pronouns: z
      .object({ sentences: z.number().int().nonnegative(), stereotypeRatio: z.number().min(0).max(1).default(0.8) })
      .optional(),
    /** Exact and near copies of documents, for the deduplicated variant to remove (default 5% each). */
    duplicates: z.object({ exact: z.number().int().nonnegative(), near: z.number().int().nonnegative() }).optional(),
  }),
]);

const tokenizerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train'), vocabSize: z.number().int().min(258).max(65_536) }),
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
]);

/** GPT-NeoX config fields a model may set explicitly, on top of its preset (HF names in camelCase). */
const modelConfigOverrides = z
  .object({
    hiddenSize: positiveInt.max(65_536),
    numLayers: positiveInt.max(1_024),
    numHeads: positiveInt.max(1_024),
    intermediateSize: positiveInt,
    rotaryPct: z.number().gt(0).max(1),
    rotaryEmbBase: z.number().positive(),
    useParallelResidual: z.boolean(),
    hiddenAct: z.enum(['gelu', 'gelu_new']),
    layerNormEps: z.number().positive(),
  })
  .partial()
  .strict()
  .refine((c) => c.hiddenSize === undefined || c.numHeads === undefined || c.hiddenSize % c.numHeads === 0, {
    message: 'numHeads must divide hiddenSize',
    path: ['numHeads'],
  });

const modelSchema = z
  .object({
    name: identifier.optional(),
    /** The preset every unset field (architecture and optimiser) defaults from. */
    preset: identifier,
    config: modelConfigOverrides.optional(),
    learningRate: z.number().positive().max(1).optional(),
    placement: identifier.optional(),
  })
  .strict();

/** Learning-rate schedule of every run: warmup, then decay to minLrRatio × the model's LR. */
const lrScheduleSchema = z
  .object({
    /** `neox`: GPT-NeoX's exact AnnealingLR as Pythia used it; `cosine`: the textbook form. */
    kind: z.enum(['neox', 'cosine', 'constant']).default('neox'),
    warmupFraction: z.number().min(0).max(1).default(0.01),
    minLrRatio: z.number().min(0).max(1).default(0.1),
  })
  .strict()
  .default({});

const checkpointScheduleSchema = z.discriminatedUnion('kind', [
  /** Pythia: 0, then powers of two up to `logUntil`, then every `every` steps, and the last step. */
  z.object({
    kind: z.literal('pythia'),
    logUntil: positiveInt.optional(),
    every: positiveInt.optional(),
  }),
  z.object({ kind: z.literal('list'), steps: z.array(z.number().int().nonnegative()).min(1) }),
  z.object({ kind: z.literal('every'), every: positiveInt }),
]);

const interventionSchema = z.object({
  name: identifier,
  parent: identifier,
  transform: z.enum(['pronoun-swap']),
  /** Fraction of training (at the end) the transform covers, e.g. 0.07 or 0.21 as in Pythia. */
  lastFraction: z.number().gt(0).lt(1),
});

export const suiteSpecSchema = z
  .object({
    name: identifier,
    /** Seed of data preparation (tokenizer, dedup, synthetic corpus) and, without `seeds`, of every run. */
    seed: z.number().int().nonnegative().max(2 ** 31 - 1).default(1234),
    /**
     * PolyPythias: every model × variant is trained once per seed; a run's seed sets its
     * initialisation and its data order (the same corpus and tokenizer, shuffled by that seed).
     */
    seeds: z
      .array(z.number().int().nonnegative().max(2 ** 31 - 1))
      .min(1)
      .max(64)
      .refine((s) => new Set(s).size === s.length, 'seeds must not repeat')
      .optional(),
    corpus: corpusSchema,
    tokenizer: tokenizerSchema.default({ kind: 'train', vocabSize: 4096 }),
    variants: z
      .array(z.enum(['standard', 'deduplicated']))
      .min(1)
      .refine((v) => new Set(v).size === v.length, 'variants must not repeat')
      .default(['standard']),
    /** Near-duplicate detection for the deduplicated variant (MinHash LSH over word shingles). */
    dedup: z
      .object({
        threshold: z.number().gt(0).max(1).default(0.87),
        numPerm: positiveInt.max(1024).default(128),
        bands: positiveInt.default(16),
        ngram: positiveInt.max(32).default(5),
      })
      .strict()
      .refine((d) => d.numPerm % d.bands === 0, { message: 'bands must divide numPerm', path: ['bands'] })
      .default({}),
    /**
     * `cohort`: Cohort's seeded order; `neox`: GPT-NeoX v1.0's GPT2Dataset order (Pythia's);
     * `sequential`: documents in corpus order, unshuffled (a control: what was planted early is seen early).
     */
    orderMode: z.enum(['cohort', 'neox', 'sequential']).default('cohort'),
    /**
     * Arithmetic of every run's training: `fp32`, or `bf16` mixed precision (bf16 matmuls, fp32
     * master weights and optimiser state; CUDA only). `auto`: bf16 on a CUDA worker, fp32 on CPU.
     */
    precision: z.enum(['auto', 'fp32', 'bf16']).default('auto'),
    seqLength: positiveInt.max(8192).default(128),
    globalBatch: positiveInt.default(8),
    microBatch: positiveInt.optional(),
    /** Training length in optimiser steps, or in tokens (rounded up to whole steps). */
    steps: positiveInt.max(10_000_000).optional(),
    tokens: positiveInt.optional(),
    lrSchedule: lrScheduleSchema,
    models: z.array(modelSchema).min(1, 'a suite needs at least one model'),
    checkpoints: checkpointScheduleSchema.default({ kind: 'pythia' }),
    evals: evalsSchema,
    analyses: analysesSchema,
    interventions: z.array(interventionSchema).default([]),
    /** Task queues: `default` for runs without their own, `data` for data preparation (CPU work). */
    placement: z
      .object({ default: identifier.default('cpu'), data: identifier.default('cpu') })
      .strict()
      .default({ default: 'cpu', data: 'cpu' }),
    maxConcurrentRuns: positiveInt.max(256).default(4),
  })
  .strict()
  .superRefine((spec, ctx) => {
    // A validated spec carries both (steps derived from tokens) and must validate again unchanged.
    const derived = spec.tokens !== undefined && spec.steps === totalSteps({ ...spec, steps: undefined });
    if ((spec.steps === undefined) === (spec.tokens === undefined) && !derived) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['steps'], message: 'give exactly one of steps or tokens' });
      return;
    }
    if (spec.microBatch !== undefined && spec.globalBatch % spec.microBatch !== 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['microBatch'],
        message: `must divide globalBatch (${spec.globalBatch})`,
      });
    }
    const known = presetNames();
    spec.models.forEach((m, i) => {
      if (!known.includes(m.preset)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['models', i, 'preset'],
          message: `unknown preset "${m.preset}"; known: ${known.join(', ')}`,
        });
        return;
      }
      try {
        validateConfig(modelConfigOf(m));
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['models', i, 'config'], message: (err as Error).message });
      }
    });
    const names = spec.models.map((m) => m.name ?? m.preset);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['models', i, 'name'],
          message: `duplicate model name "${name}"`,
        });
      }
    });
    const steps = totalSteps(spec);
    const cp = spec.checkpoints;
    if (cp.kind === 'list') {
      cp.steps.forEach((step, i) => {
        if (step > steps) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['checkpoints', 'steps', i],
            message: `step ${step} is beyond the end of training (${steps})`,
          });
        }
      });
    }
    evalsIssues(spec.evals, { corpusKind: spec.corpus.kind, checkpointSteps: () => checkpointSteps(spec.checkpoints, steps) }).forEach((i) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['evals', ...i.path], message: i.message }),
    );
    analysisIssues(spec.analyses, { corpus: spec.corpus, seqLength: spec.seqLength, seeds: spec.seeds?.length ?? 1, checkpointSteps: () => checkpointSteps(spec.checkpoints, steps) }).forEach((i) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['analyses', ...i.path], message: i.message }));
    spec.interventions.forEach((iv, i) => {
      if (!names.includes(iv.parent)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['interventions', i, 'parent'],
          message: `no model named "${iv.parent}" in models`,
        });
      }
    });
  })
  .transform((spec) => ({ ...spec, steps: totalSteps(spec) }));

/** Steps of training: given, or the tokens rounded up to whole global batches. */
function totalSteps(spec: { steps?: number; tokens?: number; globalBatch: number; seqLength: number }): number {
  return spec.steps ?? Math.ceil((spec.tokens ?? 0) / (spec.globalBatch * spec.seqLength));
}

/** The model config of a spec's model: its preset's, with the spec's explicit fields on top. */
export function modelConfigOf(model: { preset: string; config?: Partial<ModelConfig> }): ModelConfig {
  return { ...getPreset(model.preset).model, ...model.config };
}

export type SuiteSpecInput = z.input<typeof suiteSpecSchema>;
export type SuiteSpec = z.output<typeof suiteSpecSchema>;
