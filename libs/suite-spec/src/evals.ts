import { z } from 'zod';
import { checkEvalRequest, syntheticTaskNames, taskNames } from '@cohort/evals';

/**
 * The spec's `evals` block: which tasks, with how many few-shot examples, on which checkpoints,
 * on which queue. The list form of earlier specs (`evals: [piqa, lambada_openai]`) stays valid and
 * means those tasks, 0-shot, on every checkpoint.
 */

const taskName = z.string().min(1).max(64);
const shotsSchema = z.union([z.number().int().nonnegative().max(64), z.array(z.number().int().nonnegative().max(64)).min(1)]);
const limitSchema = z.number().int().positive();

const taskEntrySchema = z.union([
  taskName,
  z.object({ task: taskName, shots: shotsSchema.optional(), limit: limitSchema.optional() }).strict(),
]);

/** Which of a run's checkpoints are evaluated. */
export const evalCheckpointsSchema = z.union([
  z.enum(['all', 'pythia', 'final']),
  z.object({ every: z.number().int().positive() }).strict(),
  z.object({ steps: z.array(z.number().int().nonnegative()).min(1) }).strict(),
]);

export const evalsBlockSchema = z
  .object({
    tasks: z.array(taskEntrySchema).default([]),
    /** Shots of every task that does not set its own (Pythia ran 0 and 5). */
    shots: shotsSchema.default(0),
    /** Documents per task (lm-eval's --limit), for quick suites; a task's own limit wins. */
    limit: limitSchema.optional(),
    checkpoints: evalCheckpointsSchema.default('all'),
    /** Task queue of the evaluation activities; default: the queue of the run being evaluated. */
    placement: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/i).optional(),
  })
  .strict();

/** One (task, shots) pair to evaluate, with its document limit. */
export interface EvalTask {
  task: string;
  shots: number;
  limit?: number;
}

export interface EvalPlan {
  tasks: EvalTask[];
  checkpoints: EvalsBlock['checkpoints'];
  placement?: string;
}

const asList = (shots: number | number[]): number[] => (Array.isArray(shots) ? shots : [shots]);

/** Expands the block into one entry per (task, shots). */
export function expandEvals(block: EvalsBlock): EvalPlan {
  const tasks = block.tasks.flatMap((_, i) => {
    const { task, shots, limit } = taskEntry(block, i);
    return shots.map((n) => ({ task, shots: n, ...(limit ? { limit } : {}) }));
  });
  return { tasks, checkpoints: block.checkpoints, ...(block.placement ? { placement: block.placement } : {}) };
}

/** The block with the list form read as `{ tasks }`; consumers expand it with `expandEvals`. */
export const evalsSchema = z.preprocess(
  (v) => (v === undefined ? { tasks: [] } : Array.isArray(v) ? { tasks: v } : v),
  evalsBlockSchema,
);

export type EvalsBlock = z.output<typeof evalsBlockSchema>;

/** A task entry of the block as `{ task, shots[], limit? }` (the block's shots and limit filled in). */
export function taskEntry(block: EvalsBlock, i: number): { task: string; shots: number[]; limit?: number } {
  const entry = block.tasks[i];
  const e = typeof entry === 'string' ? { task: entry } : entry;
  const limit = e.limit ?? block.limit;
  return { task: e.task, shots: asList(e.shots ?? block.shots), ...(limit ? { limit } : {}) };
}

/**
 * Steps of a run's sorted checkpoints that the plan evaluates. `pythia` keeps those in Pythia's
 * own set (0, 1, 2, 4 … 512, then every 1,000 of 143,000 steps, scaled to the run: `pythiaSteps`).
 */
export function evalSteps(plan: EvalPlan, checkpointSteps: readonly number[], pythiaSteps: readonly number[]): number[] {
  return plan.tasks.length === 0 ? [] : selectCheckpoints(plan.checkpoints, checkpointSteps, pythiaSteps);
}

/** The steps of a run's sorted checkpoints that a selector (`all`, `final`, `pythia`, `{ every }`, `{ steps }`) picks. */
export function selectCheckpoints(c: EvalsBlock['checkpoints'], checkpointSteps: readonly number[], pythiaSteps: readonly number[]): number[] {
  const last = checkpointSteps[checkpointSteps.length - 1];
  const keep = (pick: (step: number) => boolean) => checkpointSteps.filter(pick);
  if (c === 'all') return [...checkpointSteps];
  if (c === 'final') return [last];
  if (c === 'pythia') return keep((s) => pythiaSteps.includes(s));
  if ('every' in c) return keep((s) => s % c.every === 0 || s === last);
  return keep((s) => c.steps.includes(s));
}

/** A problem with an evals block, at a path inside the block. */
export interface EvalsIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Task names (and the corpus the probes need) and checkpoint steps the suite really writes. The
 * schedule is expanded only when needed: in a spec with other errors it may be invalid (every: 0).
 */
export function evalsIssues(block: EvalsBlock, suite: { corpusKind: string; checkpointSteps: () => readonly number[] }): EvalsIssue[] {
  const known = taskNames();
  const issues: EvalsIssue[] = [];
  block.tasks.forEach((_, i) => {
    const { task } = taskEntry(block, i);
    if (!known.includes(task)) issues.push({ path: ['tasks', i], message: `unknown task "${task}"; known: ${known.join(', ')}` });
    else if (syntheticTaskNames().includes(task) && suite.corpusKind !== 'synthetic')
      issues.push({ path: ['tasks', i], message: `task "${task}" probes the synthetic corpus's planted phenomena; this suite's corpus is "${suite.corpusKind}"` });
  });
  const c = block.checkpoints;
  if (typeof c === 'object' && 'steps' in c) {
    const written = suite.checkpointSteps();
    c.steps.forEach((s, i) => {
      if (!written.includes(s)) issues.push({ path: ['checkpoints', 'steps', i], message: `no checkpoint is written at step ${s}` });
    });
  }
  return issues;
}

/** Each task's data files exist in `sharedDataDir` and can supply the asked-for shots. */
export function evalDataIssues(block: EvalsBlock, sharedDataDir: string | null): EvalsIssue[] {
  return block.tasks.flatMap((_, i) => {
    const { task, shots, limit } = taskEntry(block, i);
    // Unknown tasks are evalsIssues' to report; the synthetic manifest is written after launch.
    if (!taskNames().includes(task) || syntheticTaskNames().includes(task)) return [];
    const problem = shots.map((n) => checkEvalRequest(task, n, limit, { sharedDataDir })).find((p) => p !== null);
    return problem ? [{ path: ['tasks', i], message: problem }] : [];
  });
}
