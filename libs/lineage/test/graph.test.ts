import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLineageClient, DOWNSTREAM_LIMIT, lineageGraph, type LineageClient, type LineageEdge, type LineageGraph } from '../src';

// The lineage graph against the real test database: a suite prepared and trained as SuiteWorkflow
// records it (files corpus, tokenizer file, standard and deduplicated datasets, an order, a parent
// run and an intervention branched from it, checkpoints, evaluations, an analysis and its artefact).
const url = process.env.TEST_DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort_test';
const tag = `graph-${process.pid}-${Date.now()}`;
const dir = `/data/${tag}`;
const TRAIN_CODE = `train-${tag}`;
const EVAL_CODE = `eval-${tag}`;
const ANALYSIS_CODE = `analysis-${tag}`;
let db: LineageClient;
const suites: string[] = [];
const tokenizers: string[] = [];
const configs: string[] = [];

/** The rows seeded, by role. */
const ids = {} as Record<
  'suite' | 'corpus' | 'tokenizer' | 'standard' | 'deduplicated' | 'order' | 'config' | 'parent' | 'branch' | 'parent0' | 'parent64' | 'branch96' | 'evalParent' | 'evalBranch' | 'analysis' | 'artifact',
  string
>;

async function seedChain(): Promise<void> {
  const suite = await db.suite.create({ data: { name: tag, spec: {}, specHash: `spec-${tag}`, status: 'completed', workflowId: `suite-${tag}` } });
  suites.push(suite.id);
  const corpus = await db.corpus.create({
    data: { suiteId: suite.id, name: 'files', source: { kind: 'files', paths: [`${dir}/a.jsonl`, `${dir}/b.txt`], textField: 'text' }, contentHash: `corpus-${tag}`, bytes: 123_456n },
  });
  const tokenizer = await db.tokenizer.create({ data: { kind: 'file', vocabSize: 512, uri: `${dir}/tokenizer.json`, contentHash: `tok-${tag}` } });
  tokenizers.push(tokenizer.id);
  const dataset = { corpusId: corpus.id, tokenizerId: tokenizer.id };
  const standard = await db.tokenDataset.create({ data: { ...dataset, variant: 'standard', uri: `${dir}/standard`, contentHash: `std-${tag}`, documents: 100n, tokens: 10_000n } });
  const deduplicated = await db.tokenDataset.create({
    data: { ...dataset, variant: 'deduplicated', parentId: standard.id, uri: `${dir}/deduplicated`, contentHash: `dedup-${tag}`, documents: 90n, tokens: 9_000n },
  });
  const order = await db.dataOrder.create({
    data: { datasetId: deduplicated.id, mode: 'cohort', seed: 1, seqLength: 64, globalBatch: 2, numSamples: 256n, orderHash: `order-${tag}`, uri: `${dir}/order-deduplicated` },
  });
  const config = await db.modelConfig.create({ data: { name: 'cpu-tiny', config: {}, configHash: `config-${tag}`, parameters: 1_234_567n } });
  configs.push(config.id);
  const run = { suiteId: suite.id, modelName: 'cpu-tiny', variant: 'deduplicated' as const, training: {}, seed: 1, placement: 'cpu', dataOrderId: order.id, modelConfigId: config.id, codeVersion: TRAIN_CODE, backend: 'cpu' };
  const parent = await db.run.create({ data: { ...run, name: 'cpu-tiny-deduplicated', checkpointSteps: [0, 64, 128], status: 'completed', workflowId: `run-${tag}-parent` } });
  const branch = await db.run.create({
    data: { ...run, name: 'cpu-tiny-pronoun-swap', checkpointSteps: [96], parentRunId: parent.id, branchStep: 64, transform: 'pronoun-swap', status: 'completed', workflowId: `run-${tag}-branch` },
  });
  const checkpoint = (runId: string, step: number) =>
    db.checkpoint.create({ data: { runId, step, tokensSeen: BigInt(step * 128), uri: `file://${dir}/${runId}/step${step}`, sha256: `sha-${step}`, bytes: 4096n, meanLoss: 5 - step / 100, workflowId: `wf-${runId}`, workflowRunId: `wfrun-${runId}-${step}` } });
  const [parent0, parent64, branch96] = await Promise.all([checkpoint(parent.id, 0), checkpoint(parent.id, 64), checkpoint(branch.id, 96)]);
  const evaluation = (checkpointId: string) =>
    db.evaluation.create({ data: { checkpointId, task: 'synthetic_pronoun', metric: 'acc', value: 0.5, stderr: 0.05, n: 100, taskVersion: '1', dataSha256: `data-${tag}`, codeVersion: EVAL_CODE, backend: 'cpu' } });
  const [evalParent, evalBranch] = await Promise.all([evaluation(parent64.id), evaluation(branch96.id)]);
  const analysis = await db.analysis.create({
    data: {
      suiteId: suite.id,
      kind: 'bias',
      params: {},
      paramsHash: `params-${tag}`,
      status: 'completed',
      inputs: { checkpoints: [parent64.id, branch96.id], evaluations: [evalParent.id, evalBranch.id] },
      codeVersion: ANALYSIS_CODE,
    },
  });
  const artifact = await db.artifact.create({
    data: { suiteId: suite.id, analysisId: analysis.id, name: 'bias.csv', kind: 'table', mediaType: 'text/csv', uri: `cohort-db://${analysis.id}/bias.csv`, sha256: 'c'.repeat(64), bytes: 42n },
  });
  Object.assign(ids, {
    suite: suite.id, corpus: corpus.id, tokenizer: tokenizer.id, standard: standard.id, deduplicated: deduplicated.id, order: order.id, config: config.id,
    parent: parent.id, branch: branch.id, parent0: parent0.id, parent64: parent64.id, branch96: branch96.id,
    evalParent: evalParent.id, evalBranch: evalBranch.id, analysis: analysis.id, artifact: artifact.id,
  });
}

const key = (kind: string, role: keyof typeof ids) => `${kind}:${ids[role]}`;
const edge = (from: string, relation: string, to: string): LineageEdge => ({ from, to, relation });
const sorted = (edges: LineageEdge[]) => edges.map((e) => `${e.from} -${e.relation}-> ${e.to}`).sort();
const nodeOf = (g: LineageGraph, k: string) => g.nodes.find((n) => n.key === k);

async function graph(kind: Parameters<typeof lineageGraph>[1], id: string): Promise<LineageGraph> {
  const g = await lineageGraph(db, kind, id);
  assert.ok(g, `no graph for ${kind} ${id}`);
  return g;
}

before(async () => {
  db = createLineageClient(url);
  await seedChain();
});

after(async () => {
  // A suite's runs, corpora (datasets, orders), analyses and artefacts cascade with it.
  await db.suite.deleteMany({ where: { id: { in: suites } } });
  await db.tokenizer.deleteMany({ where: { id: { in: tokenizers } } });
  await db.modelConfig.deleteMany({ where: { id: { in: configs } } });
  await db.$disconnect();
});

describe('lineage graph', () => {
  test("an evaluation's upstream is its checkpoint, the run and its parent, the data down to the corpus files, the tokenizer and the code", async () => {
    const g = await graph('evaluation', ids.evalBranch);
    const files = [`file:${dir}/a.jsonl`, `file:${dir}/b.txt`, `file:${dir}/tokenizer.json`];
    const [evaluation, checkpoint, branch, parent, order] = [key('evaluation', 'evalBranch'), key('checkpoint', 'branch96'), key('run', 'branch'), key('run', 'parent'), key('order', 'order')];
    const [deduplicated, standard, corpus, tokenizer] = [key('dataset', 'deduplicated'), key('dataset', 'standard'), key('corpus', 'corpus'), key('tokenizer', 'tokenizer')];
    const [config, suite, train, evalCode] = [key('model-config', 'config'), key('suite', 'suite'), `code:${TRAIN_CODE}`, `code:${EVAL_CODE}`];
    assert.equal(g.root, evaluation);
    assert.deepEqual(
      sorted(g.upstream),
      sorted([
        edge(evaluation, 'evaluated', checkpoint),
        edge(evaluation, 'computed by', evalCode),
        edge(checkpoint, 'written by', branch),
        ...[branch, parent].flatMap((run) => [edge(run, 'trained on', order), edge(run, 'configured by', config), edge(run, 'member of', suite), edge(run, 'computed by', train)]),
        edge(branch, 'branched from', parent),
        edge(order, 'orders', deduplicated),
        edge(deduplicated, 'deduplicated from', standard),
        ...[deduplicated, standard].flatMap((d) => [edge(d, 'tokenized from', corpus), edge(d, 'tokenized with', tokenizer)]),
        edge(corpus, 'read', files[0]),
        edge(corpus, 'read', files[1]),
        edge(tokenizer, 'read', files[2]),
      ]),
    );
    const downstreamKeys = [key('analysis', 'analysis'), key('artifact', 'artifact')];
    const upstreamKeys = [evaluation, checkpoint, branch, parent, order, deduplicated, standard, corpus, tokenizer, config, suite, train, evalCode, ...files];
    assert.deepEqual(g.nodes.map((n) => n.key).sort(), [...upstreamKeys, ...downstreamKeys].sort(), 'every node once');

    // Leaves: the corpus files, the tokenizer file, the code versions, and the two pieces of
    // configuration a person wrote (the suite's spec and the model config, named by their hashes).
    const upstreamNodes = new Set(upstreamKeys);
    const leaves = g.nodes.filter((n) => upstreamNodes.has(n.key) && !g.upstream.some((e) => e.from === n.key)).map((n) => n.key);
    assert.deepEqual(leaves.sort(), [...files, train, evalCode, config, suite].sort());

    assert.deepEqual(sorted(g.downstream), sorted([edge(downstreamKeys[0], 'read', evaluation), edge(downstreamKeys[1], 'produced by', downstreamKeys[0])]));
    assert.equal(g.truncated, false);

    // Node attributes carry the facts, BigInt as numbers.
    assert.deepEqual(nodeOf(g, checkpoint)?.attributes, {
      step: 96, tokensSeen: 96 * 128, sha256: 'sha-96', uri: `file://${dir}/${ids.branch}/step96`, bytes: 4096, meanLoss: 5 - 0.96,
      consumedSha256: null, workflowId: `wf-${ids.branch}`, workflowRunId: `wfrun-${ids.branch}-96`,
    });
    assert.equal(nodeOf(g, checkpoint)?.label, 'checkpoint step 96');
    assert.deepEqual(nodeOf(g, evaluation)?.attributes, {
      task: 'synthetic_pronoun', metric: 'acc', shots: 0, value: 0.5, stderr: 0.05, n: 100, limit: null, taskVersion: '1', dataSha256: `data-${tag}`,
      backend: 'cpu', codeVersion: EVAL_CODE, workflowId: null, workflowRunId: null,
    });
    assert.deepEqual(nodeOf(g, corpus)?.attributes, { kind: 'files', paths: JSON.stringify([`${dir}/a.jsonl`, `${dir}/b.txt`]), textField: 'text', name: 'files', contentHash: `corpus-${tag}`, bytes: 123_456 });
    assert.deepEqual(nodeOf(g, suite)?.attributes, { name: tag, specHash: `spec-${tag}`, status: 'completed', workflowId: `suite-${tag}` });
    assert.deepEqual(nodeOf(g, deduplicated)?.attributes, { variant: 'deduplicated', uri: `${dir}/deduplicated`, contentHash: `dedup-${tag}`, documents: 90, tokens: 9_000 });
    assert.equal(nodeOf(g, order)?.attributes.numSamples, 256);
    assert.equal(nodeOf(g, config)?.attributes.parameters, 1_234_567);
    assert.deepEqual(nodeOf(g, files[2])?.attributes, { path: `${dir}/tokenizer.json` });
  });

  test("the branched run's upstream reaches its parent run, and the run carries its branch step", async () => {
    const g = await graph('run', ids.branch);
    const branch = nodeOf(g, key('run', 'branch'));
    assert.deepEqual(
      { branchStep: branch?.attributes.branchStep, transform: branch?.attributes.transform, variant: branch?.attributes.variant, codeVersion: branch?.attributes.codeVersion },
      { branchStep: 64, transform: 'pronoun-swap', variant: 'deduplicated', codeVersion: TRAIN_CODE },
    );
    assert.ok(g.upstream.some((e) => e.from === key('run', 'branch') && e.relation === 'branched from' && e.to === key('run', 'parent')), JSON.stringify(g.upstream));
    assert.equal(nodeOf(g, key('run', 'parent'))?.attributes.branchStep, null);
    assert.deepEqual(
      sorted(g.downstream),
      sorted([
        edge(key('checkpoint', 'branch96'), 'written by', key('run', 'branch')),
        edge(key('evaluation', 'evalBranch'), 'evaluated', key('checkpoint', 'branch96')),
        edge(key('analysis', 'analysis'), 'read', key('checkpoint', 'branch96')),
        edge(key('analysis', 'analysis'), 'read', key('evaluation', 'evalBranch')),
        edge(key('artifact', 'artifact'), 'produced by', key('analysis', 'analysis')),
      ]),
      "only edges within the downstream: the analysis's reads of the parent's checkpoint are not part of it",
    );
  });

  test("a checkpoint's downstream is its evaluations, the analysis that read them and its artefact", async () => {
    const g = await graph('checkpoint', ids.parent64);
    const [cp, evaluation, analysis, artifact] = [key('checkpoint', 'parent64'), key('evaluation', 'evalParent'), key('analysis', 'analysis'), key('artifact', 'artifact')];
    assert.deepEqual(
      sorted(g.downstream),
      sorted([edge(evaluation, 'evaluated', cp), edge(analysis, 'read', cp), edge(analysis, 'read', evaluation), edge(artifact, 'produced by', analysis)]),
    );
    assert.equal(g.nodes.filter((n) => n.key === analysis).length, 1, 'the analysis is one node, however many of its inputs are downstream');
    assert.equal(nodeOf(g, analysis)?.attributes.codeVersion, ANALYSIS_CODE);
    assert.equal(g.truncated, false);
  });

  test("a parent run's downstream holds its branch and everything computed from both", async () => {
    const g = await graph('run', ids.parent);
    const downstream = new Set(g.downstream.map((e) => e.from));
    assert.deepEqual(
      [...downstream].sort(),
      [key('checkpoint', 'parent0'), key('checkpoint', 'parent64'), key('run', 'branch'), key('checkpoint', 'branch96'), key('evaluation', 'evalParent'), key('evaluation', 'evalBranch'), key('analysis', 'analysis'), key('artifact', 'artifact')].sort(),
    );
    assert.ok(g.downstream.some((e) => e.from === key('run', 'branch') && e.relation === 'branched from' && e.to === key('run', 'parent')));
  });

  test("an artefact's upstream goes through its analysis to every checkpoint and evaluation it read", async () => {
    const g = await graph('artifact', ids.artifact);
    const analysis = key('analysis', 'analysis');
    assert.deepEqual(
      sorted(g.upstream.filter((e) => e.from === analysis || e.to === analysis)),
      sorted([
        edge(key('artifact', 'artifact'), 'produced by', analysis),
        ...[key('checkpoint', 'parent64'), key('checkpoint', 'branch96'), key('evaluation', 'evalParent'), key('evaluation', 'evalBranch')].map((to) => edge(analysis, 'read', to)),
        edge(analysis, 'member of', key('suite', 'suite')),
        edge(analysis, 'computed by', `code:${ANALYSIS_CODE}`),
      ]),
    );
    assert.ok(g.nodes.some((n) => n.key === `file:${dir}/a.jsonl`), 'down to the corpus files');
    assert.deepEqual(g.downstream, []);
  });

  test('the downstream of the corpus, the tokenizer, the suite and the model config reaches the artefact', async () => {
    for (const [kind, role] of [['corpus', 'corpus'], ['tokenizer', 'tokenizer'], ['suite', 'suite'], ['model-config', 'config']] as const) {
      const g = await graph(kind, ids[role]);
      assert.ok(g.downstream.some((e) => e.from === key('artifact', 'artifact')), `${kind}: ${JSON.stringify(g.downstream)}`);
      assert.equal(g.truncated, false);
    }
  });

  test('a synthetic corpus is a leaf carrying its generator parameters; a tokenizer elsewhere reads no file', async () => {
    const suite = await db.suite.create({ data: { name: `${tag}-synthetic`, spec: {}, specHash: 'h' } });
    suites.push(suite.id);
    const source = { kind: 'synthetic', documents: 100, seed: 3, background: 'grammar', repeated: { perCount: 2, counts: [1, 4] }, heldout: 64 };
    const corpus = await db.corpus.create({ data: { suiteId: suite.id, name: 'synthetic', source, contentHash: `syn-${tag}`, bytes: 10n } });
    const g = await graph('corpus', corpus.id);
    assert.deepEqual(g.upstream, []);
    assert.deepEqual(g.nodes.map((n) => n.key), [`corpus:${corpus.id}`]);
    const { repeated, ...scalars } = g.nodes[0].attributes;
    assert.deepEqual(scalars, { kind: 'synthetic', documents: 100, seed: 3, background: 'grammar', heldout: 64, name: 'synthetic', contentHash: `syn-${tag}`, bytes: 10 });
    assert.deepEqual(JSON.parse(String(repeated)), source.repeated, 'nested parameters as JSON text');

    const remote = await db.tokenizer.create({ data: { kind: 'file', vocabSize: 300, uri: `s3://bucket/${tag}/tokenizer.json`, contentHash: 't' } });
    tokenizers.push(remote.id);
    assert.deepEqual((await graph('tokenizer', remote.id)).upstream, []);
    const local = await db.tokenizer.create({ data: { kind: 'train', vocabSize: 300, uri: `file://${dir}/trained%20tokenizer.json`, contentHash: 't' } });
    tokenizers.push(local.id);
    assert.deepEqual((await graph('tokenizer', local.id)).upstream, [edge(`tokenizer:${local.id}`, 'read', `file:${dir}/trained tokenizer.json`)]);
  });

  test(`the downstream stops at ${DOWNSTREAM_LIMIT} nodes, says it was cut, and costs a bounded number of queries`, async () => {
    const suite = await db.suite.create({ data: { name: `${tag}-cap`, spec: {}, specHash: 'h' } });
    suites.push(suite.id);
    const run = await db.run.create({ data: { suiteId: suite.id, name: 'dense', modelName: 'cpu-tiny', training: {}, seed: 1, placement: 'cpu' } });
    const steps = Array.from({ length: DOWNSTREAM_LIMIT + 1 }, (_, step) => step);
    await db.checkpoint.createMany({ data: steps.map((step) => ({ runId: run.id, step, tokensSeen: 0n, uri: `file://${dir}/dense/${step}`, sha256: 's', bytes: 1n })) });
    let queries = 0;
    const counted = db.$extends({
      query: {
        $allOperations: ({ args, query }) => {
          queries += 1;
          return query(args);
        },
      },
    }) as unknown as LineageClient;
    const g = await lineageGraph(counted, 'run', run.id);
    assert.ok(g);
    assert.equal(g.truncated, true);
    assert.equal(g.nodes.length, 1 + 1 + DOWNSTREAM_LIMIT, 'the run, its suite, and the cap of checkpoints');
    assert.equal(g.downstream.length, DOWNSTREAM_LIMIT);
    assert.ok(queries <= 5, `${queries} queries`);

    const full = await graph('run', ids.parent);
    assert.equal(full.truncated, false);
  });

  test('an unknown or malformed id has no graph', async () => {
    assert.equal(await lineageGraph(db, 'evaluation', randomUUID()), undefined);
    assert.equal(await lineageGraph(db, 'suite', 'not-a-uuid'), undefined);
  });
});
