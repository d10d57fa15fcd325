import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { sharedDataDir } from '@cohort/data';
import { checkpointSteps } from './checkpoint-schedule';
import { dataRootIssue } from './data-roots';
import { evalDataIssues, evalsIssues, evalsSchema, expandEvals, type EvalPlan, type EvalsIssue } from './evals';
import { analysisEntrySchema, analysisIssues, type AnalysisEntry } from './analyses';
import { suiteSpecSchema, type SuiteSpec } from './schema';

export interface SpecIssue {
  /** Dotted path of the bad field, e.g. `models[1].preset`; empty for the spec as a whole. */
  path: string;
  message: string;
}

export class InvalidSuiteSpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(`invalid suite spec: ${issues.map((i) => `${i.path || '(spec)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidSuiteSpecError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export interface ValidateOptions {
  /**
   * Also check the files the spec names, here (the API does; a remote CLI cannot): each must
   * exist and resolve inside one of `dataRoots`, the folders this server may read specs' data from.
   */
  checkPaths?: { dataRoots: readonly string[] };
}

/** Validates a parsed spec (object) and returns it with defaults filled in, or throws with every issue. */
export function validateSuiteSpec(input: unknown, options: ValidateOptions = {}): SuiteSpec {
  const result = suiteSpecSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidSuiteSpecError(
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  if (options.checkPaths) {
    const unreadable = pathIssues(result.data, options.checkPaths.dataRoots);
    if (unreadable.length > 0) throw new InvalidSuiteSpecError(unreadable);
  }
  return result.data;
}

function pathIssues(spec: SuiteSpec, dataRoots: readonly string[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (spec.corpus.kind === 'files') {
    spec.corpus.paths.forEach((p, i) => {
      const message = dataRootIssue(p, dataRoots, 'file or folder');
      if (message) issues.push({ path: `corpus.paths[${i}]`, message });
    });
  }
  const tokenizer = spec.tokenizer.kind === 'file' ? dataRootIssue(spec.tokenizer.path, dataRoots, 'file') : undefined;
  if (tokenizer) issues.push({ path: 'tokenizer.path', message: tokenizer });
  issues.push(...atPath(['evals'], evalDataIssues(spec.evals, sharedDataDir())));
  return issues;
}

const atPath = (prefix: (string | number)[], issues: EvalsIssue[]): SpecIssue[] =>
  issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));

/**
 * Validates a request to evaluate an existing suite on more tasks or checkpoints: an `evals`
 * block (or task list) checked against that suite's corpus, checkpoints and the task data here.
 */
export function validateEvalsRequest(input: unknown, spec: SuiteSpec): EvalPlan {
  const result = evalsSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidSuiteSpecError(result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const block = result.data;
  const issues = atPath([], [
    ...evalsIssues(block, { corpusKind: spec.corpus.kind, checkpointSteps: () => checkpointSteps(spec.checkpoints, spec.steps) }),
    ...evalDataIssues(block, sharedDataDir()),
  ]);
  if (block.tasks.length === 0) issues.push({ path: 'tasks', message: 'name at least one task' });
  if (issues.length > 0) throw new InvalidSuiteSpecError(issues);
  return expandEvals(block);
}

/**
 * Validates a request to run analyses on an existing suite: `{ analyses: [entry…] }`, each entry
 * checked as in a spec against that suite (its corpus, sequence length, seeds, checkpoints).
 */
export function validateAnalysesRequest(input: unknown, spec: SuiteSpec): AnalysisEntry[] {
  const body = input as { analyses?: unknown } | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.analyses) || body.analyses.length === 0) {
    throw new InvalidSuiteSpecError([{ path: 'analyses', message: 'give a non-empty list of analyses, e.g. {"analyses": ["memorization"]}' }]);
  }
  const issues: SpecIssue[] = [];
  const entries = body.analyses.flatMap((entry, i) => {
    const result = analysisEntrySchema.safeParse(entry);
    if (result.success) return [result.data];
    issues.push(...result.error.issues.map((x) => ({ path: formatPath(['analyses', i, ...x.path]), message: x.message })));
    return [];
  });
  if (issues.length > 0) throw new InvalidSuiteSpecError(issues);
  issues.push(...atPath(['analyses'], analysisIssues(entries, analysisFacts(spec))));
  if (issues.length > 0) throw new InvalidSuiteSpecError(issues);
  return entries;
}

/** What `analysisIssues` checks of a validated suite. */
const analysisFacts = (spec: SuiteSpec) => ({
  corpus: spec.corpus,
  seqLength: spec.seqLength,
  seeds: spec.seeds?.length ?? 1,
  checkpointSteps: () => checkpointSteps(spec.checkpoints, spec.steps),
});

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseSuiteSpec(text: string, options: ValidateOptions = {}): SuiteSpec {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new InvalidSuiteSpecError([{ path: '', message: `not valid YAML/JSON: ${(err as Error).message}` }]);
  }
  return validateSuiteSpec(parsed, options);
}

/** Canonical JSON (sorted keys) of the validated spec, so equal specs hash equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function specHash(spec: SuiteSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}
