import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '@cohort/data';
import { eventually } from './support/processes';
import { TestStack } from './support/stack';

// Evaluation end to end on the real Temporal server, PostgreSQL and engine: every selected
// checkpoint gets every expected row while the run trains, a worker killed mid-evaluation costs
// nothing, re-evaluation adds only new rows, and bad requests or damaged checkpoints fail clearly.
const stack = new TestStack(`evals-${process.pid}`, { COHORT_HEARTBEAT_TIMEOUT_S: '4' });
const shared = sharedDataDir();

const PROBES = ['synthetic_arithmetic', 'synthetic_pronoun', 'synthetic_repeated'];

const spec = (name: string, evals: object) => ({
  name,
  seed: 5,
  corpus: { kind: 'synthetic', documents: 400 },
  tokenizer: { kind: 'train', vocabSize: 512 },
  seqLength: 64,
  globalBatch: 8,
  steps: 24,
  models: [{ name: 'm', preset: 'cpu-tiny' }],
  checkpoints: { kind: 'list', steps: [0, 12, 24] },
  evals,
  placement: { default: stack.computeQueue, data: stack.computeQueue },
});

/** Evaluation rows of a suite keyed by (run, step, task, metric, shots), with their values. */
async function evaluationTable(suiteId: string): Promise<Map<string, { value: number; stderr: number | null; id: string }>> {
  const { status, body } = await stack.request('GET', `/suites/${suiteId}/evaluations`);
  assert.equal(status, 200, JSON.stringify(body));
  const table = new Map<string, { value: number; stderr: number | null; id: string }>();
  for (const r of body) {
    const key = `${r.run}|${r.step}|${r.task}|${r.metric}|${r.shots}`;
    assert.ok(!table.has(key), `duplicate row ${key}`);
    table.set(key, { value: r.value, stderr: r.stderr, id: r.id });
  }
  return table;
}

before(() => stack.start());
after(() => stack.stop());

describe('evaluation of a suite', { skip: shared ? false : 'needs ../shared/data (the benchmark files)' }, () => {
  const evals = { tasks: [...PROBES, { task: 'piqa', limit: 40 }, { task: 'lambada_openai', limit: 40 }] };
  let clean: string;

  test('every checkpoint gets every expected row, recorded with its lineage', async () => {
    clean = await stack.launch(spec(`evals-clean-${Date.now()}`, evals));
    const suite = await stack.finished(clean);
    assert.equal(suite.status, 'completed', suite.error);
    const rows = await stack.db.evaluation.findMany({ where: { checkpoint: { run: { suiteId: clean } } }, include: { checkpoint: true } });
    const tasks = [...PROBES, 'piqa', 'lambada_openai'];
    for (const step of [0, 12, 24]) {
      for (const task of tasks) {
        const at = rows.filter((r) => r.checkpoint.step === step && r.task === task);
        assert.ok(at.length > 0, `no ${task} rows at step ${step}`);
        for (const r of at) {
          assert.ok(Number.isFinite(r.value), `${task}/${r.metric} at ${step} = ${r.value}`);
          assert.match(r.dataSha256, /^[0-9a-f]{64}$/);
          assert.ok(r.taskVersion.length > 0);
          assert.equal(r.backend, 'cpu');
          assert.ok(r.requestsUri?.startsWith('file://'));
          assert.ok(r.workflowId);
        }
      }
    }
    const piqa = rows.filter((r) => r.task === 'piqa' && r.metric === 'acc');
    assert.ok(piqa.every((r) => r.n === 40 && r.limit === 40));
    // The table is served as one tidy table, filterable, over REST and GraphQL.
    const filtered = await stack.request('GET', `/suites/${clean}/evaluations?task=piqa&metric=acc`);
    assert.deepEqual(filtered.body.map((r: any) => r.step), [0, 12, 24]);
    assert.deepEqual(Object.keys(filtered.body[0]).sort(), ['backend', 'checkpointId', 'codeVersion', 'createdAt', 'dataSha256', 'id', 'limit', 'metric', 'model', 'n', 'run', 'runId', 'seed', 'shots', 'stderr', 'step', 'task', 'taskVersion', 'tokens', 'value', 'variant']);
    const runId = suite.runs[0].id;
    const perRun = await stack.request('GET', `/runs/${runId}/evaluations?step=24`);
    assert.ok(perRun.body.length > 0 && perRun.body.every((r: any) => r.step === 24));
    const gql = await stack.request('POST', '/graphql', {
      query: 'query($id: ID!) { suite(id: $id) { runs { evaluations { step task metric value } checkpoints { step evaluations { task metric } } } } }',
      variables: { id: clean },
    });
    assert.equal(gql.body.errors, undefined, JSON.stringify(gql.body.errors));
    const run = gql.body.data.suite.runs[0];
    assert.equal(run.evaluations.length, rows.length);
    assert.ok(run.checkpoints.every((c: any) => c.evaluations.length > 0));
  });

  test('a trained model beats chance on the planted phenomena; its untrained checkpoint does not', async () => {
    const body = {
      ...spec(`evals-learns-${Date.now()}`, { tasks: ['synthetic_pronoun', 'synthetic_repeated'] }),
      corpus: { kind: 'synthetic', documents: 1500, pronouns: { sentences: 3000, stereotypeRatio: 0.9 } },
      tokenizer: { kind: 'train', vocabSize: 2048 },
      steps: 400,
      models: [{ name: 'm', preset: 'cpu-small' }],
      checkpoints: { kind: 'list', steps: [0, 400] },
    };
    const id = await stack.launch(body);
    const suite = await stack.finished(id);
    assert.equal(suite.status, 'completed', suite.error);
    const table = await evaluationTable(id);
    const value = (step: number, task: string, metric: string) => table.get(`m-standard|${step}|${task}|${metric}|0`)!.value;
    // P(stereotyped pronoun) over the planted sentences: 0.5 is no preference, 0.9 what was planted.
    assert.ok(Math.abs(value(0, 'synthetic_pronoun', 'prob_stereotyped') - 0.5) < 0.05);
    assert.ok(value(400, 'synthetic_pronoun', 'prob_stereotyped') > 0.7, `prob_stereotyped ${value(400, 'synthetic_pronoun', 'prob_stereotyped')}`);
    // Sequences planted 16 times are recited exactly; untrained, none is.
    assert.equal(value(0, 'synthetic_repeated', 'acc_rep16'), 0);
    assert.ok(value(400, 'synthetic_repeated', 'acc_rep16') > 0.4, `acc_rep16 ${value(400, 'synthetic_repeated', 'acc_rep16')}`);
  });

  test('a worker SIGKILLed mid-evaluation: the suite completes with the same rows and values', async () => {
    const killed = await stack.launch(spec(`evals-killed-${Date.now()}`, evals));
    await eventually('an evaluation to be under way', async () => ((await stack.heartbeat<{ scored: number }>(killed, 'm-standard', 'evaluateCheckpoint'))?.scored ?? 0) > 0 ? true : undefined, 180_000);
    const [victim] = stack.workers.splice(0, 1);
    victim.child.kill('SIGKILL');
    await stack.startWorker();
    const suite = await stack.finished(killed);
    assert.equal(suite.status, 'completed', suite.error);
    const [a, b] = [await evaluationTable(clean), await evaluationTable(killed)];
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), 'same rows');
    for (const [key, row] of a) assert.deepEqual({ value: b.get(key)?.value, stderr: b.get(key)?.stderr }, { value: row.value, stderr: row.stderr }, key);
  });

  test('re-evaluating through the API adds only the new rows', async () => {
    const before = await evaluationTable(clean);
    const res = await stack.request('POST', `/suites/${clean}/evaluate`, { tasks: [{ task: 'piqa', limit: 40 }, { task: 'arc_easy', limit: 20 }], checkpoints: 'final' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.tasks, ['piqa@0', 'arc_easy@0']);
    await stack.temporal.workflow.getHandle(res.body.workflowId).result();
    const afterwards = await evaluationTable(clean);
    for (const [key, row] of before) assert.equal(afterwards.get(key)?.id, row.id, `${key} was rewritten`);
    const added = [...afterwards.keys()].filter((k) => !before.has(k));
    assert.ok(added.length > 0 && added.every((k) => k.startsWith('m-standard|24|arc_easy|')), added.join(', '));
  });

  test('bad evaluation requests are 400s with the field path; nothing starts', async () => {
    const cases: Array<[object, string]> = [
      [{ tasks: ['no_such_task'] }, 'tasks[0]'],
      [{ tasks: ['piqa'], limit: 0 }, 'limit'],
      [{ tasks: [{ task: 'wikitext', shots: 5 }] }, 'tasks[0]'],
      [{ tasks: ['piqa'], checkpoints: { steps: [7] } }, 'checkpoints.steps[0]'],
      [{ tasks: [] }, 'tasks'],
    ];
    for (const [body, path] of cases) {
      const res = await stack.request('POST', `/suites/${clean}/evaluate`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.issues.some((i: any) => i.path === path), `${JSON.stringify(body)}: ${JSON.stringify(res.body.issues)}`);
    }
    const launchCases: Array<[object, string]> = [
      [{ tasks: [{ task: 'wikitext', shots: 5 }] }, 'evals.tasks[0]'],
      [{ tasks: ['piqa'], limit: 0 }, 'evals.limit'],
      [{ tasks: ['lambada_openai', 'unknown_task'] }, 'evals.tasks[1]'],
    ];
    for (const [block, path] of launchCases) {
      const res = await stack.request('POST', '/suites', spec(`bad-evals-${Date.now()}`, block));
      assert.equal(res.status, 400, JSON.stringify(block));
      assert.ok(res.body.issues.some((i: any) => i.path === path), `${JSON.stringify(block)}: ${JSON.stringify(res.body.issues)}`);
    }
    assert.equal((await stack.request('POST', '/suites/00000000-0000-0000-0000-000000000000/evaluate', { tasks: ['piqa'] })).status, 404);
    // The GraphQL mutation takes the same block as YAML and reports the same paths.
    const gql = await stack.request('POST', '/graphql', {
      query: 'mutation($id: ID!, $r: String!) { evaluateSuite(id: $id, request: $r) { workflowId } }',
      variables: { id: clean, r: 'tasks: [piqa, no_such_task]\nlimit: 5\n' },
    });
    const [error] = gql.body.errors;
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.deepEqual(error.extensions.issues.map((i: any) => i.path), ['tasks[1]']);
  });

  test('a checkpoint that fails its sha256 check fails its evaluation with the reason; nothing is written', async () => {
    const { body: suite } = await stack.request('GET', `/suites/${clean}`);
    const cp = suite.runs[0].checkpoints.find((c: any) => c.step === 12);
    const weights = join(new URL(cp.uri).pathname, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(weights, bytes);
    const res = await stack.request('POST', `/suites/${clean}/evaluate`, { tasks: [{ task: 'arc_easy', limit: 5 }], checkpoints: { steps: [12] } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await assert.rejects(stack.temporal.workflow.getHandle(res.body.workflowId).result(), (err: Error) => {
      assert.match(String((err as { cause?: { message?: string } }).cause?.message ?? err.message) + JSON.stringify(err), /sha256/);
      return true;
    });
    const rows = await stack.db.evaluation.count({ where: { checkpointId: cp.id, task: 'arc_easy' } });
    assert.equal(rows, 0);
  });
});
