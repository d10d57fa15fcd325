import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CohortTokenizer, sharedDataDir } from '@cohort/data';
import { checkEvalRequest, engineScorer, evaluateTask, type TaskResult } from '@cohort/evals';
import { importHf, verifyCheckpoint, type GPTNeoX } from '@cohort/model';

export const EVAL_USAGE = `  cohort eval <checkpoint-dir> --tasks t1,t2 [--shots N] [--limit N] [--tokenizer <tokenizer.json>] [--json]
      evaluates any HF GPT-NeoX directory (a Cohort checkpoint, or e.g. a Pythia model on disk:
      safetensors or pytorch_model.bin) with lm-eval-harness semantics; tasks read ../shared/data
      (or $COHORT_SHARED_DATA); the tokenizer defaults to tokenizer.json in the directory`;

/** `cohort eval DIR`: lm-eval's table (or JSON) for a checkpoint on disk, no services needed. */
export async function evalCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tasks: { type: 'string' },
      shots: { type: 'string', default: '0' },
      limit: { type: 'string' },
      tokenizer: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const [dir] = positionals;
  if (!dir || positionals.length !== 1) throw new Error('give exactly one checkpoint directory');
  const tasks = (values.tasks ?? '').split(',').filter(Boolean);
  if (tasks.length === 0) throw new Error('give --tasks, e.g. --tasks piqa,lambada_openai');
  const shots = nonNegativeInt('--shots', values.shots);
  const limit = values.limit === undefined ? undefined : nonNegativeInt('--limit', values.limit);
  if (limit === 0) throw new Error('--limit must be at least 1');
  const tokenizerPath = values.tokenizer ?? join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`no tokenizer at ${tokenizerPath}; give --tokenizer <tokenizer.json>`);

  const data = { sharedDataDir: sharedDataDir() };
  const problem = tasks.map((t) => checkEvalRequest(t, shots, limit, data)).find((p) => p !== null);
  if (problem) throw new Error(problem); // before loading a model that may take minutes to read

  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const model = loadModel(dir);
  const results: TaskResult[] = [];
  try {
    for (const task of tasks) {
      results.push(await evaluateTask(task, { tokenizer, scorer: engineScorer(model), data, shots, limit }));
    }
  } finally {
    model.dispose();
  }
  // Per-request records are for artefacts, not for the terminal.
  if (values.json) return JSON.stringify(results.map((r) => ({ ...r, requests: undefined })), null, 2) + '\n';
  return formatTable(results);
}

/** A Cohort checkpoint is verified against its manifest first; any other HF directory loads as is. */
function loadModel(dir: string): GPTNeoX {
  if (existsSync(join(dir, 'manifest.json'))) verifyCheckpoint(dir);
  return importHf(dir);
}

function nonNegativeInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${v}"`);
  return n;
}

/** lm-eval's results table: one row per metric, value ± stderr. */
export function formatTable(results: TaskResult[]): string {
  const rows = results.flatMap((r) =>
    r.metrics.map((m, i) => [i === 0 ? r.task : '', i === 0 ? r.version : '', i === 0 ? String(r.shots) : '', m.metric, m.value.toFixed(4), m.stderr === null ? '' : '±', m.stderr === null ? 'N/A' : m.stderr.toFixed(4)]),
  );
  const head = ['Tasks', 'Version', 'n-shot', 'Metric', 'Value', '', 'Stderr'];
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => `|${cells.map((cell, c) => (c === 4 || c === 6 ? cell.padStart(width[c]) : cell.padEnd(width[c]))).join('|')}|`;
  const rule = `|${width.map((w, c) => (c === 4 || c === 6 ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n') + '\n';
}
