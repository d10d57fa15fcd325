import { parseArgs } from 'node:util';
import type { EvaluationRequestView, EvaluationView } from '../evaluations/evaluation.views';
import type { ApiClient } from './api-client';

export const SUITE_EVAL_USAGE = `  cohort suite evaluate <suite-id> --tasks t1,t2 [--shots 0,5] [--limit N] [--checkpoints all|final|pythia|every:K|S1,S2]
      evaluates a suite's checkpoints on more tasks, without retraining (adds only missing rows)
  cohort suite evals <suite-id> [--task T] [--metric M] [--final]
      the suite's evaluations; --final: each run's last checkpoint, one column per run`;

/** `cohort suite evaluate` and `cohort suite evals`, through the REST API. */
export async function suiteEvalCommand(api: ApiClient, command: 'evaluate' | 'evals', argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tasks: { type: 'string' },
      shots: { type: 'string' },
      limit: { type: 'string' },
      checkpoints: { type: 'string' },
      task: { type: 'string' },
      metric: { type: 'string' },
      final: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const [suiteId] = positionals;
  if (command === 'evaluate') {
    const body = {
      tasks: (values.tasks ?? '').split(',').filter(Boolean),
      ...(values.shots ? { shots: values.shots.split(',').map(Number) } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
      ...(values.checkpoints ? { checkpoints: checkpointsOption(values.checkpoints) } : {}),
    };
    const r = await api.request<EvaluationRequestView>('POST', `/suites/${suiteId}/evaluate`, body);
    return `evaluating ${r.tasks.join(', ')} (workflow ${r.workflowId})\n`;
  }
  const query = new URLSearchParams({ ...(values.task ? { task: values.task } : {}), ...(values.metric ? { metric: values.metric } : {}) });
  const rows = await api.request<EvaluationView[]>('GET', `/suites/${suiteId}/evaluations?${query}`);
  if (rows.length === 0) return 'no evaluations recorded yet\n';
  return values.final ? finalTable(rows) : rows.map((r) => `${r.run.padEnd(24)} step ${String(r.step).padStart(6)}  ${r.task}/${r.metric} ${r.shots}-shot  ${r.value.toFixed(4)}${r.stderr === null ? '' : ` ± ${r.stderr.toFixed(4)}`}  (n=${r.n})`).join('\n') + '\n';
}

/** `all`, `final`, `pythia`, `every:K`, or a comma list of steps, as the spec's evals.checkpoints. */
function checkpointsOption(v: string): unknown {
  if (['all', 'final', 'pythia'].includes(v)) return v;
  if (v.startsWith('every:')) return { every: Number(v.slice(6)) };
  return { steps: v.split(',').map(Number) };
}

/** Each run's last evaluated checkpoint: rows (task, metric, shots), one column per run. */
export function finalTable(rows: EvaluationView[]): string {
  const lastStep = new Map<string, number>();
  for (const r of rows) lastStep.set(r.run, Math.max(lastStep.get(r.run) ?? -1, r.step));
  const final = rows.filter((r) => r.step === lastStep.get(r.run));
  const runs = [...lastStep.keys()].sort();
  const keys = [...new Set(final.map((r) => `${r.task}|${r.metric}|${r.shots}`))].sort();
  const value = new Map(final.map((r) => [`${r.task}|${r.metric}|${r.shots}|${r.run}`, r.value]));
  const show = (v: number | undefined) => (v === undefined ? '-' : Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(4));
  const label = (k: string) => { const [task, metric, shots] = k.split('|'); return `${task} ${metric}${shots === '0' ? '' : ` (${shots}-shot)`}`; };
  const first = Math.max(6, ...keys.map((k) => label(k).length));
  const width = runs.map((r) => Math.max(8, r.length));
  const header = ['metric'.padEnd(first), ...runs.map((r, i) => r.padStart(width[i]))].join('  ');
  const lines = keys.map((k) => [label(k).padEnd(first), ...runs.map((r, i) => show(value.get(`${k}|${r}`)).padStart(width[i]))].join('  '));
  const steps = runs.map((r) => `${r}@${lastStep.get(r)}`).join(', ');
  return [`final checkpoints: ${steps}`, header, ...lines].join('\n') + '\n';
}
