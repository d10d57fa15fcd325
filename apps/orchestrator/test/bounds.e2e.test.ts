import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery } from 'graphql';
import { findActiveApiToken } from '@cohort/lineage';
import { TestStack } from './support/stack';

// Bounds on what one request may ask of the real orchestrator: GraphQL depth and complexity
// (refused in validation, before anything runs) and each token's rate of mutations (here 3 at
// once, then one every 10 s).
const stack = new TestStack(`bounds-${process.pid}`, {
  COHORT_GRAPHQL_MAX_DEPTH: '3',
  COHORT_MUTATION_BURST: '3',
  COHORT_MUTATIONS_PER_MINUTE: '6',
});

before(() => stack.start());
after(() => stack.stop());

// Depth is refused in validation, before any resolver looks the suite up.
const ANY_ID = '00000000-0000-0000-0000-000000000000';

const graphql = (query: string, as: 'viewer' | null = 'viewer') => stack.request('POST', '/graphql', { query }, as);

describe('GraphQL depth and complexity', () => {
  // The stack's maximum depth is 3, as today's schema (no cycles) is at most 4 deep; the maximum
  // complexity is the default 5000.
  test('a dashboard-sized query of a page of suites is answered', async () => {
    const { status, body } = await graphql('{ suites(limit: 100) { id name status createdAt runCount step totalSteps } }');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined);
    assert.ok(Array.isArray(body.data.suites));
  });

  test('a query deeper than the maximum depth is refused before it runs, naming the limit', async () => {
    const { status, body } = await graphql(`{ suite(id: "${ANY_ID}") { runs { checkpoints { step } } } }`);
    assert.equal(status, 400);
    assert.equal(body.data, undefined, 'nothing ran');
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0].message, 'the operation is 4 fields deep; the maximum depth is 3 (COHORT_GRAPHQL_MAX_DEPTH)');
    const { code, depth, maxDepth } = body.errors[0].extensions;
    assert.deepEqual({ code, depth, maxDepth }, { code: 'GRAPHQL_VALIDATION_FAILED', depth: 4, maxDepth: 3 });
  });

  test('depth is counted through fragments', async () => {
    const { body } = await graphql(`
      query Deep { suite(id: "${ANY_ID}") { ...Runs } }
      fragment Runs on Suite { runs { ... on Run { checkpoints { step } } } }`);
    assert.equal(body.errors[0].message, 'operation Deep is 4 fields deep; the maximum depth is 3 (COHORT_GRAPHQL_MAX_DEPTH)');
  });

  test('a query costlier than the maximum complexity is refused before it runs, naming the limit', async () => {
    // Every field of a suite, its probes and runs (275: lists multiply), asked 19 times under aliases.
    const suite =
      'id name status error specHash specJson workflowId createdAt updatedAt runCount step totalSteps probes { taskQueue hostname backend blas threads cudaDevice createdAt }';
    const run =
      'id name modelName variant status error seed placement parentRunId branchStep transform checkpointSteps step totalSteps lastLoss parameters workflowId backend codeVersion';
    const aliases = Array.from({ length: 19 }, (_, i) => `s${i}: suite(id: "${ANY_ID}") { ${suite} runs { ${run} } }`);
    const { status, body } = await graphql(`{ ${aliases.join(' ')} }`);
    assert.equal(status, 400);
    assert.equal(body.data, undefined, 'nothing ran');
    assert.equal(
      body.errors[0].message,
      'the operation costs 5225 (one per field, lists counted as 10 items); the maximum complexity is 5000 (COHORT_GRAPHQL_MAX_COMPLEXITY)',
    );
    const { code, complexity, maxComplexity } = body.errors[0].extensions;
    assert.deepEqual({ code, complexity, maxComplexity }, { code: 'GRAPHQL_VALIDATION_FAILED', complexity: 5225, maxComplexity: 5000 });
  });

  test('the standard introspection query is not measured, and stays readable without a token', async () => {
    const { status, body } = await graphql(getIntrospectionQuery(), null);
    assert.equal(status, 200, JSON.stringify(body.errors));
    assert.ok(body.data.__schema.types.some((t: { name: string }) => t.name === 'Suite'));
  });
});

describe('the rate of mutations per token', () => {
  /** A suite that does not exist: its pause reaches the handler (404) without touching Temporal. */
  const absent = '00000000-0000-4000-8000-0000000000b0';
  const pause = (token: { token: string }) => stack.request('POST', `/suites/${absent}/pause`, undefined, token);

  test('a burst beyond the limit is 429 with Retry-After, over REST and GraphQL; reads and other tokens go on', async () => {
    const flooder = { token: await stack.mintToken('operator', `bounds ${process.pid} flooder`) };
    const other = { token: await stack.mintToken('operator', `bounds ${process.pid} other`) };
    for (let i = 0; i < 3; i++) assert.equal((await pause(flooder)).status, 404, `mutation ${i + 1} of the burst`);

    const res = await fetch(`${stack.api}/suites/${absent}/pause`, { method: 'POST', headers: stack.auth(flooder) });
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After: ${res.headers.get('retry-after')}`);
    const body = (await res.json()) as { message: string; retryAfter: number };
    assert.match(body.message, /^POST \/suites\/:id\/:action is refused: token "bounds \d+ flooder" is over its rate \(3 mutations at once, 6 a minute per token\); retry in \d+ s$/);
    assert.equal(body.retryAfter, retryAfter);

    const gql = await stack.request('POST', '/graphql', { query: `mutation { controlSuite(id: "${absent}", action: "pause") }` }, flooder);
    assert.equal(gql.body.errors[0].extensions.code, 'RATE_LIMITED', JSON.stringify(gql.body));
    assert.ok(gql.body.errors[0].extensions.retryAfter >= 1);
    assert.match(gql.body.errors[0].message, /^mutation controlSuite is refused: token .* is over its rate/);

    assert.equal((await stack.request('GET', '/suites', undefined, flooder)).status, 200, 'reads are not limited');
    assert.equal((await stack.request('POST', '/graphql', { query: '{ suites { id } }' }, flooder)).body.errors, undefined);
    assert.equal((await pause(other)).status, 404, 'another token has its own bucket');
  });

  test('a mutation refused for its rate leaves an audit row with the refusal, as one refused for its role does', async () => {
    const token = await stack.mintToken('operator', `bounds ${process.pid} audited`);
    for (let i = 0; i < 4; i++) await pause({ token });
    const { id } = (await findActiveApiToken(stack.db, token))!;
    const rows = await stack.db.auditEvent.findMany({ where: { tokenId: id }, orderBy: { at: 'asc' } });
    assert.deepEqual(rows.map((r) => [r.action, r.targetId, r.result]), Array(4).fill(['suite.pause', absent, 'error']));
    assert.match(rows[3].error!, /is over its rate/);
    assert.doesNotMatch(rows[2].error!, /is over its rate/);
  });
});
