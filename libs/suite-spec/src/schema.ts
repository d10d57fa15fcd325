import { z } from 'zod';
import { presetNames } from '@cohort/model';

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
      .object({ perCount: positiveInt, counts: z.array(positiveInt).min(1) })
      .default({ perCount: 2, counts: [1, 4, 16] }),
    arithmetic: z.object({ facts: z.number().int().nonnegative() }).optional(),
    pronouns: z
      .object({ sentences: z.number().int().nonnegative(), stereotypeRatio: z.number().min(0).max(1).default(0.8) })
      .optional(),
  }),
]);

const tokenizerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train'), vocabSize: z.number().int().min(258).max(65_536) }),
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
]);

const modelSchema = z.object({
  name: identifier.optional(),
  preset: identifier,
  learningRate: z.number().positive().max(1).optional(),
  placement: identifier.optional(),
});

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
    seed: z.number().int().nonnegative().max(2 ** 31 - 1).default(1234),
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
    /** `cohort`: Cohort's seeded order; `neox`: GPT-NeoX v1.0's GPT2Dataset order (Pythia's). */
    orderMode: z.enum(['cohort', 'neox']).default('cohort'),
    seqLength: positiveInt.max(8192).default(128),
    globalBatch: positiveInt.default(8),
    microBatch: positiveInt.optional(),
    steps: positiveInt.max(10_000_000),
    models: z.array(modelSchema).min(1, 'a suite needs at least one model'),
    checkpoints: checkpointScheduleSchema.default({ kind: 'pythia' }),
    evals: z.array(identifier).default([]),
    analyses: z.array(identifier).default([]),
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
    const cp = spec.checkpoints;
    if (cp.kind === 'list') {
      cp.steps.forEach((step, i) => {
        if (step > spec.steps) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['checkpoints', 'steps', i],
            message: `step ${step} is beyond the end of training (${spec.steps})`,
          });
        }
      });
    }
    spec.interventions.forEach((iv, i) => {
      if (!names.includes(iv.parent)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['interventions', i, 'parent'],
          message: `no model named "${iv.parent}" in models`,
        });
      }
    });
  });

export type SuiteSpecInput = z.input<typeof suiteSpecSchema>;
export type SuiteSpec = z.output<typeof suiteSpecSchema>;
