import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageClient, type LineageClient } from '@cohort/lineage';
import { eventually, testDatabaseUrl } from './support/processes';
import { TestStack } from './support/stack';
import { writeCorpusWithDuplicates } from './support/corpus';
import { batchCommand } from '../src/cli/batch-command';

// A small suite trained for real, end to end: data preparation, two model sizes on two data
// variants, an intervention, checkpoints on schedule, lineage; against real Temporal + Postgres.
const stack = new TestStack(`train-${process.pid}`, { COHORT_HEARTBEAT_TIMEOUT_S: '5' });
let db: LineageClient;
const corpusPath = writeCorpusWithDuplicates(stack.dataDir);

const spec = (name: string) => ({
  name,
  seed: 7,
  corpus: { kind: 'files', paths: [corpusPath] },
  tokenizer: { kind: 'train', vocabSize: 512 },
  variants: ['standard', 'deduplicated'],
  seqLength: 32,
  globalBatch: 4,
  microBatch: 2,
  steps: 8,
  models: [
    { name: 'tiny', preset: 'cpu-tiny' },
    { name: 'small', preset: 'cpu-small' },
  ],
  checkpoints: { kind: 'every', every: 4 },
  interventions: [{ name: 'swap', parent: 'tiny', transform: 'pronoun-swap', lastFraction: 0.5 }],
  placement: { default: stack.computeQueue, data: stack.computeQueue },
});

async function runToEnd(name: string, body = spec(name)): Promise<any> {
  const launched = await stack.request('POST', '/suites', body);
  assert.equal(launched.status, 201, JSON.stringify(launched.body));
  return eventually(
    `suite ${name} to finish`,
    async () => {
      const { body: s } = await stack.request('GET', `/suites/${launched.body.id}`);
      return ['completed', 'failed', 'cancelled'].includes(s.status) ? s : undefined;
    },
    180_000,
  );
}

before(async () => {
  db = createLineageClient(testDatabaseUrl);
  await stack.start();
});

after(async () => {
  await stack.stop();
  await db.$disconnect();
});

describe('a small suite, trained end to end', () => {
  let suite: any;
  const run = (name: string) => suite.runs.find((r: any) => r.name === name);
  const consumed = (name: string, step: number) =>
    run(name).checkpoints.find((c: any) => c.step === step)?.consumedSha256;

  before(async () => {
    suite = await runToEnd(`suite-${Date.now()}`);
  });

  test('every run completes with checkpoints exactly on the schedule', () => {
    assert.equal(suite.status, 'completed', suite.error);
    assert.deepEqual(suite.runs.map((r: any) => r.name).sort(), [
      'small-deduplicated', 'small-standard', 'swap-deduplicated', 'swap-standard', 'tiny-deduplicated', 'tiny-standard',
    ]);
    for (const r of suite.runs) {
      assert.equal(r.status, 'completed', `${r.name}: ${r.error}`);
      const expected = r.transform ? [8] : [0, 4, 8]; // a branch starts from its parent's step-4 checkpoint
      assert.deepEqual(r.checkpoints.map((c: any) => c.step), expected, r.name);
    }
  });

  test('all runs of a variant consumed identical batches; the variants differ', () => {
    for (const step of [4, 8]) {
      assert.equal(consumed('tiny-standard', step), consumed('small-standard', step));
      assert.equal(consumed('tiny-deduplicated', step), consumed('small-deduplicated', step));
      assert.notEqual(consumed('tiny-standard', step), consumed('tiny-deduplicated', step));
    }
  });

  test('an intervention branches at its step and changes the batches only after it', () => {
    const swap = run('swap-standard');
    assert.equal(swap.branchStep, 4);
    assert.equal(swap.parentRunId, run('tiny-standard').id);
    assert.notEqual(consumed('swap-standard', 8), consumed('tiny-standard', 8));
    assert.notEqual(
      swap.checkpoints[0].sha256,
      run('tiny-standard').checkpoints.find((c: any) => c.step === 8).sha256,
    );
  });

  test('the batch viewer shows the branch saw its parent\'s text, pronouns swapped, from its branch step only', async () => {
    const view = async (name: string, step: number) => {
      process.env.DATABASE_URL = testDatabaseUrl;
      return batchCommand(['--run', run(name).id, '--step', String(step)]);
    };
    const texts = (out: string) => [...out.matchAll(/^text: (.*)$/gm)].map((m) => JSON.parse(m[1]) as string);
    const body = (out: string) => out.slice(out.indexOf('\n')); // the header names the (transformed) order
    assert.equal(body(await view('swap-standard', 3)), body(await view('tiny-standard', 3)), 'identical before the branch');
    const parent = texts(await view('tiny-standard', 5));
    const branch = texts(await view('swap-standard', 5));
    const pairs = new Set(['he/she', 'she/he', 'his/her', 'her/his', 'him/her', 'her/him', 'hers/his', 'his/hers']);
    let swapped = 0;
    parent.forEach((text, i) => {
      const a = text.split(/\b/);
      const b = branch[i].split(/\b/);
      // Re-tokenising may shift the tail of a sample (padding/truncation); compare up to the shorter.
      for (let w = 0; w < Math.min(a.length, b.length) - 2; w++) {
        if (a[w] === b[w]) continue;
        assert.ok(pairs.has(`${a[w].toLowerCase()}/${b[w].toLowerCase()}`), `"${a[w]}" became "${b[w]}"`);
        swapped++;
      }
    });
    assert.ok(swapped > 0, 'the transform changed something');

    // The same batch, from the files on disk (Pythia's batch viewer form), micro-batch 1 of 2.
    const { dataOrder } = await db.run.findUniqueOrThrow({
      where: { id: run('tiny-standard').id },
      include: { dataOrder: { include: { dataset: true } } },
    });
    const fromDisk = await batchCommand([
      '--dataset', dataOrder!.dataset.uri, '--order', dataOrder!.uri, '--step', '5', '--micro', '1', '--micro-size', '2',
    ]);
    assert.deepEqual(texts(fromDisk), parent.slice(2, 4));
  });

  test('lineage is complete: data artefacts, model configs, code version, backend and precision, loss curves', async () => {
    const runs = await db.run.findMany({
      where: { suiteId: suite.id },
      include: {
        dataOrder: { include: { dataset: { include: { tokenizer: true } } } },
        modelConfig: true,
        metrics: true,
        checkpoints: true,
      },
    });
    for (const r of runs) {
      assert.ok(r.workflowId?.startsWith('run-'), r.name);
      assert.ok(r.codeVersion && r.codeVersion !== 'unknown', r.name);
      assert.equal(r.backend, 'cpu');
      // The spec's default precision, auto, is fp32 on a CPU worker; no accelerator to name.
      assert.deepEqual([(r.training as { precision?: string }).precision, r.precision, r.device], ['auto', 'fp32', null], r.name);
      assert.ok(r.modelConfig && Number(r.modelConfig.parameters) > 0);
      assert.match(r.dataOrder?.orderHash ?? '', /^[0-9a-f]{64}$/);
      assert.equal(r.dataOrder?.dataset.variant, r.variant);
      assert.equal(r.metrics.length, r.branchStep === null ? 8 : 4, r.name);
      assert.ok(r.metrics.every((m) => Number.isFinite(m.loss) && m.loss > 0));
      for (const c of r.checkpoints) {
        assert.equal(c.workflowId, r.workflowId, `${r.name}@${c.step}: written by the run's workflow`);
        assert.match(c.workflowRunId ?? '', /^[0-9a-f-]{36}$/);
      }
    }
    const dedup = runs.find((r) => r.variant === 'deduplicated')?.dataOrder?.dataset;
    const standard = runs.find((r) => r.variant === 'standard')?.dataOrder?.dataset;
    assert.equal(dedup?.parentId, standard?.id, 'the deduplicated dataset derives from the standard one');
    assert.ok(Number(dedup?.documents) < Number(standard?.documents), 'duplicates were removed');
    assert.equal(dedup?.tokenizerId, standard?.tokenizerId);
  });

  test('a run\'s loss curve is served over REST, one point per step', async () => {
    const { status, body } = await stack.request('GET', `/runs/${run('small-standard').id}/metrics`);
    assert.equal(status, 200);
    assert.deepEqual(body.map((m: any) => m.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(body[0].lr, 0, "GPT-NeoX's schedule starts at LR 0");
    assert.ok(body.every((m: any) => m.loss > 0 && m.gradNorm > 0));
  });

  test('the same spec again reproduces the same data order and weights', async () => {
    const again = await runToEnd(`again-${Date.now()}`);
    const final = (s: any, name: string) => s.runs.find((r: any) => r.name === name).checkpoints.at(-1);
    for (const name of ['tiny-standard', 'small-deduplicated', 'swap-standard']) {
      assert.equal(final(again, name).sha256, final(suite, name).sha256, name);
      assert.equal(final(again, name).consumedSha256, final(suite, name).consumedSha256, name);
    }
  });
});
