// The term-frequency study's two compute activities (Pythia §5): cumulative operand counts of a
// run's training text at step boundaries, and the arithmetic tasks at one checkpoint. Both write
// one JSON file under the analysis's term-frequency folder for the run and return its URI; a file
// already there is the result (a retry, or a second workflow, does not recompute it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { buildOperandCounts, CohortTokenizer, openRunOrder, writeFileAtomic, type DataOrder, type TransformedOrder } from '@cohort/data';
import { arithmeticParamErrors, engineGenerator, evaluateArithmetic, type ArithmeticParams } from '@cohort/evals';
import type { LineageClient } from '@cohort/lineage';
import type { ComputeActivities, TermFrequencyParams } from '@cohort/workflows';
import type { ComputeEngine } from '../compute-engine';
import type { Storage } from '../storage';
import { loadVerified } from './evaluate-checkpoint';

export interface TermFrequencyDeps {
  db: LineageClient;
  storage: Storage;
  engine: ComputeEngine;
}

export const OPERAND_COUNTS_FILE = 'operand-counts.json';
export const arithmeticFile = (step: number) => `arithmetic-step${step}.json`;

/** Atomic: a killed worker never leaves a half-written result that would pass as done. */
const writeJsonAtomic = (path: string, value: unknown) => writeFileAtomic(path, JSON.stringify(value) + '\n');

const bad = (message: string) => ApplicationFailure.nonRetryable(message, 'BadTermFrequencyParams');

/** The operands counted: str(x1) for every x1 of the range (Pythia's operand frequency). */
function operandTerms(params: TermFrequencyParams): string[] {
  const r = params.x1;
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v) && v >= 0)) throw bad(`x1 must be [lo, hi] of non-negative integers, got ${JSON.stringify(r)}`);
  if (r[0] > r[1]) throw bad(`x1 range [${r[0]}, ${r[1]}]: lo must not exceed hi`);
  return Array.from({ length: r[1] - r[0] + 1 }, (_, i) => String(r[0] + i));
}

interface OperandCountsFile {
  runId: string;
  orderHash: string;
  windowWords: number;
  maxDigits: number;
  steps: number[];
  terms: string[];
  /** counts[k][t]: occurrences of terms[t] near another number in the samples of steps [0, steps[k]). */
  counts: number[][];
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The file's content when it answers this request; a file written for other settings is an error, not a result. */
function existing<T>(path: string, matches: (content: T) => string | null): T | null {
  if (!existsSync(path)) return null;
  const content = JSON.parse(readFileSync(path, 'utf8')) as T;
  const mismatch = matches(content);
  if (mismatch) throw bad(`${path} already holds results for other settings (${mismatch}); use a new analysis id`);
  return content;
}

/**
 * Cumulative operand counts of the run's training batches (its order, with its intervention
 * transform) at each step boundary: libs/data's nearby-number rule over the decoded samples.
 */
export function countOperandsActivity(deps: TermFrequencyDeps): ComputeActivities['countOperands'] {
  return async ({ analysisId, runId, steps, params }) => {
    const terms = operandTerms(params);
    const { windowWords } = params;
    if (!Number.isInteger(windowWords) || windowWords < 0) throw bad(`windowWords must be a non-negative integer, got ${windowWords}`);
    if (!Array.isArray(steps) || steps.length === 0 || !steps.every((s) => Number.isInteger(s) && s >= 0)) {
      throw bad(`steps must be a non-empty list of non-negative integer step boundaries, got ${JSON.stringify(steps)}`);
    }
    const sorted = [...new Set(steps)].sort((a, b) => a - b);
    const path = join(deps.storage.termFrequency(analysisId, runId), OPERAND_COUNTS_FILE);
    const uri = `file://${path}`;
    const done = existing<OperandCountsFile>(path, (c) =>
      !sameList(c.steps, sorted) ? `steps ${c.steps.join(',')}` : !sameList(c.terms, terms) ? `terms ${c.terms[0]}..${c.terms.at(-1)}` : c.windowWords !== windowWords ? `windowWords ${c.windowWords}` : null,
    );
    if (done) return { uri };

    const run = await deps.db.run.findUniqueOrThrow({
      where: { id: runId },
      include: { dataOrder: { include: { dataset: { include: { tokenizer: true } } } }, checkpoints: true },
    });
    const orderRow = run.dataOrder;
    if (!orderRow) throw ApplicationFailure.nonRetryable(`run ${run.name} has no data order`, 'BadRun');
    let tokenizer: CohortTokenizer;
    let order: DataOrder | TransformedOrder;
    try {
      tokenizer = CohortTokenizer.load(orderRow.dataset.tokenizer.uri);
      order = openRunOrder({
        orderDir: orderRow.uri,
        transform: run.transform && run.branchStep !== null ? { name: run.transform, fromStep: run.branchStep, tokenizer } : undefined,
      });
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'BadData');
    }
    const base = 'order' in order ? order.order : order;
    try {
      if (sorted[sorted.length - 1] > base.steps) {
        throw bad(`run ${run.name}: step boundary ${sorted[sorted.length - 1]} lies beyond its data order's ${base.steps} steps`);
      }
      const ctx = Context.current();
      const counts = await buildOperandCounts(order, tokenizer, sorted, {
        windowWords,
        terms,
        onProgress: (step, of) => ctx.heartbeat({ phase: 'count', step, of }),
      });
      const content: OperandCountsFile = { runId, orderHash: 'hash' in order ? order.hash : order.manifest.hash, ...counts };
      writeJsonAtomic(path, content);
    } finally {
      base.close();
    }
    return { uri };
  };
}

interface ArithmeticFile {
  runId: string;
  step: number;
  checkpointSha256: string;
  params: ArithmeticParams;
  rows: Awaited<ReturnType<typeof evaluateArithmetic>>['rows'];
  accuracy: Awaited<ReturnType<typeof evaluateArithmetic>>['accuracy'];
}

const arithmeticParams = (p: TermFrequencyParams): ArithmeticParams => ({
  template: p.template,
  operations: p.operations,
  shots: p.shots,
  x1: p.x1,
  x2: p.x2,
  maxNewTokens: p.maxNewTokens,
});

/**
 * The arithmetic tasks at one checkpoint, every (operation, shots), per-item correctness: the
 * checkpoint's weights checked against lineage's sha256, greedy generation on the engine.
 * (Whether the `synthetic` template suits the run's suite is checked before this is scheduled.)
 */
export function evaluateArithmeticActivity(deps: TermFrequencyDeps): ComputeActivities['evaluateArithmetic'] {
  return async ({ analysisId, runId, step, params }) => {
    const p = arithmeticParams(params);
    const errors = arithmeticParamErrors(p);
    if (errors.length) throw bad(`arithmetic parameters: ${errors.join('; ')}`);
    const path = join(deps.storage.termFrequency(analysisId, runId), arithmeticFile(step));
    const uri = `file://${path}`;
    const done = existing<ArithmeticFile>(path, (c) => (JSON.stringify(c.params) !== JSON.stringify(p) ? `params ${JSON.stringify(c.params)}` : null));
    if (done) return { uri };

    const run = await deps.db.run.findUniqueOrThrow({
      where: { id: runId },
      include: { checkpoints: { where: { step } }, dataOrder: { include: { dataset: { include: { tokenizer: true } } } } },
    });
    const checkpoint = run.checkpoints[0];
    if (!checkpoint) throw ApplicationFailure.nonRetryable(`run ${run.name} has no recorded checkpoint at step ${step}`, 'MissingCheckpoint');
    const tokenizerPath = run.dataOrder?.dataset.tokenizer.uri;
    if (!tokenizerPath) throw ApplicationFailure.nonRetryable(`run ${run.name} has no tokenizer in lineage`, 'BadRun');
    let tokenizer: CohortTokenizer;
    try {
      tokenizer = CohortTokenizer.load(tokenizerPath);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'BadData');
    }
    const model = loadVerified(deps.storage.checkpoint(runId, step), checkpoint.sha256, run.name, deps.engine);
    try {
      const ctx = Context.current();
      let result: Awaited<ReturnType<typeof evaluateArithmetic>>;
      try {
        result = await evaluateArithmetic({
          tokenizer,
          generator: engineGenerator(model),
          params: p,
          onProgress: (generated, total) => ctx.heartbeat({ phase: 'arithmetic', step, generated, total }),
        });
      } catch (err) {
        // Impossible settings for this model (maxNewTokens beyond its context) do not heal on retry.
        throw ApplicationFailure.nonRetryable(`run ${run.name} step ${step}: ${(err as Error).message}`, 'EvaluationFailed');
      }
      const content: ArithmeticFile = { runId, step, checkpointSha256: checkpoint.sha256, params: p, ...result };
      writeJsonAtomic(path, content);
    } finally {
      model.dispose();
    }
    return { uri };
  };
}
