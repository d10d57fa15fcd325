import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardServer } from '../src/dashboard/dashboard-server';
import { freePort } from './support/processes';

// The dashboard's HTTP server over real sockets: a fixture build, and an upstream API that
// records what reached it (or no API at all).
const root = mkdtempSync(join(tmpdir(), 'cohort-dashboard-'));
const seen: { method: string; url: string; body: string; cookie?: string; authorization?: string }[] = [];
let api: Server;
let dashboard: Server;
let base = '';
const GOOD_TOKEN = 'cohort_good';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

before(async () => {
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Cohort</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'cohort-dashboard-outside.txt'), 'secret');
  api = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, cookie: req.headers.cookie, authorization: req.headers.authorization });
      if (req.url === '/me') {
        const known = req.headers.authorization === `Bearer ${GOOD_TOKEN}`;
        res.writeHead(known ? 200 : 401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(known ? { id: 't1', name: 'tester', role: 'viewer' } : { message: 'unknown token' }));
      }
      if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: progress\ndata: {"n":1}\n\n'); // and the stream stays open
        return;
      }
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: req.url }));
    });
  });
  const apiUrl = await listen(api);
  dashboard = createDashboardServer({ root, apiUrl, temporalUiUrl: 'http://temporal.example:8233', temporalNamespace: 'research' });
  base = await listen(dashboard);
});

after(() => {
  for (const server of [dashboard, api]) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(root, { recursive: true, force: true });
});

describe('the dashboard server', () => {
  test('serves the page for every route, assets with long caching, and its configuration', async () => {
    for (const route of ['/', '/suites/1b8d5a4e-0000-4000-8000-000000000000', '/lineage/run/x']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(await res.text(), /<title>Cohort<\/title>/);
    }
    const asset = await fetch(`${base}/assets/app-1234.js`);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control')!, /immutable/);
    assert.deepEqual(await (await fetch(`${base}/config.json`)).json(), { temporalUiUrl: 'http://temporal.example:8233', temporalNamespace: 'research' });
  });

  test('a missing asset is a 404, and no path leaves the build folder', async () => {
    assert.equal((await fetch(`${base}/assets/gone.js`)).status, 404);
    for (const escape of ['/../cohort-dashboard-outside.txt', '/%2e%2e/cohort-dashboard-outside.txt', '/assets/%2e%2e%2f%2e%2e%2fcohort-dashboard-outside.txt']) {
      const res = await fetch(base + escape);
      assert.doesNotMatch(await res.text(), /secret/, escape);
    }
    assert.equal((await fetch(`${base}/%E0%A4%A`)).status, 400);
  });

  test('forwards /api/* to the API with method, query, body and status, and streams events unbuffered', async () => {
    seen.length = 0;
    const post = await fetch(`${base}/api/suites/abc/pause?x=1`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(post.status, 200);
    assert.deepEqual(await post.json(), { echoed: '/suites/abc/pause?x=1' });
    assert.deepEqual(seen[0], { method: 'POST', url: '/suites/abc/pause?x=1', body: '{"a":1}', cookie: undefined, authorization: undefined });
    assert.equal((await fetch(`${base}/api/missing`)).status, 404);
    // The first event arrives while the upstream stream is still open.
    const controller = new AbortController();
    const events = await fetch(`${base}/api/events`, { signal: controller.signal });
    const reader = events.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /event: progress/);
    controller.abort();
  });

  test('signs in with a token the API knows, into an HttpOnly SameSite=Strict cookie it turns into the bearer token', async () => {
    const signIn = (token: string, type = 'application/json') =>
      fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ token }) });
    const refused = await signIn('cohort_bad');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('set-cookie'), null);
    assert.equal((await signIn(GOOD_TOKEN, 'text/plain')).status, 415, 'no cross-site form can sign a browser in');
    assert.equal((await fetch(`${base}/session`)).status, 401, 'not signed in yet');

    const accepted = await signIn(GOOD_TOKEN);
    assert.equal(accepted.status, 200);
    assert.deepEqual(await accepted.json(), { name: 'tester', role: 'viewer' });
    const cookie = accepted.headers.get('set-cookie')!;
    assert.match(cookie, /^cohort_token=cohort_good; HttpOnly; SameSite=Strict; Path=\//);
    assert.equal((await (await fetch(`${base}/session`, { headers: { cookie } })).json() as { name: string }).name, 'tester');

    seen.length = 0;
    await fetch(`${base}/api/suites`, { headers: { cookie: `${cookie.split(';')[0]}; other=1` } });
    assert.equal(seen[0].authorization, `Bearer ${GOOD_TOKEN}`);
    assert.equal(seen[0].cookie, undefined, 'the cookie stays with the dashboard');

    const out = await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie } });
    assert.match(out.headers.get('set-cookie')!, /^cohort_token=; .*Max-Age=0/);
  });

  test('an unreachable API is a 502 that says so, and the page itself still loads', async () => {
    const closedPort = await freePort();
    const orphan = createDashboardServer({ root, apiUrl: `http://127.0.0.1:${closedPort}`, temporalUiUrl: 'http://t:1', temporalNamespace: 'default' });
    const url = await listen(orphan);
    try {
      const res = await fetch(`${url}/api/suites`);
      assert.equal(res.status, 502);
      assert.match(((await res.json()) as { message: string }).message, /the Cohort API is unreachable: .*ECONNREFUSED/);
      assert.equal((await fetch(`${url}/suites`)).status, 200);
    } finally {
      orphan.closeAllConnections();
      orphan.close();
    }
  });

  test('refuses to start without a build, naming the command that makes one', () => {
    assert.throws(
      () => createDashboardServer({ root: join(root, 'nope'), apiUrl: 'http://127.0.0.1:1', temporalUiUrl: 'http://t:1', temporalNamespace: 'default' }),
      /the dashboard is not built .*npm run build -w @cohort\/dashboard/,
    );
  });
});
