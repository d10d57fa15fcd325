import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestStack } from './support/stack';

// Cursor pages of every list, on the real orchestrator and PostgreSQL: rows seeded straight into
// the test database (one suite of three runs, 25 metric rows, 12 evaluations, and 12 more suites),
// then read page by page through REST (Next-Cursor / Link headers) and GraphQL (`limit`, `after`).
const stack = new TestStack(`pagination-${process.pid}`);
const tag = `pages-${process.pid}-${Date.now()}`;
const suiteIds: string[] = [];
const runId = randomUUID();

async function seed(): Promise<void> {
  const t0 = Date.now();
  for (let i = 0; i < 12; i++) {
    // Two suites share each creation time: the id breaks the tie, so the order is total.
    const suite = await stack.db.suite.create({
      data: { name: `${tag}-${i}`, spec: { name: tag }, specHash: `hash-${i}`, createdAt: new Date(t0 + Math.floor(i / 2) * 1000) },
    });
    suiteIds.push(suite.id);
  }
  const runs = ['a', 'b', 'c'].map((name) => ({
    id: name === 'a' ? runId : randomUUID(),
    suiteId: suiteIds[0],
    name,
    modelName: 'tiny',
    variant: 'standard' as const,
    training: { steps: 100 },
    checkpointSteps: [10, 20],
    seed: 1,
    placement: 'cpu',
  }));
  await stack.db.run.createMany({ data: runs });
  await stack.db.runMetric.createMany({ data: Array.from({ length: 25 }, (_, k) => ({ runId, step: k + 1, loss: 3 - k / 10, lr: 1e-3, gradNorm: 1 })) });
  for (const run of runs) {
    for (const step of [10, 20]) {
      const checkpoint = await stack.db.checkpoint.create({
        data: { runId: run.id, step, tokensSeen: BigInt(step * 512), uri: `file:///pages/${run.name}/${step}`, sha256: 'f'.repeat(64), bytes: BigInt(1) },
      });
      await stack.db.evaluation.createMany({
        data: ['piqa', 'sciq'].map((task) => ({ checkpointId: checkpoint.id, task, metric: 'acc', value: 0.5, n: 10, taskVersion: '1', dataSha256: 'd'.repeat(64) })),
      });
    }
  }
}

before(async () => {
  await stack.start();
  await seed();
});
after(async () => {
  await stack.db.suite.deleteMany({ where: { id: { in: suiteIds } } });
  await stack.stop();
});

async function page(path: string): Promise<{ status: number; items: any; next: string | null; link: string | null }> {
  const res = await fetch(`${stack.api}${path}`, { headers: stack.auth('viewer') });
  return { status: res.status, items: await res.json(), next: res.headers.get('next-cursor'), link: res.headers.get('link') };
}

/** Every page of `path` at `limit`, following Next-Cursor; checks each page's size and Link header. */
async function walk(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const p = await page(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(p.status, 200, JSON.stringify(p.items));
    pages++;
    if (p.next) {
      assert.equal(p.items.length, limit, 'only the last page is short');
      const link = new URL(/^<(.+)>; rel="next"$/.exec(p.link ?? '')![1], stack.api);
      assert.equal(link.searchParams.get('cursor'), p.next);
      assert.equal(link.searchParams.get('limit'), String(limit));
    } else assert.equal(p.link, null, 'no Link on the last page');
    items.push(...p.items);
    cursor = p.next;
  } while (cursor);
  return { items, pages };
}

describe('cursor pages', () => {
  test('the suites, newest first, each exactly once across pages of 5, as GraphQL pages them', async () => {
    const { items } = await walk('/suites', 5);
    const ids = items.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, 'no suite twice');
    assert.equal(ids.length, await stack.db.suite.count());
    const ours = items.filter((s) => s.name.startsWith(tag));
    assert.equal(ours.length, 12);
    const key = (s: { createdAt: string; id: string }) => `${s.createdAt}|${s.id}`;
    const sorted = [...items].sort((a, b) => (key(a) < key(b) ? 1 : -1));
    assert.deepEqual(ids, sorted.map((s) => s.id), 'ordered by (createdAt, id) descending');
    assert.ok(items.every((s) => !('runs' in s) && !('specJson' in s)), 'a list item is a summary');
    const withRuns = ours.find((s) => s.id === suiteIds[0]);
    assert.deepEqual([withRuns.runCount, withRuns.step, withRuns.totalSteps], [3, 25, 300], 'Σ last steps (25 + 0 + 0) of Σ planned');

    const first = await stack.request('POST', '/graphql', { query: '{ suites(limit: 5) { id } }' }, 'viewer');
    const last = first.body.data.suites.at(-1).id;
    const second = await stack.request('POST', '/graphql', { query: `{ suites(limit: 5, after: "${last}") { id } }` }, 'viewer');
    assert.deepEqual([...first.body.data.suites, ...second.body.data.suites].map((s: { id: string }) => s.id), ids.slice(0, 10));
    const nulls = await stack.request('POST', '/graphql', { query: '{ suites(limit: null, after: null) { id } }' }, 'viewer');
    assert.equal(nulls.body.data.suites.length, Math.min(100, ids.length), 'explicit nulls are the defaults');
  });

  test("a run's loss curve in pages of 10: 10, 10 and 5 steps, in order", async () => {
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const p = await page(`/runs/${runId}/metrics?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(p.items.length);
      cursor = p.next;
    } while (cursor);
    assert.deepEqual(sizes, [10, 10, 5]);
    const { items } = await walk(`/runs/${runId}/metrics`, 10);
    assert.deepEqual(items.map((m) => m.step), Array.from({ length: 25 }, (_, k) => k + 1));
    assert.equal((await page(`/runs/${randomUUID()}/metrics`)).status, 404);
  });

  test("a suite's evaluations: the pages join into the one tidy table, in its order, in REST and GraphQL", async () => {
    const whole = await page(`/suites/${suiteIds[0]}/evaluations`);
    assert.equal(whole.items.length, 12);
    assert.equal(whole.next, null, 'the default page holds them all');
    const { items, pages } = await walk(`/suites/${suiteIds[0]}/evaluations`, 5);
    assert.equal(pages, 3);
    assert.deepEqual(items.map((e) => e.id), whole.items.map((e: { id: string }) => e.id));
    assert.deepEqual(
      items.map((e) => `${e.run}/${e.step}/${e.task}`).slice(0, 4),
      ['a/10/piqa', 'a/10/sciq', 'a/20/piqa', 'a/20/sciq'],
    );
    const filtered = await walk(`/runs/${runId}/evaluations?task=sciq`, 1);
    assert.deepEqual(filtered.items.map((e) => e.step), [10, 20], 'filters and pages combine');

    const query = (after: string | null) =>
      `{ suiteEvaluations(suiteId: "${suiteIds[0]}", limit: 7${after ? `, after: "${after}"` : ''}) { id } }`;
    const first = (await stack.request('POST', '/graphql', { query: query(null) }, 'viewer')).body.data.suiteEvaluations;
    const second = (await stack.request('POST', '/graphql', { query: query(first.at(-1).id) }, 'viewer')).body.data.suiteEvaluations;
    assert.deepEqual([...first, ...second].map((e: { id: string }) => e.id), whole.items.map((e: { id: string }) => e.id));
  });

  test('a bad limit or cursor is a 400 naming it, in REST and in GraphQL', async () => {
    const cases: [string, string, RegExp][] = [
      ['/suites?limit=0', 'limit', /from 1 to 500/],
      ['/suites?limit=501', 'limit', /from 1 to 500/],
      ['/suites?limit=ten', 'limit', /from 1 to 500/],
      ['/suites?cursor=not-a-cursor', 'cursor', /must be an id/],
      [`/suites?cursor=${randomUUID()}`, 'cursor', /names no suite/],
      [`/runs/${runId}/metrics?limit=10001`, 'limit', /from 1 to 10000/],
      [`/runs/${runId}/metrics?cursor=-3`, 'cursor', /must be a step/],
      [`/suites/${suiteIds[0]}/evaluations?cursor=${randomUUID()}`, 'cursor', /names no evaluation/],
    ];
    for (const [path, field, message] of cases) {
      const p = await page(path);
      assert.equal(p.status, 400, path);
      assert.equal(p.items.issues[0].path, field, path);
      assert.match(p.items.issues[0].message, message, path);
    }
    const gql = await stack.request('POST', '/graphql', { query: '{ suites(limit: 501) { id } }' }, 'viewer');
    assert.equal(gql.body.data, null);
    assert.match(JSON.stringify(gql.body.errors[0]), /from 1 to 500/);
  });
});
