import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { findActiveApiToken } from '@cohort/lineage';
import { canonicalJson } from '@cohort/suite-spec';
import { accessInventory, entryKey } from '../src/auth/access-inventory';
import { createApp } from '../src/bootstrap';
import { freePort, startProcess, temporalAddress, testDatabaseUrl } from './support/processes';
import { TestStack } from './support/stack';
import { smallestSuite } from './support/specs';

// The audit trail over the real orchestrator and PostgreSQL: every mutation leaves exactly one
// row, a failed one its error; a launch's row is in the launch's own transaction (so a launch
// Temporal refused leaves one error row and no suite); GET /audit filters and pages.
const stack = new TestStack(`audit-${process.pid}`);

const spec = (name: string) => smallestSuite(name, stack.computeQueue);

/** A token of its own for one test, so its rows are exactly the ones it made. */
async function actor(role: 'viewer' | 'operator' | 'admin', name: string): Promise<{ token: { token: string }; id: string }> {
  const token = await stack.mintToken(role, `audit ${process.pid} ${name}`);
  return { token: { token }, id: (await findActiveApiToken(stack.db, token))!.id };
}

const rowsOf = (tokenId: string) => stack.db.auditEvent.findMany({ where: { tokenId }, orderBy: { at: 'asc' } });

before(() => stack.start());
after(() => stack.stop()); // it deletes its tokens' audit rows too

describe('the audit trail', () => {
  test('every mutating route and operation is audited, and nothing that only reads', async () => {
    Object.assign(process.env, { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_RUN_WORKER: 'false' });
    const app = await createApp();
    await app.init();
    const entries = accessInventory(app);
    await app.close();
    const mutating = (e: (typeof entries)[number]) => (e.surface === 'rest' ? e.method !== 'GET' : e.operation === 'Mutation');
    assert.deepEqual(entries.filter((e) => mutating(e) !== e.audited).map(entryKey), []);
    assert.ok(entries.filter((e) => e.audited).length >= 12);
  });

  test('a launch, a refused launch, a pause that conflicts and a bad GraphQL action: one row each, with who, what and how it ended', async () => {
    const { token, id } = await actor('operator', 'launcher');
    const body = spec(`audit-${process.pid}-${Date.now()}`);
    const launched = await stack.request('POST', '/suites', body, token);
    assert.equal(launched.status, 201);
    const invalid = await stack.request('POST', '/suites', { ...body, steps: -1 }, token);
    assert.equal(invalid.status, 400);
    assert.equal((await stack.finished(launched.body.id)).status, 'completed');
    assert.equal((await stack.request('POST', `/suites/${launched.body.id}/pause`, undefined, token)).status, 409);
    const gql = await stack.request('POST', '/graphql', { query: `mutation { controlSuite(id: "${launched.body.id}", action: "halt") }` }, token);
    assert.equal(gql.body.errors[0].extensions.code, 'BAD_USER_INPUT');

    const rows = await rowsOf(id);
    assert.deepEqual(
      rows.map((r) => [r.action, r.targetKind, r.targetId, r.result, r.role, r.tokenName]),
      [
        ['suite.launch', 'suite', launched.body.id, 'ok', 'operator', `audit ${process.pid} launcher`],
        ['suite.launch', 'suite', null, 'error', 'operator', `audit ${process.pid} launcher`],
        ['suite.pause', 'suite', launched.body.id, 'error', 'operator', `audit ${process.pid} launcher`],
        ['suite.halt', 'suite', launched.body.id, 'error', 'operator', `audit ${process.pid} launcher`],
      ],
    );
    assert.equal(rows[0].error, null);
    assert.equal(rows[1].error, 'invalid suite spec');
    assert.match(rows[2].error!, /is completed/);
    assert.match(rows[3].error!, /action must be one of/);
    // The parameters' hash, not the parameters.
    assert.equal(rows[0].paramsSha256, createHash('sha256').update(canonicalJson({ query: {}, body })).digest('hex'));
  });

  test('a mutation refused for its role is in the trail too, with the refusal', async () => {
    const { token, id } = await actor('viewer', 'viewer');
    const suiteId = '00000000-0000-4000-8000-00000000000a';
    assert.equal((await stack.request('POST', `/suites/${suiteId}/cancel`, undefined, token)).status, 403);
    const gql = await stack.request('POST', '/graphql', { query: `mutation { controlSuite(id: "${suiteId}", action: "cancel") }` }, token);
    assert.equal(gql.body.errors[0].extensions.code, 'FORBIDDEN');
    assert.equal((await stack.request('GET', `/suites/${suiteId}`, undefined, token)).status, 404, 'reads are not audited');
    const rows = await rowsOf(id);
    assert.deepEqual(rows.map((r) => [r.action, r.targetId, r.role, r.result]), [
      ['suite.cancel', suiteId, 'viewer', 'error'],
      ['suite.cancel', suiteId, 'viewer', 'error'],
    ]);
    assert.match(rows[0].error!, /POST \/suites\/:id\/:action needs the operator role/);
    assert.match(rows[1].error!, /mutation controlSuite needs the operator role/);
  });

  test('token management is audited too, in the change’s own transaction', async () => {
    const { token, id } = await actor('admin', 'admin');
    const created = await stack.request('POST', '/tokens', { name: `audit ${process.pid} made`, role: 'viewer' }, token);
    assert.equal(created.status, 201);
    assert.equal((await stack.request('POST', `/tokens/${created.body.id}/revoke`, undefined, token)).status, 200);
    assert.equal((await stack.request('POST', '/tokens/00000000-0000-4000-8000-000000000000/revoke', undefined, token)).status, 404);
    const rows = await rowsOf(id);
    assert.deepEqual(rows.map((r) => [r.action, r.targetId, r.result]), [
      ['token.create', created.body.id, 'ok'],
      ['token.revoke', created.body.id, 'ok'],
      ['token.revoke', '00000000-0000-4000-8000-000000000000', 'error'],
    ]);
    assert.ok(!JSON.stringify(rows).includes(created.body.token), 'no token in the trail');
    await stack.db.apiToken.delete({ where: { id: created.body.id } });
  });

  test('a launch Temporal refuses rolls back its suite and its ok row: one error row is left', async () => {
    const { token, id } = await actor('operator', 'no-temporal');
    const port = await freePort();
    const degraded = await startProcess(
      'apps/orchestrator/dist/src/main.js',
      { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: String(port), COHORT_RUN_WORKER: 'false', COHORT_DEPENDENCY_TIMEOUT_MS: '2000' },
      /listening on/,
    );
    try {
      const name = `audit-no-temporal-${process.pid}-${Date.now()}`;
      const res = await fetch(`http://127.0.0.1:${port}/suites`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify(spec(name)),
      });
      assert.equal(res.status, 503);
      assert.equal(await stack.db.suite.count({ where: { name } }), 0);
      const rows = await rowsOf(id);
      assert.deepEqual(rows.map((r) => [r.action, r.result]), [['suite.launch', 'error']]);
      assert.match(rows[0].error!, /temporal is unavailable/);
    } finally {
      await degraded.stop();
    }
  });

  test('GET /audit: filters by actor, action, target and time, newest first, in pages', async () => {
    const { token, id } = await actor('operator', 'pager');
    const since = new Date().toISOString();
    const suiteIds: string[] = [];
    for (let i = 0; i < 3; i++) suiteIds.push(await stack.launch(spec(`audit-page-${process.pid}-${i}-${Date.now()}`)));
    for (const suiteId of suiteIds) await stack.request('POST', `/suites/${suiteId}/cancel`, undefined, token);
    const get = async (query: string) => stack.request('GET', `/audit?${query}`, undefined, 'admin');

    const all = await get(`actor=${id}`);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.events.map((e: { targetId: string }) => e.targetId), [...suiteIds].reverse(), 'newest first');
    assert.equal(all.body.nextCursor, null);
    assert.equal((await get(`actor=${encodeURIComponent(`audit ${process.pid} pager`)}&action=suite.cancel`)).body.events.length, 3);
    assert.equal((await get(`target=suite:${suiteIds[1]}&since=${since}`)).body.events.length, 2, 'the launch (by the stack) and the cancel');
    assert.equal((await get(`actor=${id}&since=${new Date(Date.now() + 60_000).toISOString()}`)).body.events.length, 0);

    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: { events: { id: string }[]; nextCursor: string | null } } = await get(`actor=${id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.body.events.length <= 2);
      seen.push(...page.body.events.map((e) => e.id));
      cursor = page.body.nextCursor;
    }
    assert.deepEqual(seen, all.body.events.map((e: { id: string }) => e.id));

    for (const bad of ['limit=0', 'limit=501', 'cursor=nonsense', 'since=yesterday', 'target=Suite']) {
      const res = await get(bad);
      assert.equal(res.status, 400, bad);
      assert.ok(res.body.issues.length > 0, bad);
    }
  });
});
