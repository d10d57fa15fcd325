import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { freePort, startProcess, temporalAddress } from './support/processes';
import { TestStack } from './support/stack';

// The lineage graph over REST and GraphQL on a real orchestrator: one graph, the same through
// both, with 400s for what cannot name a row, 404s for rows that do not exist and a 503 when the
// database is down. Rows are written directly: nothing here needs training.
const stack = new TestStack(`lineage-${process.pid}`);
const tag = `lineage-api-${process.pid}-${Date.now()}`;
const cleanup: Array<() => Promise<unknown>> = [];
let ids: { evaluation: string; checkpoint: string; run: string; suite: string; analysis: string };

async function seed(): Promise<typeof ids> {
  const suite = await stack.db.suite.create({ data: { name: tag, spec: {}, specHash: `spec-${tag}`, status: 'completed' } });
  cleanup.push(() => stack.db.suite.delete({ where: { id: suite.id } })); // runs, corpora, analyses cascade
  const tokenizer = await stack.db.tokenizer.create({ data: { kind: 'train', vocabSize: 300, uri: `/data/${tag}/tokenizer.json`, contentHash: 't' } });
  const config = await stack.db.modelConfig.create({ data: { name: 'cpu-tiny', config: {}, configHash: `config-${tag}`, parameters: 4321n } });
  cleanup.push(() => stack.db.tokenizer.delete({ where: { id: tokenizer.id } }), () => stack.db.modelConfig.delete({ where: { id: config.id } }));
  const corpus = await stack.db.corpus.create({ data: { suiteId: suite.id, name: 'files', source: { kind: 'files', paths: [`/data/${tag}/corpus.jsonl`] }, contentHash: 'c', bytes: 99n } });
  const dataset = await stack.db.tokenDataset.create({ data: { corpusId: corpus.id, tokenizerId: tokenizer.id, variant: 'standard', uri: `/data/${tag}/standard`, contentHash: 'd', documents: 10n, tokens: 1000n } });
  const order = await stack.db.dataOrder.create({ data: { datasetId: dataset.id, mode: 'neox', seed: 7, seqLength: 64, globalBatch: 2, numSamples: 8n, orderHash: 'o', uri: `/data/${tag}/order` } });
  const run = await stack.db.run.create({
    data: { suiteId: suite.id, name: 'cpu-tiny-standard', modelName: 'cpu-tiny', training: {}, seed: 7, placement: 'cpu', dataOrderId: order.id, modelConfigId: config.id, codeVersion: `code-${tag}` },
  });
  const checkpoint = await stack.db.checkpoint.create({ data: { runId: run.id, step: 4, tokensSeen: 512n, uri: `file:///data/${tag}/step4`, sha256: 's', bytes: 10n } });
  const evaluation = await stack.db.evaluation.create({
    data: { checkpointId: checkpoint.id, task: 'piqa', metric: 'acc_norm', value: 0.52, stderr: 0.01, n: 50, taskVersion: '1', dataSha256: 'p', codeVersion: `code-${tag}` },
  });
  const analysis = await stack.db.analysis.create({
    data: { suiteId: suite.id, kind: 'stability', params: {}, paramsHash: 'h', status: 'completed', inputs: { checkpoints: [checkpoint.id], evaluations: [evaluation.id] } },
  });
  return { evaluation: evaluation.id, checkpoint: checkpoint.id, run: run.id, suite: suite.id, analysis: analysis.id };
}

const LINEAGE_QUERY = `query($kind: String!, $id: ID!) {
  lineage(kind: $kind, id: $id) { root truncated nodes { key kind id label attributesJson } upstream { from to relation } downstream { from to relation } }
}`;
const graphql = (kind: string, id: string) => stack.request('POST', '/graphql', { query: LINEAGE_QUERY, variables: { kind, id } });

before(async () => {
  await stack.start();
  ids = await seed();
});

after(async () => {
  try {
    for (const remove of cleanup) await remove();
  } finally {
    await stack.stop();
  }
});

describe('lineage API', () => {
  test('REST and GraphQL return the same graph, from the evaluation down to the corpus file and up to the analysis', async () => {
    for (const [kind, id] of [['evaluation', ids.evaluation], ['run', ids.run], ['suite', ids.suite]] as const) {
      const rest = await stack.request('GET', `/lineage/${kind}/${id}`);
      assert.equal(rest.status, 200, JSON.stringify(rest.body));
      const gql = await graphql(kind, id);
      assert.equal(gql.body.errors, undefined, JSON.stringify(gql.body.errors));
      const { nodes, ...edges } = gql.body.data.lineage;
      const fromGraphql = { ...edges, nodes: nodes.map(({ attributesJson, ...n }: any) => ({ ...n, attributes: JSON.parse(attributesJson) })) };
      assert.deepEqual(fromGraphql, rest.body, kind);
    }

    const { body } = await stack.request('GET', `/lineage/evaluation/${ids.evaluation}`);
    assert.equal(body.root, `evaluation:${ids.evaluation}`);
    assert.equal(body.truncated, false);
    const has = (edges: any[], from: string, relation: string, to: string) => edges.some((e) => e.from === from && e.relation === relation && e.to === to);
    assert.ok(has(body.upstream, `evaluation:${ids.evaluation}`, 'evaluated', `checkpoint:${ids.checkpoint}`));
    assert.ok(has(body.upstream, `checkpoint:${ids.checkpoint}`, 'written by', `run:${ids.run}`));
    assert.ok(body.upstream.some((e: any) => e.relation === 'read' && e.to === `file:/data/${tag}/corpus.jsonl`), JSON.stringify(body.upstream));
    assert.ok(has(body.downstream, `analysis:${ids.analysis}`, 'read', `evaluation:${ids.evaluation}`));
    const checkpoint = body.nodes.find((n: any) => n.key === `checkpoint:${ids.checkpoint}`);
    assert.deepEqual([checkpoint.label, checkpoint.attributes.step, checkpoint.attributes.tokensSeen], ['checkpoint step 4', 4, 512]);
    const evaluation = body.nodes.find((n: any) => n.key === body.root);
    assert.deepEqual([evaluation.attributes.task, evaluation.attributes.value, evaluation.attributes.codeVersion], ['piqa', 0.52, `code-${tag}`]);
  });

  test('a nonexistent id is a 404 naming what was asked for', async () => {
    const missing = randomUUID();
    const rest = await stack.request('GET', `/lineage/evaluation/${missing}`);
    assert.equal(rest.status, 404);
    assert.equal(rest.body.message, `no evaluation with id ${missing}`);
    const gql = await graphql('evaluation', missing);
    assert.equal(gql.body.data.lineage, null);
    assert.equal(gql.body.errors[0].message, `no evaluation with id ${missing}`);
    assert.equal(gql.body.errors[0].extensions.originalError.statusCode, 404);
  });

  test('an unknown kind or an id that is no UUID is a 400', async () => {
    const badKind = await stack.request('GET', `/lineage/file/${ids.run}`);
    assert.equal(badKind.status, 400);
    assert.match(badKind.body.message, /kind must be one of suite, corpus, tokenizer, dataset, order, model-config, run, checkpoint, evaluation, analysis, artifact, got "file"/);
    const badId = await stack.request('GET', '/lineage/run/not-a-uuid');
    assert.equal(badId.status, 400);
    assert.match(badId.body.message, /run id must be a UUID/);
    for (const [kind, id, message] of [['bogus', ids.run, /kind must be one of/], ['run', 'not-a-uuid', /must be a UUID/]] as const) {
      const gql = await graphql(kind, id);
      assert.equal(gql.body.errors[0].extensions.code, 'BAD_USER_INPUT');
      assert.match(gql.body.errors[0].message, message);
    }
  });

  test('the OpenAPI document describes the route', async () => {
    const { body } = await stack.request('GET', '/docs-json');
    const route = body.paths['/lineage/{kind}/{id}']?.get;
    assert.ok(route, Object.keys(body.paths).join(', '));
    assert.deepEqual(Object.keys(route.responses).sort(), ['200', '400', '404', '503']);
    assert.ok(body.components.schemas.LineageGraphView.properties.truncated);
  });

  test('with the database down, the graph is a 503 naming postgres', async () => {
    const port = await freePort();
    const degraded = await startProcess(
      'apps/orchestrator/dist/src/main.js',
      { DATABASE_URL: 'postgresql://cohort:cohort@127.0.0.1:1/cohort', TEMPORAL_ADDRESS: temporalAddress, PORT: String(port), COHORT_RUN_WORKER: 'false', COHORT_DEPENDENCY_TIMEOUT_MS: '2000' },
      /listening on/,
    );
    try {
      // The guard itself needs the database to check a token: it is the one to answer 503.
      const res = await fetch(`http://127.0.0.1:${port}/lineage/run/${ids.run}`, { headers: stack.auth('viewer') });
      const body: any = await res.json();
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.equal(body.dependency, 'postgres');
    } finally {
      await degraded.stop();
    }
  });
});
