import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisDetailView, AnalysisView } from '../src/analyses/analysis.views';
import { formatAnalysis, formatAnalysisList, formatTable, suiteAnalysesDigest, suiteAnalysisCommand } from '../src/cli/analysis-command';
import type { ApiClient } from '../src/cli/api-client';

// `cohort analysis show` and `cohort suite analyse|analyses`: pure formatting, and the requests
// the commands make (against a stand-in for the API).

const base: AnalysisView = {
  id: '11111111-2222-3333-4444-555555555555',
  suiteId: '99999999-2222-3333-4444-555555555555',
  kind: 'memorization',
  params: { kind: 'memorization', prompt: 32 },
  status: 'completed',
  error: null,
  workflowId: 'analysis-11111111-2222-3333-4444-555555555555',
  workflowRunId: 'r1',
  codeVersion: 'abc123',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  completedAt: new Date(0),
  artifacts: [],
};

test('a table: first-row columns in order, numbers right-aligned, the rest left-aligned', () => {
  const rows = [
    { run: 'm-standard', step: 2, acc: 0.5, note: 'x' },
    { run: 'm-dedup', step: 100, acc: 0.00001, extra: true, note: null },
  ];
  assert.deepEqual(formatTable(rows).split('\n'), [
    'run         step       acc  note  extra',
    '----------  ----  --------  ----  -----',
    'm-standard     2    0.5000  x     -',
    'm-dedup      100  1.000e-5  -     true',
    '',
  ]);
  // An explicit order (what survives jsonb, which sorts keys) comes first; unnamed columns follow.
  assert.equal(formatTable(rows, ['acc', 'run']).split('\n')[0], '     acc  run         step  note  extra');
  assert.deepEqual(formatTable([{ big: 1234567.5, int: 12, obj: { a: 1 }, neg: -0.25 }]).split('\n').slice(2), ['1.235e+6   12  {"a":1}  -0.2500', '']);
});

test('an analysis: header, its headline table, its summary lines and its artefacts', () => {
  const shown: AnalysisDetailView = {
    ...base,
    artifacts: [
      { name: 'memorization.csv', kind: 'table', mediaType: 'text/csv', bytes: 38, sha256: 'a'.repeat(64), uri: 'file:///x.csv', downloadPath: '/analyses/1/artifacts/memorization.csv', createdAt: new Date(0) },
      { name: 'fig.png', kind: 'figure', mediaType: 'image/png', bytes: 311, sha256: 'b'.repeat(64), uri: 'file:///fig.png', downloadPath: '/analyses/1/artifacts/fig.png', createdAt: new Date(0) },
    ],
    result: {
      table: [
        { pValue: 0.5, run: 'm-standard', step: 24 },
        { pValue: 0.04, run: 'm-deduplicated', step: 24 },
      ],
      columns: ['run', 'step', 'pValue'],
      summary: ['memorization follows a Poisson process in 1 of 2 runs', 'Spearman ρ(early, final) = 0.91'],
    },
    inputs: { checkpoints: [], evaluations: [] },
  };
  assert.equal(
    formatAnalysis(shown),
    [
      `analysis ${base.id}  memorization  completed  code abc123`,
      '',
      'run             step  pValue',
      '--------------  ----  ------',
      'm-standard        24  0.5000',
      'm-deduplicated    24  0.0400',
      '',
      'memorization follows a Poisson process in 1 of 2 runs',
      'Spearman ρ(early, final) = 0.91',
      '',
      `artefacts (cohort analysis download ${base.id} <name>):`,
      '  memorization.csv  text/csv  38 bytes',
      '  fig.png           image/png  311 bytes',
      '',
    ].join('\n'),
  );
  // Without `columns`, the first row's order.
  const unordered = { ...(shown.result as Record<string, unknown>) };
  delete unordered.columns;
  assert.match(formatAnalysis({ ...shown, result: unordered }), /^pValue {2}run +step$/m);
  // A failed analysis says why, and has no table.
  const failed = formatAnalysis({ ...base, status: 'failed', error: 'bias reads evaluations', codeVersion: null, result: null, inputs: null });
  assert.equal(failed, `analysis ${base.id}  memorization  failed\nerror: bias reads evaluations\n`);
  assert.match(formatAnalysis({ ...base, result: { summary: ['only words'] }, inputs: null }), /\(no table in the result\)\n\nonly words\n$/);
});

test('the list: one line per analysis, with the error of a failed one', () => {
  const list = formatAnalysisList([
    { ...base, artifacts: [{} as AnalysisView['artifacts'][number]] },
    { ...base, id: 'b', kind: 'bias', status: 'failed', error: 'no evaluations' },
  ]);
  assert.equal(list, `${base.id}  memorization  completed  1 artefact\nb  bias          failed     (no evaluations)\n`);
});

/** A stand-in for the API that records requests and answers from a script. */
function fakeApi(answers: Array<(path: string, body: unknown) => unknown>): { api: ApiClient; calls: Array<[string, string, unknown]> } {
  const calls: Array<[string, string, unknown]> = [];
  const api = {
    request: async (method: string, path: string, body?: unknown) => {
      calls.push([method, path, body]);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      return answer(path, body);
    },
  } as unknown as ApiClient;
  return { api, calls };
}

test('`suite analyse` posts the kinds, --params merged into each; `suite analyses --wait` polls until settled', async () => {
  const posted = fakeApi([() => [base]]);
  const out = await suiteAnalysisCommand(posted.api, 'analyse', ['S', 'memorization,term-frequency', '--params', '{"placement": "gpu"}']);
  assert.deepEqual(posted.calls, [['POST', '/suites/S/analyses', { analyses: [{ placement: 'gpu', kind: 'memorization' }, { placement: 'gpu', kind: 'term-frequency' }] }]]);
  assert.match(out, /memorization {2}completed/);
  const plain = fakeApi([() => [base]]);
  await suiteAnalysisCommand(plain.api, 'analyse', ['S', 'bias']);
  assert.deepEqual(plain.calls[0][2], { analyses: ['bias'] });
  await assert.rejects(suiteAnalysisCommand(plain.api, 'analyse', ['S', 'bias', '--params', '[1]']), /--params must be a JSON object/);
  await assert.rejects(suiteAnalysisCommand(plain.api, 'analyse', ['S', 'bias', '--params', '{']), /--params is not valid JSON/);

  const polled = fakeApi([() => [{ ...base, status: 'pending' }], () => [{ ...base, status: 'running' }], () => [base]]);
  const settled = await suiteAnalysisCommand(polled.api, 'analyses', ['S', '--wait', '--kind', 'memorization'], 1);
  assert.equal(polled.calls.length, 3);
  assert.ok(polled.calls.every(([m, p]) => m === 'GET' && p === '/suites/S/analyses?kind=memorization'));
  assert.match(settled, /completed/);
  const once = fakeApi([() => []]);
  assert.equal(await suiteAnalysisCommand(once.api, 'analyses', ['S']), 'no analyses yet\n');
  assert.deepEqual(once.calls, [['GET', '/suites/S/analyses', undefined]]);
});

test('`suite launch --wait` ends with each analysis: status, summary lines, how to see its table', async () => {
  const failed = { ...base, id: 'f', kind: 'bias', status: 'failed' as const, error: 'bias reads evaluations of …' };
  const { api, calls } = fakeApi([
    () => [base, failed],
    () => ({ ...base, result: { table: [], summary: ['16×: 100%', 'p = 0.84'] }, inputs: null }),
    () => ({ ...failed, result: null, inputs: null }),
  ]);
  assert.equal(
    await suiteAnalysesDigest(api, 'S'),
    `memorization completed  (cohort analysis show ${base.id})\n  16×: 100%\n  p = 0.84\n\nbias failed: bias reads evaluations of …  (cohort analysis show f)\n`,
  );
  assert.deepEqual(calls.map(([, path]) => path), ['/suites/S/analyses', `/analyses/${base.id}`, '/analyses/f']);
});
