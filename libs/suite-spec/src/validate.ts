import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
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

/** Validates a parsed spec (object) and returns it with defaults filled in, or throws with every issue. */
export function validateSuiteSpec(input: unknown): SuiteSpec {
  const result = suiteSpecSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidSuiteSpecError(
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseSuiteSpec(text: string): SuiteSpec {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new InvalidSuiteSpecError([{ path: '', message: `not valid YAML/JSON: ${(err as Error).message}` }]);
  }
  return validateSuiteSpec(parsed);
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
