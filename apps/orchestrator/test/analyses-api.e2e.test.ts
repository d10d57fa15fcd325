import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { completeAnalysis, setAnalysisStatus } from '@cohort/lineage';
import { specHash, validateAnalysesRequest, validateSuiteSpec, type SuiteSpec } from '@cohort/suite-spec';
import { analysisWorkflowId } from '@cohort/workflows';
import { formatTable } from '../src/cli/analysis-command';
import { ensureEntry } from '../src/temporal/analysis-planner';
import { eventually, repoRoot } from './support/processes';
import { TestStack } from './support/stack';

// The analyses API end to end on the real Temporal server and PostgreSQL: requests are validated
// against the suite's spec with field paths, one row per (kind, parameters) whatever is asked
// twice, failed analyses restart under the same workflow id, results and artefacts are served
// byte for byte (REST, GraphQL, CLI). Suites are written as rows: nothing here needs training.
const stack = new TestStack(`analyses-${process.pid}`);
const files = mkdtempSync(join(tmpdir(), 'cohort-analyses-'));
const suites: string[] = [];
const exec = promisify(execFile);

/** A queue no worker polls: an analysis placed there stays running until terminated. */
const IDLE_QUEUE = `idle-${process.pid}`;

const specOf = (name: string, corpus: object = { kind: 'synthetic', documents: 100 }): SuiteSpec =>
  validateSuiteSpec({
    name,
    corpus,
    tokenizer: { kind: 'train', vocabSize: 300 },
    seqLength: 64,
    globalBatch: 2,
    steps: 2,
    models: [{ preset: 'cpu-tiny' }],
    placement: { default: stack.computeQueue, data: stack.computeQueue },
  });

/** A suite row as launched, in `status`, without its workflow: analyses only read its spec. */
async function suiteRow(name: string, status: 'pending' | 'running' | 'completed', corpus?: object): Promise<{ id: string; spec: SuiteSpec }> {
  const spec = specOf(`${name}-${process.pid}-${Date.now()}`, corpus);
  const row = await stack.db.suite.create({ data: { name: spec.name, spec: spec as object, specHash: specHash(spec), status } });
  suites.push(row.id);
  return { id: row.id, spec };
}

const post = (suiteId: string, analyses: unknown) => stack.request('POST', `/suites/${suiteId}/analyses`, { analyses });
const graphql = (query: string, variables: Record<string, unknown>) => stack.request('POST', '/graphql', { query, variables });

async function download(path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer; text: string }> {
  const res = await fetch(`${stack.api}${path}`, { headers: stack.auth('viewer') });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes, text: bytes.toString('utf8') };
}

const cohort = (...args: string[]) =>
  exec(process.execPath, [join(repoRoot, 'apps/orchestrator/dist/src/cli/main.js'), ...args], { env: { ...process.env, ...stack.cliEnv('operator') }, cwd: files });

before(() => stack.start());
after(async () => {
  try {
    for (const id of suites) {
      const rows = await stack.db.analysis.findMany({ where: { suiteId: id }, select: { id: true } });
      for (const { id: analysisId } of rows) {
        await stack.temporal.workflow.getHandle(analysisWorkflowId(analysisId)).terminate('test over').catch(() => undefined);
      }
    }
    await stack.db.suite.deleteMany({ where: { id: { in: suites } } }); // analyses and artefacts cascade
  } finally {
    await stack.stop();
    rmSync(files, { recursive: true, force: true });
  }
});

describe('analyses API', () => {
  test('bad requests are 400s with the field path; nothing is written or started', async () => {
    const { id } = await suiteRow('analyses-bad', 'running');
    const { id: filesSuite } = await suiteRow('analyses-files', 'running', { kind: 'files', paths: ['/nowhere/corpus.txt'] });
    const cases: Array<[string, unknown, string]> = [
      [id, ['no-such-kind'], 'analyses[0].kind'],
      [id, ['bias', { kind: 'memorization', prompt: -1 }], 'analyses[1].prompt'],
      [id, [{ kind: 'memorization', continuation: 999 }], 'analyses[0].continuation'],
      [id, [{ kind: 'memorization', prompt: 60, continuation: 10 }], 'analyses[0].continuation'],
      [id, [{ kind: 'term-frequency', template: 'synthetic' }], 'analyses[0].template'],
      [id, ['stability'], 'analyses[0].kind'],
      [id, [], 'analyses'],
      [filesSuite, [{ kind: 'memorization', windows: 'planted' }], 'analyses[0].windows'],
    ];
    for (const [suiteId, analyses, path] of cases) {
      const res = await post(suiteId, analyses);
      assert.equal(res.status, 400, JSON.stringify(analyses));
      assert.ok(res.body.issues.some((i: any) => i.path === path), `${JSON.stringify(analyses)}: ${JSON.stringify(res.body.issues)}`);
    }
    const notAList = await stack.request('POST', `/suites/${id}/analyses`, 'memorization');
    assert.equal(notAList.status, 400);
    assert.deepEqual(notAList.body.issues.map((i: any) => i.path), ['analyses']);
    assert.equal(await stack.db.analysis.count({ where: { suiteId: { in: [id, filesSuite] } } }), 0);
    // The mutation takes the same list as JSON (or YAML) text and reports the same paths.
    const gql = await graphql('mutation($s: ID!, $a: String!) { analyseSuite(suiteId: $s, analyses: $a) { id } }', {
      s: id,
      a: '["bias", {"kind": "memorization", "prompt": -1}]',
    });
    const [error] = gql.body.errors;
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.deepEqual(error.extensions.issues.map((i: any) => i.path), ['analyses[1].prompt']);
  });

  test('unknown ids are 404s; a suite that has not started is a 409', async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    assert.equal((await post(unknown, ['bias'])).status, 404);
    assert.equal((await stack.request('GET', `/suites/${unknown}/analyses`)).status, 404);
    assert.equal((await stack.request('GET', '/suites/not-a-uuid/analyses')).status, 404);
    assert.equal((await stack.request('GET', `/analyses/${unknown}`)).status, 404);
    assert.equal((await stack.request('GET', '/analyses/not-a-uuid')).status, 404);
    assert.equal((await download(`/analyses/${unknown}/artifacts/x.csv`)).status, 404);
    const { id: pending } = await suiteRow('analyses-pending', 'pending');
    const res = await post(pending, ['bias']);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(await stack.db.analysis.count({ where: { suiteId: pending } }), 0);
  });

  test('a completed analysis is listed, shown and its artefacts downloaded byte for byte; asking again starts nothing', async () => {
    const { id: suiteId, spec } = await suiteRow('analyses-done', 'completed');
    const [entry] = validateAnalysesRequest({ analyses: ['memorization'] }, spec);
    const row = await ensureEntry(stack.db, suiteId, entry);
    const csv = Buffer.from('run,step,memorized\nm-standard,2,0.125\n');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300), Buffer.from([0, 0xff, 0])]);
    const onDisk = join(stack.dataDir, 'scores.bin');
    writeFileSync(onDisk, randomBytes(64));
    // Readable, but outside Cohort's data dir: never served.
    const outside = join(files, 'outside.bin');
    writeFileSync(outside, randomBytes(16));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const result = {
      table: [
        { run: 'm-standard', step: 2, memorized: 0.125, pValue: 0.00001234 },
        { run: 'm-deduplicated', step: 2, memorized: 0.5, pValue: null },
      ],
      // jsonb sorts keys (run, step, pValue, memorized): the column order travels as a list.
      columns: ['run', 'step', 'memorized', 'pValue'],
      summary: ['memorization is a Poisson process (p > 0.05 at every checkpoint)'],
    };
    await completeAnalysis(stack.db, row.id, {
      result,
      inputs: { checkpoints: [], evaluations: [] },
      codeVersion: 'test-1.0',
      artifacts: [
        { name: 'memorization.csv', kind: 'table', mediaType: 'text/csv', uri: `cohort-db://${row.id}/memorization.csv`, sha256: sha(csv), bytes: csv.length, content: new Uint8Array(csv) },
        { name: 'memorization.png', kind: 'figure', mediaType: 'image/png', uri: `cohort-db://${row.id}/memorization.png`, sha256: sha(png), bytes: png.length, content: new Uint8Array(png) },
        { name: 'scores.bin', kind: 'scores', mediaType: 'application/octet-stream', uri: pathToFileURL(onDisk).href, sha256: sha(readFileSync(onDisk)), bytes: 64 },
        { name: 'elsewhere.bin', kind: 'scores', mediaType: 'application/octet-stream', uri: `file:///nowhere-${process.pid}/elsewhere.bin`, sha256: 'e'.repeat(64), bytes: 10 },
        { name: 'outside.bin', kind: 'scores', mediaType: 'application/octet-stream', uri: pathToFileURL(outside).href, sha256: sha(readFileSync(outside)), bytes: 16 },
      ],
    });

    const list = await stack.request('GET', `/suites/${suiteId}/analyses`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.map((a: any) => [a.id, a.kind, a.status]), [[row.id, 'memorization', 'completed']]);
    assert.equal(list.body[0].params.prompt, 32, 'params with defaults filled in');
    assert.equal(list.body[0].result, undefined, 'results are left out of listings');
    assert.equal((await stack.request('GET', `/suites/${suiteId}/analyses?kind=memorization&status=completed`)).body.length, 1);
    assert.equal((await stack.request('GET', `/suites/${suiteId}/analyses?status=failed`)).body.length, 0);
    assert.equal((await stack.request('GET', `/suites/${suiteId}/analyses?kind=bias`)).body.length, 0);
    assert.equal((await stack.request('GET', `/suites/${suiteId}/analyses?status=bogus`)).status, 400);

    const shown = await stack.request('GET', `/analyses/${row.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.result, result);
    assert.deepEqual(shown.body.inputs, { checkpoints: [], evaluations: [] });
    assert.equal(shown.body.codeVersion, 'test-1.0');
    assert.ok(shown.body.completedAt);
    const csvView = shown.body.artifacts.find((a: any) => a.name === 'memorization.csv');
    assert.deepEqual(
      { bytes: csvView.bytes, sha256: csvView.sha256, mediaType: csvView.mediaType, kind: csvView.kind, downloadPath: csvView.downloadPath },
      { bytes: csv.length, sha256: sha(csv), mediaType: 'text/csv', kind: 'table', downloadPath: `/analyses/${row.id}/artifacts/memorization.csv` },
    );
    assert.deepEqual(shown.body.artifacts.map((a: any) => a.name), ['elsewhere.bin', 'memorization.csv', 'memorization.png', 'outside.bin', 'scores.bin']);

    for (const [name, bytes, type] of [['memorization.csv', csv, 'text/csv'], ['memorization.png', png, 'image/png'], ['scores.bin', readFileSync(onDisk), 'application/octet-stream']] as const) {
      const got = await download(`/analyses/${row.id}/artifacts/${name}`);
      assert.equal(got.status, 200, got.text);
      assert.ok(got.bytes.equals(bytes), `${name} differs`);
      assert.ok(got.type?.startsWith(type), `${name}: ${got.type}`);
      assert.equal(got.disposition, `attachment; filename="${name}"`);
    }
    const away = await download(`/analyses/${row.id}/artifacts/elsewhere.bin`);
    assert.equal(away.status, 404);
    assert.match(JSON.parse(away.text).message, /lives at file:\/\/\/nowhere-\d+\/elsewhere\.bin/);
    const outsideDataDir = await download(`/analyses/${row.id}/artifacts/outside.bin`);
    assert.equal(outsideDataDir.status, 404);
    assert.match(JSON.parse(outsideDataDir.text).message, /only files in Cohort's data dir are served/);
    assert.equal((await download(`/analyses/${row.id}/artifacts/no-such.csv`)).status, 404);

    // The same entry asked again (spelled with its defaults) is the same, completed analysis.
    const again = await post(suiteId, [{ kind: 'memorization', prompt: 32 }, 'memorization']);
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.deepEqual(again.body.map((a: any) => [a.id, a.status]), [[row.id, 'completed']]);
    await assert.rejects(stack.temporal.workflow.getHandle(analysisWorkflowId(row.id)).describe(), WorkflowNotFoundError);

    // GraphQL: the analysis, a suite's analyses, and Suite.analyses.
    const gql = await graphql(
      `query($id: ID!, $s: ID!) {
        analysis(id: $id) { kind status codeVersion paramsJson resultJson inputsJson artifacts { name mediaType bytes sha256 downloadPath } }
        suiteAnalyses(suiteId: $s, kind: "memorization") { id }
        suite(id: $s) { analyses { id status } }
      }`,
      { id: row.id, s: suiteId },
    );
    assert.equal(gql.body.errors, undefined, JSON.stringify(gql.body.errors));
    assert.deepEqual(JSON.parse(gql.body.data.analysis.resultJson), result);
    assert.equal(JSON.parse(gql.body.data.analysis.paramsJson).continuation, 32);
    assert.equal(gql.body.data.analysis.artifacts.find((a: any) => a.name === 'memorization.png').bytes, png.length);
    assert.deepEqual(gql.body.data.suiteAnalyses, [{ id: row.id }]);
    assert.deepEqual(gql.body.data.suite.analyses, [{ id: row.id, status: 'completed' }]);

    // The CLI: the headline table aligned, the summary, and a download.
    const show = await cohort('analysis', 'show', row.id);
    const lines = show.stdout.split('\n');
    assert.match(lines[0], new RegExp(`^analysis ${row.id}  memorization  completed  code test-1\\.0$`));
    assert.ok(show.stdout.includes(formatTable(result.table, result.columns)), show.stdout);
    assert.match(show.stdout, /^run +step +memorized +pValue$/m);
    assert.ok(lines.includes(result.summary[0]));
    await cohort('analysis', 'download', row.id, 'memorization.png', '--out', join(files, 'figure.png'));
    assert.ok(readFileSync(join(files, 'figure.png')).equals(png));
    const listed = await cohort('suite', 'analyses', suiteId, '--wait');
    assert.match(listed.stdout, new RegExp(`^${row.id}  memorization  completed  5 artefacts$`, 'm'));
  });

  test('asking twice starts one workflow and returns the same ids; a failed analysis starts again under its id', async () => {
    const { id: suiteId } = await suiteRow('analyses-run', 'running');
    const parked = { kind: 'memorization', prompt: 8, continuation: 8, placement: IDLE_QUEUE }; // waits on a queue nobody polls
    const first = await post(suiteId, [parked, 'bias']);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const [mem, bias] = first.body;
    assert.deepEqual([mem.kind, bias.kind], ['memorization', 'bias']);
    assert.equal(mem.params.placement, IDLE_QUEUE);
    for (const a of first.body) assert.equal(a.workflowId, analysisWorkflowId(a.id));
    const handle = stack.temporal.workflow.getHandle(mem.workflowId);
    const running = await eventually('the memorization analysis to be running', async () => {
      const { body } = await stack.request('GET', `/analyses/${mem.id}`);
      return body.status === 'running' ? body : undefined;
    }, 20_000);
    const { runId } = await handle.describe();
    assert.equal(running.workflowRunId, runId);

    // Bias reads evaluations; this suite has none: it fails, saying so.
    const failed = await eventually('the bias analysis to fail', async () => {
      const { body } = await stack.request('GET', `/analyses/${bias.id}`);
      return body.status === 'failed' ? body : undefined;
    }, 20_000);
    assert.match(failed.error, /bias reads evaluations/);
    await eventually('the failed workflow to close', async () => ((await stack.temporal.workflow.getHandle(bias.workflowId).describe()).status.name === 'FAILED' ? true : undefined), 20_000);
    const failedRun = (await stack.temporal.workflow.getHandle(bias.workflowId).describe()).runId;

    const second = await post(suiteId, [parked, 'bias']);
    assert.equal(second.status, 202, JSON.stringify(second.body));
    assert.deepEqual(second.body.map((a: any) => a.id), [mem.id, bias.id]);
    const still = await handle.describe();
    assert.equal(still.runId, runId, 'the running analysis was not started again');
    assert.equal(still.status.name, 'RUNNING');
    const restarted = await stack.temporal.workflow.getHandle(bias.workflowId).describe();
    assert.notEqual(restarted.runId, failedRun, 'the failed analysis started again');
    assert.equal(await stack.db.analysis.count({ where: { suiteId } }), 2);

    // A running analysis whose execution is gone (terminated) and marked failed starts again too.
    await handle.terminate('test: an execution that died');
    await setAnalysisStatus(stack.db, mem.id, 'failed', { error: 'terminated' });
    const third = await graphql('mutation($s: ID!, $a: String!) { analyseSuite(suiteId: $s, analyses: $a) { id status error workflowId } }', {
      s: suiteId,
      a: JSON.stringify([parked]),
    });
    assert.equal(third.body.errors, undefined, JSON.stringify(third.body.errors));
    assert.deepEqual(third.body.data.analyseSuite.map((a: any) => [a.id, a.error, a.workflowId]), [[mem.id, null, mem.workflowId]]);
    const fresh = await handle.describe();
    assert.notEqual(fresh.runId, runId);
    assert.equal(fresh.status.name, 'RUNNING');
  });
});
