// Running a task: documents → few-shot prompts → text requests → token requests (encoded,
// truncated, rolled into windows) → one Scorer call → per-document metric items → aggregates.
import * as path from 'node:path';
import { sha256File, sha256Hex } from '@cohort/data';
import type { EvaluateOptions, MetricValue, RequestRecord, TaskDataSource, TaskResult, TokenRequest } from './contracts';
import { FewshotSampler } from './fewshot';
import { aggregate, type MetricItem } from './metrics';
import { encodePair, rollingWindows, truncateRequest } from './requests';
import type { TaskDefinition, TextRequest } from './task';
import { arcChallenge, arcEasy } from './tasks/arc';
import { crowsPairsEnglish, crowsPairsEnglishGender } from './tasks/crows-pairs';
import { lambadaOpenai } from './tasks/lambada';
import { logiqa } from './tasks/logiqa';
import { piqa } from './tasks/piqa';
import { sciq } from './tasks/sciq';
import { syntheticArithmetic, syntheticHeldout, syntheticPronoun, syntheticRepeated } from './tasks/synthetic';
import { wikitext } from './tasks/wikitext';
import { winobias } from './tasks/winobias';
import { winogrande, wsc273 } from './tasks/winograd';

/** Probes of a suite's synthetic corpus: they read its manifest, not the shared benchmark files. */
const SYNTHETIC: TaskDefinition<unknown>[] = [syntheticArithmetic, syntheticPronoun, syntheticRepeated, syntheticHeldout];

const TASKS: TaskDefinition<unknown>[] = [
  lambadaOpenai, piqa, arcEasy, arcChallenge, sciq, logiqa, winogrande, wsc273,
  crowsPairsEnglish, crowsPairsEnglishGender, winobias, wikitext,
  ...SYNTHETIC,
];

/** lm-eval's default few-shot seed, and its default number of bootstrap resamples for perplexity stderrs. */
export const DEFAULT_FEWSHOT_SEED = 1234;
export const DEFAULT_BOOTSTRAP_ITERS = 100_000;

export function taskNames(): string[] {
  return TASKS.map((t) => t.name);
}

export function syntheticTaskNames(): string[] {
  return SYNTHETIC.map((t) => t.name);
}

export function getTask(name: string): TaskDefinition<unknown> | undefined {
  return TASKS.find((t) => t.name === name);
}

/** What stands in the way of evaluating `name` with these settings, as a sentence; null when nothing. */
export function checkEvalRequest(name: string, shots: number, limit: number | undefined, data: TaskDataSource): string | null {
  const task = getTask(name);
  if (!task) return `unknown task '${name}'; known tasks: ${taskNames().join(', ')}`;
  if (!Number.isInteger(shots) || shots < 0) return `${name}: shots must be a non-negative integer, got ${shots}`;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return `${name}: limit must be a positive integer, got ${limit}`;
  const files = task.files(data);
  if (typeof files === 'string') return `${name}: ${files}`;
  if (shots === 0) return null;
  const pool = fewshotPool(task, data, () => task.load(files));
  if (typeof pool === 'string') return `${name}: ${pool}`;
  const { docs, ownSplit } = pool;
  // From the evaluated split a document cannot be its own example: one fewer is available.
  const available = ownSplit ? docs.length - 1 : docs.length;
  if (shots > available) {
    return `${name}: ${shots} shots asked, but its few-shot ${ownSplit ? 'source (the evaluated split, less the document itself)' : 'split'} has only ${available} document${available === 1 ? '' : 's'}`;
  }
  return null;
}

/** The few-shot documents and whether they are the evaluated split itself, or why there are none. */
function fewshotPool<D>(task: TaskDefinition<D>, data: TaskDataSource, evalDocs: () => D[]): { docs: D[]; files: string[]; ownSplit: boolean } | string {
  const source = task.fewshot;
  if (source.kind === 'none') return `few-shot examples are not supported: ${source.reason}`;
  if (source.kind === 'eval_split') return { docs: evalDocs(), files: [], ownSplit: true };
  const files = source.files(data);
  return typeof files === 'string' ? `few-shot split: ${files}` : { docs: source.load(files), files, ownSplit: false };
}

/**
 * sha256 of the data a result depends on: a single file's own sha256 (as the data READMEs list
 * it), else the sha256 of the sorted "<sha256>  <folder>/<file>\n" lines of all files.
 */
export function dataSha256(files: string[]): string {
  if (files.length === 1) return sha256File(files[0]);
  const lines = files.map((f) => `${sha256File(f)}  ${path.basename(path.dirname(f))}/${path.basename(f)}\n`).sort();
  return sha256Hex(lines.join(''));
}

async function tokenize(request: TextRequest, opts: EvaluateOptions): Promise<TokenRequest[]> {
  const { tokenizer, scorer } = opts;
  if ('rolling' in request) return rollingWindows(await tokenizer.encode(request.rolling), tokenizer.eodId, scorer.maxLength);
  return [truncateRequest(await encodePair(tokenizer, request.context, request.continuation), scorer.maxLength)];
}

/** A task's scored documents, each with its text requests (few-shot prefix included), in order. */
export interface TaskPrompts {
  task: TaskDefinition<unknown>;
  /** Every document of the split (metrics may depend on the whole set), and the scored ones. */
  allDocs: unknown[];
  docs: unknown[];
  /** The task's data files and the few-shot split's, for the data hash. */
  files: string[];
  requests: TextRequest[][];
}

/**
 * The prompts `evaluateTask` scores, before tokenization: lm-eval's documents, few-shot pool and
 * sampler, drawn in document order. Throws the `checkEvalRequest` sentence for a bad request.
 */
export function taskPrompts(name: string, data: TaskDataSource, shots: number, limit?: number, fewshotSeed = DEFAULT_FEWSHOT_SEED): TaskPrompts {
  const problem = checkEvalRequest(name, shots, limit, data);
  if (problem) throw new Error(problem);
  const task = getTask(name)!;
  const files = task.files(data) as string[];
  const allDocs = task.load(files);
  const docs = limit === undefined ? allDocs : allDocs.slice(0, limit);
  // The few-shot pool is the whole split, whatever the limit (lm-eval's sampler gets every document).
  const pool = shots > 0 ? (fewshotPool(task, data, () => allDocs) as { docs: unknown[]; files: string[] }) : null;
  const sampler = new FewshotSampler(task, pool?.docs ?? [], shots, fewshotSeed);
  const requests = docs.map((doc) => task.requests(doc, sampler.prefix(doc)));
  return { task, allDocs, docs, files: [...files, ...(pool?.files ?? [])], requests };
}

export async function evaluateTask(name: string, opts: EvaluateOptions): Promise<TaskResult> {
  const shots = opts.shots ?? 0;
  const { task, allDocs, docs, files, requests } = taskPrompts(name, opts.data, shots, opts.limit, opts.fewshotSeed);

  // Token requests of every document, in order; perDoc[i] = how many belong to document i.
  const tokenRequests: TokenRequest[] = [];
  const perDoc: number[] = [];
  for (const docRequests of requests) {
    const before = tokenRequests.length;
    for (const request of docRequests) tokenRequests.push(...(await tokenize(request, opts)));
    perDoc.push(tokenRequests.length - before);
  }

  const total = tokenRequests.length;
  const results = await opts.scorer.score(tokenRequests, opts.onProgress && ((scored) => opts.onProgress!(scored, total)));
  if (results.length !== total) throw new Error(`${name}: the scorer returned ${results.length} results for ${total} requests`);

  const items = new Map<string, MetricItem[]>();
  const records: RequestRecord[] = [];
  let next = 0;
  docs.forEach((doc, d) => {
    const own = results.slice(next, next + perDoc[d]);
    own.forEach((r, index) => {
      const q = tokenRequests[next + index];
      records.push({ doc: d, index, contextTokens: q.context.length, continuationTokens: q.continuation.length, logprob: r.logprob, isGreedy: r.isGreedy });
    });
    next += perDoc[d];
    for (const [metric, value] of Object.entries(task.processResults(doc, own))) {
      if (!items.has(metric)) items.set(metric, []);
      items.get(metric)!.push(value);
    }
  });

  const metrics: MetricValue[] = task
    .metrics(allDocs)
    .filter((m) => items.has(m.name)) // a limit can leave a subset (e.g. winobias type 2) without documents
    .map((m) => ({ metric: m.name, ...aggregate(m.aggregation, items.get(m.name)!, opts.bootstrapIters ?? DEFAULT_BOOTSTRAP_ITERS) }));

  return {
    task: name,
    version: task.version,
    shots,
    n: docs.length,
    dataSha256: dataSha256(files),
    metrics,
    requests: records,
  };
}
