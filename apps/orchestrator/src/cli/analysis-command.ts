import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalysisDetailView, AnalysisView } from '../analyses/analysis.views';
import type { ApiClient } from './api-client';

export const ANALYSIS_USAGE = `  cohort suite analyse <suite-id> KIND[,KIND…] [--params JSON]
      runs analyses of a suite (memorization, term-frequency, bias, stability); --params is merged
      into each entry, e.g. --params '{"prompt": 16}'; asking again starts nothing new
  cohort suite analyses <suite-id> [--kind K] [--status S] [--wait]
      the suite's analyses; --wait: until none is pending or running
  cohort analysis show <analysis-id>             its headline table and summary lines, its artefacts
  cohort analysis download <analysis-id> <name> [--out FILE]   an artefact (default: ./<name>)`;

const ACTIVE = new Set(['pending', 'running']);

/** `cohort suite analyse` and `cohort suite analyses`, through the REST API. */
export async function suiteAnalysisCommand(
  api: ApiClient,
  command: 'analyse' | 'analyses',
  argv: string[],
  pollMs = 2000,
): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      params: { type: 'string' },
      kind: { type: 'string' },
      status: { type: 'string' },
      wait: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const [suiteId, kinds] = positionals;
  if (command === 'analyse') {
    if (!kinds) throw new Error('give the kinds to run, e.g. cohort suite analyse <suite-id> memorization,term-frequency');
    const params = paramsOption(values.params);
    const analyses = kinds.split(',').filter(Boolean).map((kind) => (params ? { ...params, kind } : kind));
    const rows = await api.request<AnalysisView[]>('POST', `/suites/${suiteId}/analyses`, { analyses });
    return formatAnalysisList(rows);
  }
  const query = new URLSearchParams({ ...(values.kind ? { kind: values.kind } : {}), ...(values.status ? { status: values.status } : {}) });
  const list = () => api.request<AnalysisView[]>('GET', `/suites/${suiteId}/analyses${String(query) ? `?${query}` : ''}`);
  let rows = await list();
  let last = '';
  while (values.wait && rows.some((r) => ACTIVE.has(r.status))) {
    const counts = countStatuses(rows);
    if (counts !== last) process.stderr.write(`waiting: ${counts}\n`);
    last = counts;
    await new Promise((r) => setTimeout(r, pollMs));
    rows = await list();
  }
  if (values.wait && rows.some((r) => r.status === 'failed')) process.exitCode = 1;
  return rows.length === 0 ? 'no analyses yet\n' : formatAnalysisList(rows);
}

/** `cohort analysis show|download`. */
export async function analysisCommand(api: ApiClient, argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string' } }, strict: true });
  const [id, name] = positionals;
  if (command === 'show' && id) return formatAnalysis(await api.request<AnalysisDetailView>('GET', `/analyses/${id}`));
  if (command === 'download' && id && name) {
    const { bytes, mediaType } = await api.download(`/analyses/${id}/artifacts/${encodeURIComponent(name)}`);
    const out = values.out ?? basename(name);
    writeFileSync(out, bytes);
    return `wrote ${out} (${bytes.byteLength} bytes, ${mediaType})\n`;
  }
  throw new Error(`usage:\n${ANALYSIS_USAGE}`);
}

function paramsOption(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`--params is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('--params must be a JSON object, e.g. {"prompt": 16}');
  return parsed as Record<string, unknown>;
}

function countStatuses(rows: AnalysisView[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

/** One line per analysis: id, kind, status, artefacts, and the error of a failed one. */
export function formatAnalysisList(rows: AnalysisView[]): string {
  const kind = Math.max(4, ...rows.map((r) => r.kind.length));
  return (
    rows
      .map((r) => {
        const files = r.artifacts.length === 0 ? '' : `  ${r.artifacts.length} artefact${r.artifacts.length === 1 ? '' : 's'}`;
        return `${r.id}  ${r.kind.padEnd(kind)}  ${r.status.padEnd(9)}${files}${r.error ? `  (${r.error})` : ''}`;
      })
      .join('\n') + '\n'
  );
}

/**
 * An analysis for the terminal: a header line, its headline table (`result.table`, rows of flat
 * objects), its `result.summary` lines, and its artefacts. The columns are `result.columns` when
 * the result names them, else in first-row order: PostgreSQL's jsonb keeps an object's keys
 * sorted (shortest first), not as written, so only an explicit list survives the database.
 */
export function formatAnalysis(a: AnalysisDetailView): string {
  const lines = [`analysis ${a.id}  ${a.kind}  ${a.status}${a.codeVersion ? `  code ${a.codeVersion}` : ''}`];
  if (a.error) lines.push(`error: ${a.error}`);
  const result = (a.result ?? {}) as { table?: unknown; columns?: unknown; summary?: unknown };
  const columns = Array.isArray(result.columns) ? result.columns.map(String) : undefined;
  if (Array.isArray(result.table) && result.table.length > 0) lines.push('', formatTable(result.table as Record<string, unknown>[], columns).trimEnd());
  else if (a.status === 'completed') lines.push('', '(no table in the result)');
  if (Array.isArray(result.summary) && result.summary.length > 0) lines.push('', ...result.summary.map(String));
  if (a.artifacts.length > 0) {
    lines.push('', `artefacts (cohort analysis download ${a.id} <name>):`);
    const width = Math.max(...a.artifacts.map((f) => f.name.length));
    for (const f of a.artifacts) lines.push(`  ${f.name.padEnd(width)}  ${f.mediaType}  ${f.bytes} bytes`);
  }
  return lines.join('\n') + '\n';
}

/** What `suite launch --wait` ends with: each analysis's status and summary lines, and how to see more. */
export async function suiteAnalysesDigest(api: ApiClient, suiteId: string): Promise<string> {
  const rows = await api.request<AnalysisView[]>('GET', `/suites/${suiteId}/analyses`);
  const details = await Promise.all(rows.map((r) => api.request<AnalysisDetailView>('GET', `/analyses/${r.id}`)));
  return details
    .map((a) => {
      const summary = ((a.result ?? {}) as { summary?: unknown }).summary;
      const lines = Array.isArray(summary) ? summary.map((l) => `  ${String(l)}`) : [];
      return [`${a.kind} ${a.status}${a.error ? `: ${a.error}` : ''}  (cohort analysis show ${a.id})`, ...lines].join('\n');
    })
    .join('\n\n') + '\n';
}

/**
 * Rows of flat objects as aligned text: the columns given, else those of the first row in its
 * order (then any column only later rows have), numbers right-aligned, anything else left-aligned.
 */
export function formatTable(rows: Record<string, unknown>[], order: readonly string[] = []): string {
  const columns: string[] = [...new Set(order)];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const cells = rows.map((row) => columns.map((c) => formatCell(row[c])));
  const numeric = columns.map((c) => rows.every((row) => row[c] === undefined || row[c] === null || typeof row[c] === 'number'));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const align = (text: string, j: number) => (numeric[j] ? text.padStart(widths[j]) : text.padEnd(widths[j]));
  const line = (texts: string[]) => texts.map(align).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const abs = Math.abs(v);
    return abs >= 1e6 || abs < 1e-3 ? v.toExponential(3) : v.toFixed(4);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
