#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { InvalidSuiteSpecError, parseSuiteSpec } from '@cohort/suite-spec';
import type { RunProgress } from '@cohort/workflows';
import type { SuiteSummaryView, SuiteView } from '../suites/suite.views';
import { SUITE_PAGE } from '../common/page-sizes';
import { ANALYSIS_USAGE, analysisCommand, suiteAnalysesDigest, suiteAnalysisCommand } from './analysis-command';
import { ApiClient, ApiError } from './api-client';
import { BATCH_USAGE, batchCommand } from './batch-command';
import { EVAL_USAGE, evalCommand } from './eval-command';
import { SUITE_EVAL_USAGE, suiteEvalCommand } from './suite-eval-command';
import { resolveToken } from './credentials';
import { TOKEN_USAGE, tokenCommand } from './token-command';

const USAGE = `usage:
  cohort suite launch <spec.yaml> [--wait]   validate a suite spec and launch it
  cohort suite show <suite-id>               a suite with its runs, checkpoints and probes
  cohort suite list                          recent suites
  cohort suite progress <suite-id>           live step, loss, tokens/s and ETA of each run
  cohort suite pause|resume|cancel <suite-id>
  cohort run pause|resume|cancel <run-id>
${SUITE_EVAL_USAGE}
${ANALYSIS_USAGE}
${BATCH_USAGE}
${EVAL_USAGE}
${TOKEN_USAGE}
environment: COHORT_API_URL (default http://127.0.0.1:3000); COHORT_TOKEN, else a token file (mode 0600):
  COHORT_TOKEN_FILE, ~/.config/cohort/token, or the .cohort/admin-token that setup writes`;

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const CONTROL = new Set(['pause', 'resume', 'cancel']);

type RunProgressRow = RunProgress & { name: string };

function formatProgress(r: RunProgressRow): string {
  const loss = r.lastLoss === null ? '-' : r.lastLoss.toFixed(4);
  const speed = r.tokensPerSecond === null ? '-' : `${Math.round(r.tokensPerSecond)} tok/s`;
  const eta = r.etaSeconds === null ? '' : `, ETA ${r.etaSeconds} s`;
  return `${r.name.padEnd(28)} ${r.state.padEnd(10)} step ${r.step}/${r.totalSteps}  loss ${loss}  ${speed}${eta}`;
}

function summarize(s: SuiteView): string {
  const lines = [`suite ${s.id}  ${s.name}  ${s.status}${s.error ? `  (${s.error})` : ''}`];
  for (const p of s.probes) lines.push(`  worker ${p.taskQueue}@${p.hostname}: ${p.backend}, ${p.threads} threads, ${p.blas}`);
  for (const r of s.runs) {
    const loss = r.checkpoints.at(-1)?.meanLoss;
    const lossText = loss === null || loss === undefined ? '' : `, loss ${loss.toFixed(3)} at step ${r.checkpoints.at(-1)?.step}`;
    lines.push(`  run ${r.name}: ${r.status}, ${r.checkpoints.length} checkpoints${lossText}${r.error ? ` (${r.error})` : ''}`);
  }
  return lines.join('\n');
}

async function launch(api: ApiClient, file: string, wait: boolean): Promise<void> {
  const spec = parseSuiteSpec(readFileSync(file, 'utf8')); // fail fast, before any network call
  let suite = await api.request<SuiteView>('POST', '/suites', spec);
  console.log(`launched suite ${suite.id} (workflow ${suite.workflowId})`);
  while (wait && !TERMINAL.has(suite.status)) {
    await new Promise((r) => setTimeout(r, 1000));
    suite = await api.request<SuiteView>('GET', `/suites/${suite.id}`);
  }
  console.log(summarize(suite));
  if (wait && spec.evals.tasks.length > 0) process.stdout.write(`\n${await suiteEvalCommand(api, 'evals', [suite.id, '--final'])}`);
  if (wait && spec.analyses.length > 0) process.stdout.write(`\n${await suiteAnalysesDigest(api, suite.id)}`);
  if (suite.status === 'failed') process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const api = new ApiClient(process.env.COHORT_API_URL ?? 'http://127.0.0.1:3000', () => resolveToken());
  const [group, command, arg] = argv;
  if (group === 'batch') return void process.stdout.write(await batchCommand(argv.slice(1)));
  if (group === 'eval') return void process.stdout.write(await evalCommand(argv.slice(1)));
  if (group === 'token' && command) return void process.stdout.write(await tokenCommand(api, argv.slice(1)));
  if (group === 'suite' && (command === 'evaluate' || command === 'evals') && arg) {
    return void process.stdout.write(await suiteEvalCommand(api, command, argv.slice(2)));
  }
  if (group === 'suite' && (command === 'analyse' || command === 'analyses') && arg) {
    return void process.stdout.write(await suiteAnalysisCommand(api, command, argv.slice(2)));
  }
  if (group === 'analysis' && (command === 'show' || command === 'download') && arg) {
    return void process.stdout.write(await analysisCommand(api, argv.slice(1)));
  }
  if (group === 'suite' && command === 'launch' && arg) return launch(api, arg, argv.includes('--wait'));
  if (group === 'suite' && command === 'show' && arg) {
    return console.log(summarize(await api.request<SuiteView>('GET', `/suites/${arg}`)));
  }
  if ((group === 'suite' || group === 'run') && CONTROL.has(command) && arg) {
    await api.request('POST', `/${group}s/${arg}/${command}`);
    return console.log(`${command} requested for ${group} ${arg}`);
  }
  if (group === 'suite' && command === 'progress' && arg) {
    const runs = await api.request<RunProgressRow[]>('GET', `/suites/${arg}/progress`);
    return console.log(runs.map(formatProgress).join('\n') || 'no run has started yet');
  }
  if (group === 'suite' && command === 'list') {
    const suites = await api.all<SuiteSummaryView>('/suites', SUITE_PAGE.max);
    return console.log(suites.map((s) => `${s.id}  ${s.status.padEnd(9)}  ${s.name}`).join('\n'));
  }
  console.error(USAGE);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: Error) => {
  const issues = err instanceof InvalidSuiteSpecError ? err.issues : err instanceof ApiError ? err.body.issues : undefined;
  // An API refusal names what was invalid (a spec, an evaluation or analyses request).
  console.error(`cohort: ${issues ? (err instanceof ApiError ? err.message : 'invalid suite spec') : err.message}`);
  for (const i of issues ?? []) console.error(`  ${i.path || '(spec)'}: ${i.message}`);
  process.exitCode = issues ? 2 : 1;
});
