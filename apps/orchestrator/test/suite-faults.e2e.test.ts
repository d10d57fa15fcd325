import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './support/processes';
import { TestStack } from './support/stack';
import { writeCorpusWithDuplicates } from './support/corpus';

// Durability, for real: a gpu-worker SIGKILLed mid-segment, PostgreSQL restarted mid-run, and
// pause / resume / cancel, each against the real Temporal server and database.
const stack = new TestStack(`faults-${process.pid}`, { COHORT_HEARTBEAT_TIMEOUT_S: '4' });
const corpusPath = writeCorpusWithDuplicates(stack.dataDir);

/** One run long enough to interrupt: cpu-medium at 1,024 tokens per step. */
const spec = (name: string, steps: number, checkpoints: object) => ({
  name,
  seed: 11,
  corpus: { kind: 'files', paths: [corpusPath] },
  tokenizer: { kind: 'train', vocabSize: 512 },
  seqLength: 128,
  globalBatch: 8,
  steps,
  models: [{ name: 'm', preset: 'cpu-medium' }],
  checkpoints,
  placement: { default: stack.computeQueue, data: stack.computeQueue },
});

const finalWeights = (suite: any) => suite.runs[0].checkpoints.at(-1);

before(() => stack.start());
after(() => stack.stop());

describe('durability', () => {
  test('a gpu-worker SIGKILLed mid-segment is replaced and the run ends bit-identical', async () => {
    const body = (name: string) => spec(name, 32, { kind: 'list', steps: [32] }); // one ~12 s segment
    const interrupted = await stack.launch(body(`killed-${Date.now()}`));
    await eventually('the segment to be under way', async () =>
      ((await stack.heartbeat<{ step: number }>(interrupted, 'm-standard'))?.step ?? -1) >= 2 ? true : undefined,
    90_000);
    const [victim] = stack.workers;
    victim.child.kill('SIGKILL');
    await stack.startWorker();
    const afterKill = await stack.finished(interrupted);
    assert.equal(afterKill.status, 'completed', afterKill.error);

    const clean = await stack.finished(await stack.launch(body(`clean-${Date.now()}`)));
    assert.equal(clean.status, 'completed', clean.error);
    assert.equal(finalWeights(afterKill).step, 32);
    assert.equal(finalWeights(afterKill).sha256, finalWeights(clean).sha256, 'weights differ after the kill');
    assert.equal(finalWeights(afterKill).consumedSha256, finalWeights(clean).consumedSha256);
  });

  test('PostgreSQL restarted mid-run: the run completes, no row missing or duplicated', async (t) => {
    if (process.env.COHORT_PG_EMBEDDED === '0' || !existsSync('/usr/lib/postgresql')) {
      t.skip('needs the embedded PostgreSQL cluster');
      return;
    }
    const id = await stack.launch(spec(`pg-restart-${Date.now()}`, 16, { kind: 'every', every: 4 }));
    await eventually('the first segment to be under way', async () =>
      ((await stack.heartbeat<{ step: number }>(id, 'm-standard'))?.step ?? -1) >= 1 ? true : undefined,
    90_000);
    const version = readdirSync('/usr/lib/postgresql').sort().at(-1) as string;
    execFileSync('pg_ctlcluster', [version, 'main', 'restart'], { stdio: 'ignore' });
    const suite = await stack.finished(id);
    assert.equal(suite.status, 'completed', suite.error);
    const run = await stack.db.run.findFirstOrThrow({ where: { suiteId: id }, include: { checkpoints: true, metrics: true } });
    assert.deepEqual(run.checkpoints.map((c) => c.step).sort((a, b) => a - b), [0, 4, 8, 12, 16]);
    assert.deepEqual(run.metrics.map((m) => m.step).sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1));
  });
});

describe('pause, resume, cancel', () => {
  test('pause holds a run at a checkpoint; resume finishes it', async () => {
    const id = await stack.launch(spec(`pause-${Date.now()}`, 12, { kind: 'every', every: 3 }));
    await eventually('training to start', async () => (((await stack.heartbeat<{ step: number }>(id, 'm-standard'))?.step ?? -1) >= 0 ? true : undefined), 90_000);
    assert.equal((await stack.request('POST', `/suites/${id}/pause`)).status, 202);
    const held = await eventually('the run to pause', async () => {
      const { body } = await stack.request('GET', `/suites/${id}`);
      return body.runs[0]?.status === 'paused' ? body : undefined;
    });
    const step = held.runs[0].checkpoints.at(-1).step;
    assert.ok(step < 12, 'paused before the end');
    await new Promise((r) => setTimeout(r, 1500));
    const progress = await stack.request('GET', `/suites/${id}/progress`);
    assert.deepEqual(progress.body.map((p: any) => [p.state, p.step]), [['paused', step]]);

    assert.equal((await stack.request('POST', `/suites/${id}/resume`)).status, 202);
    const done = await stack.finished(id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.runs[0].checkpoints.map((c: any) => c.step), [0, 3, 6, 9, 12]);
  });

  test('cancel stops a run between steps and keeps every checkpoint it wrote', async () => {
    const id = await stack.launch(spec(`cancel-${Date.now()}`, 40, { kind: 'every', every: 4 }));
    await eventually('a checkpoint after step 0', async () => {
      const { body } = await stack.request('GET', `/suites/${id}`);
      return body.runs?.[0]?.checkpoints.some((c: any) => c.step >= 4) ? true : undefined;
    }, 120_000);
    // Through GraphQL this time (pause and resume went through REST above).
    const gql = await stack.request('POST', '/graphql', {
      query: 'mutation($id: ID!) { controlSuite(id: $id, action: "cancel") }',
      variables: { id },
    });
    assert.deepEqual(gql.body, { data: { controlSuite: true } });
    const suite = await stack.finished(id);
    assert.equal(suite.status, 'cancelled');
    const run = suite.runs[0];
    assert.equal(run.status, 'cancelled');
    const steps: number[] = run.checkpoints.map((c: any) => c.step);
    const lastStep = steps[steps.length - 1];
    assert.ok(lastStep < 40, `cancelled before the end (checkpoints ${steps})`);
    assert.deepEqual(steps, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36].slice(0, steps.length));
    for (const c of run.checkpoints) assert.ok(existsSync(join(new URL(c.uri).pathname, 'manifest.json')));
    assert.equal((await stack.request('POST', `/suites/${id}/resume`)).status, 409, 'nothing left to resume');

    // A new run, whose parent is the cancelled one, continues from its last checkpoint to the end.
    const resumed = await stack.request('POST', `/runs/${run.id}/resume-from-checkpoint`);
    assert.equal(resumed.status, 201, JSON.stringify(resumed.body));
    assert.equal(resumed.body.branchStep, lastStep);
    const child = await eventually('the resumed run to complete', async () => {
      const { body } = await stack.request('GET', `/suites/${id}`);
      const r = body.runs.find((x: any) => x.id === resumed.body.runId);
      return r?.status === 'completed' ? r : undefined;
    }, 240_000);
    assert.equal(child.parentRunId, run.id);
    assert.equal(child.checkpoints.at(-1).step, 40);
    assert.ok(child.checkpoints.every((c: any) => c.step > lastStep));
  });

  test('a damaged checkpoint fails the run that would start from it, with the reason, and nothing is overwritten', async () => {
    const id = await stack.launch(spec(`corrupt-${Date.now()}`, 40, { kind: 'every', every: 4 }));
    await eventually('a checkpoint after step 0', async () => {
      const { body } = await stack.request('GET', `/suites/${id}`);
      return body.runs?.[0]?.checkpoints.some((c: any) => c.step >= 4) ? true : undefined;
    }, 120_000);
    await stack.request('POST', `/suites/${id}/cancel`);
    const suite = await stack.finished(id);
    const last = suite.runs[0].checkpoints.at(-1);
    const weights = join(new URL(last.uri).pathname, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] ^= 0xff; // one flipped bit of one weight
    writeFileSync(weights, bytes);

    const resumed = await stack.request('POST', `/runs/${suite.runs[0].id}/resume-from-checkpoint`);
    assert.equal(resumed.status, 201);
    const failed = await eventually('the resumed run to fail', async () => {
      const { body } = await stack.request('GET', `/suites/${id}`);
      const r = body.runs.find((x: any) => x.id === resumed.body.runId);
      return r?.status === 'failed' ? r : undefined;
    }, 120_000);
    assert.match(failed.error, /model\.safetensors sha256 .* does not match the manifest/);
    assert.deepEqual(failed.checkpoints, []);
    assert.deepEqual(readFileSync(weights), bytes, 'the damaged file is left for inspection, not rewritten');
  });
});
