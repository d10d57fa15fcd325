// What a task is: lm-eval 0.4's ConfigurableTask reduced to the functions that matter for
// log-likelihood evaluation (doc_to_text/target/choice, construct_requests, process_results,
// the few-shot labelled example), plus where its data lives. Task files declare most tasks through
// the builders below: multiple choice, partial scoring, loglikelihood.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TaskDataSource, TokenResult } from './contracts';
import { argmax, type Aggregation, type MetricItem } from './metrics';
import type { StringRequest } from './requests';

export type OutputType = 'loglikelihood' | 'multiple_choice' | 'loglikelihood_rolling';

/** One request of a document in text: a (context, continuation) pair, or a whole text scored by rolling windows. */
export type TextRequest = StringRequest | { rolling: string };

export interface MetricSpec {
  name: string;
  aggregation: Aggregation;
}

/**
 * Where few-shot examples come from. lm-eval uses the training split when a task has one, else
 * validation, else the evaluated split itself, dropping the document being asked about.
 */
export type FewshotSource<D> =
  | { kind: 'split'; files: (data: TaskDataSource) => string[] | string; load: (files: string[]) => D[] }
  | { kind: 'eval_split' }
  | { kind: 'none'; reason: string };

export interface TaskDefinition<D = unknown> {
  name: string;
  /** lm-eval's metadata.version (ours for tasks lm-eval lacks). */
  version: string;
  outputType: OutputType;
  /** The files the task reads, or a message saying what the data source lacks. */
  files: (data: TaskDataSource) => string[] | string;
  load: (files: string[]) => D[];
  fewshot: FewshotSource<D>;
  // Methods (not function-typed fields) so that a task over any document type is a TaskDefinition<unknown>.
  /** The document as a solved example: what lm-eval's sampler appends per shot, delimiter included. */
  fewshotExample(doc: D): string;
  /** lm-eval's construct_requests with the few-shot prefix already built. */
  requests(doc: D, prefix: string): TextRequest[];
  /** lm-eval's process_results: per-metric items of one document from its requests' results, in order. */
  processResults(doc: D, results: TokenResult[]): Record<string, MetricItem>;
  /** The metrics reported, in order; they may depend on the documents (e.g. repetition counts). */
  metrics(docs: D[]): MetricSpec[];
}

export const TARGET_DELIMITER = ' ';
export const FEWSHOT_DELIMITER = '\n\n';

/** Files under the shared data folder, or what is missing. */
export function sharedFiles(...names: string[]): (data: TaskDataSource) => string[] | string {
  return (data) => {
    if (!data.sharedDataDir) return 'the shared data folder (../shared/data or $COHORT_SHARED_DATA) is absent';
    const files = names.map((n) => path.join(data.sharedDataDir!, n));
    const missing = files.find((f) => !fs.existsSync(f));
    return missing ? `data file missing: ${missing}` : files;
  };
}

export function readJsonl<T>(file: string): T[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

type Common<D> = Pick<TaskDefinition<D>, 'name' | 'version' | 'files' | 'load' | 'fewshot'>;

export interface MultipleChoiceSpec<D> extends Common<D> {
  /** The question (doc_to_text). */
  text: (doc: D) => string;
  /** The answers, scored as continuations after the target delimiter (doc_to_choice). */
  choices: (doc: D) => string[];
  /** Index of the right answer (doc_to_target). */
  gold: (doc: D) => number;
  targetDelimiter?: string;
  /** Defaults to acc and acc_norm; tasks with their own process_results pass both. */
  metrics?: MetricSpec[];
  processResults?: (doc: D, results: TokenResult[]) => Record<string, MetricItem>;
}

/**
 * lm-eval's multiple_choice: one request per choice, acc = argmax of the summed log-likelihoods,
 * acc_norm = argmax of log-likelihood / characters of the choice (without the delimiter).
 */
export function multipleChoice<D>(spec: MultipleChoiceSpec<D>): TaskDefinition<D> {
  const delimiter = spec.targetDelimiter ?? TARGET_DELIMITER;
  return {
    ...pickCommon(spec),
    outputType: 'multiple_choice',
    fewshotExample: (doc) => spec.text(doc) + delimiter + spec.choices(doc)[spec.gold(doc)] + FEWSHOT_DELIMITER,
    requests: (doc, prefix) => spec.choices(doc).map((c) => ({ context: prefix + spec.text(doc), continuation: delimiter + c })),
    processResults: spec.processResults ?? ((doc, results) => choiceAccuracy(spec.choices(doc), spec.gold(doc), results)),
    metrics: () => spec.metrics ?? [{ name: 'acc', aggregation: 'mean' }, { name: 'acc_norm', aggregation: 'mean' }],
  };
}

export function choiceAccuracy(choices: string[], gold: number, results: TokenResult[]): { acc: number; acc_norm: number } {
  const lls = results.map((r) => r.logprob);
  return {
    acc: argmax(lls) === gold ? 1 : 0,
    acc_norm: argmax(lls.map((ll, i) => ll / choices[i].length)) === gold ? 1 : 0,
  };
}

export interface PartialScoringSpec<D> extends Common<D> {
  /** The sentence up to the blank with each option filled in (doc_to_choice). */
  contexts: (doc: D) => string[];
  /** The rest of the sentence, shared by every option (doc_to_target). */
  continuation: (doc: D) => string;
  /** Index of the right option (doc_to_text, lm-eval's "multiple input" mark). */
  gold: (doc: D) => number;
}

/**
 * lm-eval's multiple-input multiple_choice ("partial scoring", Trinh & Le 2018): the same
 * continuation is scored after each option's context; acc = argmax.
 */
export function partialScoring<D>(spec: PartialScoringSpec<D>): TaskDefinition<D> {
  return {
    ...pickCommon(spec),
    outputType: 'multiple_choice',
    fewshotExample: (doc) => spec.contexts(doc)[spec.gold(doc)] + TARGET_DELIMITER + spec.continuation(doc) + FEWSHOT_DELIMITER,
    requests: (doc, prefix) => spec.contexts(doc).map((c) => ({ context: prefix + c, continuation: TARGET_DELIMITER + spec.continuation(doc) })),
    processResults: (doc, results) => ({ acc: argmax(results.map((r) => r.logprob)) === spec.gold(doc) ? 1 : 0 }),
    metrics: () => [{ name: 'acc', aggregation: 'mean' }],
  };
}

export interface LoglikelihoodSpec<D> extends Common<D> {
  text: (doc: D) => string;
  /** Scored right after the text, with no delimiter (lm-eval puts the space into the target). */
  target: (doc: D) => string;
}

/** lm-eval's loglikelihood: acc = the target is the greedy continuation, perplexity = exp(-mean ll). */
export function loglikelihood<D>(spec: LoglikelihoodSpec<D>): TaskDefinition<D> {
  return {
    ...pickCommon(spec),
    outputType: 'loglikelihood',
    fewshotExample: (doc) => spec.text(doc) + TARGET_DELIMITER + spec.target(doc) + FEWSHOT_DELIMITER,
    requests: (doc, prefix) => [{ context: prefix + spec.text(doc), continuation: spec.target(doc) }],
    processResults: (_doc, [r]) => ({ perplexity: r.logprob, acc: r.isGreedy ? 1 : 0 }),
    metrics: () => [{ name: 'perplexity', aggregation: 'perplexity' }, { name: 'acc', aggregation: 'mean' }],
  };
}

function pickCommon<D>(spec: Common<D>): Common<D> {
  return { name: spec.name, version: spec.version, files: spec.files, load: spec.load, fewshot: spec.fewshot };
}
