import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually, repoRoot } from './support/processes';
import { TestStack } from './support/stack';

// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the real
// orchestrator, Temporal and PostgreSQL: a suite is launched, watched live, paused and resumed
// from the page, and once it has finished its charts, tables and lineage are checked against what
// the API says. Screenshots go to .cohort/test-artifacts/dashboard/ (never committed).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = join(process.env.COHORT_STATE ?? join(repoRoot, '.cohort'), 'test-artifacts', 'dashboard');
const stack = new TestStack(`dashboard-${process.pid}`, { DASHBOARD_PORT: '0', COHORT_HEARTBEAT_TIMEOUT_S: '10' });

const suiteName = `dashboard-${Date.now()}`;
const spec = () => ({
  name: suiteName,
  seed: 7,
  corpus: { kind: 'synthetic', documents: 400, pronouns: { sentences: 800, stereotypeRatio: 0.8 } },
  tokenizer: { kind: 'train', vocabSize: 512 },
  seqLength: 32,
  globalBatch: 8,
  // Twenty segments a run (seconds on two cores): time to watch it, pause it between two, and
  // resume it while its training is still far from the end.
  steps: 1200,
  models: [{ name: 'tiny', preset: 'cpu-tiny' }],
  checkpoints: { kind: 'list', steps: Array.from({ length: 21 }, (_, i) => i * 60) },
  evals: { tasks: ['synthetic_pronoun'], checkpoints: { steps: [0, 600, 960, 1200] } },
  interventions: [{ name: 'tiny-swap', parent: 'tiny', transform: 'pronoun-swap', lastFraction: 0.2 }],
  analyses: ['bias'],
  placement: { default: stack.computeQueue, data: stack.computeQueue },
});

let browser: Browser;
/** Signed in with an operator token: the pages most tests open. */
let operator: BrowserContext;
const VIEWPORT = { width: 1400, height: 1000 };
let suiteId = '';
/** Console errors and warnings, and uncaught exceptions, of every page a test opens. */
const problems: string[] = [];

async function open(path: string, options: { watch?: boolean; context?: BrowserContext } = {}): Promise<Page> {
  const page = await (options.context ?? operator).newPage();
  if (options.watch !== false) {
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${path}: ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  }
  await page.goto(stack.dashboard + path);
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** What a runs-table cell shows now. */
const cell = (page: Page, run: string, field: string) => page.locator(`tr[data-run="${run}"] td[data-field="${field}"]`).innerText();

/** Headings, labels and keyboard focus: what every page must offer. */
async function assertAccessible(page: Page, where: string): Promise<void> {
  assert.equal(await page.locator('h1').count(), 1, `${where}: one h1`);
  const unlabelled = await page.locator('input:not([type="hidden"]), select, textarea').evaluateAll((controls) =>
    controls
      .filter((c) => !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby') && !c.closest('label') && !(c.id && c.ownerDocument.querySelector(`label[for="${c.id}"]`)))
      .map((c) => c.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, [], `${where}: every form control has a label`);
  await page.keyboard.press('Tab');
  assert.equal(await page.locator(':focus').count(), 1, `${where}: Tab reaches a control`);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  await stack.start();
  browser = await chromium.launch({ executablePath: CHROMIUM });
  operator = await browser.newContext({ viewport: VIEWPORT });
  // The context's request API shares its cookies: this is the sign-in a person does on the page.
  const signIn = await operator.request.post(`${stack.dashboard}/session`, { data: { token: stack.tokens.operator } });
  assert.equal(signIn.status(), 200, await signIn.text());
});

after(async () => {
  await operator?.close();
  await browser?.close();
  await stack.stop();
});

describe('the dashboard, in Chromium', () => {
  test('the suite page follows a run live while it trains', async () => {
    suiteId = await stack.launch(spec());
    const page = await open(`/suites/${suiteId}`);
    const run = await eventually('a run to start', async () => {
      const { body } = await stack.request('GET', `/suites/${suiteId}`);
      return body.runs?.find((r: { status: string }) => r.status === 'running')?.name as string | undefined;
    }, 120_000);
    await page.locator(`tr[data-run="${run}"] td[data-field="status"]`).getByText('running').waitFor({ timeout: 30_000 });
    const first = await cell(page, run, 'step');
    // No reload: the page learns of each new step from the event stream.
    const later = await eventually('the step shown to change', async () => {
      const now = await cell(page, run, 'step');
      return now !== first ? now : undefined;
    }, 120_000);
    const [done, total] = later.split('/').map((s) => Number(s.replace(/\D/g, '')));
    assert.ok(done > Number(first.split('/')[0].replace(/\D/g, '')) && total === 1200, `${first} → ${later}`);
    await eventually('a speed to be shown', async () => (/\d/.test(await cell(page, run, 'tokensPerSecond')) ? true : undefined), 60_000);
    await screenshot(page, 'suite-live');
    await page.close();
  });

  test('pause and resume work from the page, through a confirmation', async () => {
    const page = await open(`/suites/${suiteId}`);
    const statuses = async () => (await page.locator('tr[data-run] td[data-field="status"]').allInnerTexts()).map((s) => s.trim());
    await page.getByRole('button', { name: 'Pause suite' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[role="status"]').getByText(/pause/i).waitFor({ timeout: 15_000 });
    await eventually('a run to show paused', async () => ((await statuses()).includes('paused') ? true : undefined), 30_000);
    // The page's word is checked against lineage: the run stopped between two segments, and stays.
    const paused = await eventually('lineage to record a paused run', async () => {
      const { body } = await stack.request('GET', `/suites/${suiteId}`);
      return body.runs.find((r: { status: string }) => r.status === 'paused') as { name: string; step: number } | undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 3000));
    const { body: still } = await stack.request('GET', `/suites/${suiteId}`);
    assert.equal(still.runs.find((r: { name: string }) => r.name === paused.name).step, paused.step, 'no step while paused');
    await screenshot(page, 'suite-paused');

    await page.getByRole('button', { name: 'Resume suite' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await eventually('no run to show paused', async () => (!(await statuses()).includes('paused') ? true : undefined), 60_000);
    await page.close();
  });

  test('signed out, every page is the sign-in page; a bad token is refused there', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await open(`/suites/${suiteId}`, { context, watch: false });
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 15_000 });
    await page.getByText(/needs a viewer token/).waitFor();
    await assertAccessible(page, 'sign-in page');
    await page.getByLabel('API token').fill('cohort_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Sign-in failed: that token is unknown or revoked').waitFor();
    await screenshot(page, 'sign-in');
    await context.close();
  });

  // The suite may have finished by now: the guard refuses a viewer's pause before any handler looks.
  test('a viewer signs in and sees the pages, but the Pause button is refused with the 403 message', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await open(`/suites/${suiteId}`, { context, watch: false });
    await page.getByLabel('API token').fill(stack.tokens.viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-run]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-session="viewer"]').waitFor();
    const cookies = await context.cookies();
    assert.deepEqual(cookies.map((c) => [c.name, c.httpOnly, c.sameSite]), [['cohort_token', true, 'Strict']]);
    await page.getByRole('button', { name: 'Pause suite' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[role="status"]').getByText(/failed: .*needs the operator role; token ".*" is a viewer token/).waitFor({ timeout: 15_000 });
    await screenshot(page, 'viewer-refused');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 15_000 });
    await context.close();
  });

  test('once finished, every chart has the series and points the API has', async () => {
    const suite = await stack.finished(suiteId, 600_000);
    assert.equal(suite.status, 'completed', suite.error);
    await eventually('the analyses to finish', async () => {
      const { body } = await stack.request('GET', `/suites/${suiteId}/analyses`);
      return body.length > 0 && body.every((a: { status: string }) => a.status === 'completed') ? body : undefined;
    }, 120_000);
    const page = await open(`/suites/${suiteId}`);
    await page.locator('figure[data-chart="evaluation"][data-rendered="true"]').waitFor({ timeout: 30_000 });
    await page.locator('figure[data-chart="loss"][data-rendered="true"]').waitFor();

    // Loss: one line per run with a curve.
    const runs: { name: string; id: string; checkpoints: unknown[] }[] = suite.runs;
    assert.equal(await page.locator('figure[data-chart="loss"] g.mark-line path').count(), runs.length);

    // Evaluations: the chosen task and metric's rows, one point each, one line per run.
    const [task, metric, shots] = (await page.getByLabel('Task and metric').inputValue()).split('|');
    const { body: evaluations } = await stack.request('GET', `/suites/${suiteId}/evaluations`);
    const shown = evaluations.filter((e: any) => e.task === task && e.metric === metric && e.shots === Number(shots));
    assert.ok(shown.length >= 5, `${shown.length} evaluations of ${task} ${metric}`);
    assert.equal(await page.locator('figure[data-chart="evaluation"] g.mark-symbol.role-mark path').count(), shown.length);
    assert.equal(await page.locator('figure[data-chart="evaluation"] g.mark-line path').count(), new Set(shown.map((e: any) => e.run)).size);

    // Analyses: each Vega-Lite artefact drawn in the page.
    const { body: analyses } = await stack.request('GET', `/suites/${suiteId}/analyses`);
    const figures = analyses.flatMap((a: any) => a.artifacts.filter((f: any) => f.name.endsWith('.vl.json')).map((f: any) => `analysis:${a.id}:${f.name}`));
    assert.ok(figures.length > 0);
    for (const chart of figures) await page.locator(`figure[data-chart="${chart}"][data-rendered="true"]`).waitFor({ timeout: 30_000 });

    // Checkpoints: one row each; every number in the runs table opens a lineage page.
    const checkpoints = runs.reduce((n, r) => n + r.checkpoints.length, 0);
    assert.equal(await page.getByRole('table', { name: 'Checkpoints' }).locator('tbody tr').count(), checkpoints);
    const untraced = await page.locator('table[aria-label="Runs"] td.num').evaluateAll((cells) =>
      cells.filter((c) => c.textContent !== '—' && !c.querySelector('a[href^="/lineage/"]')).map((c) => c.textContent),
    );
    assert.deepEqual(untraced, []);
    // The engine that trained each run, as lineage recorded it (this machine: the CPU, in fp32).
    for (const run of runs) assert.equal((await cell(page, run.name, 'engine')).trim(), 'cpu · fp32', run.name);
    await assertAccessible(page, 'suite page');
    await screenshot(page, 'suite-finished');
    await page.close();
  });

  test('a click on an evaluation point opens that number’s lineage, down to its leaves', async () => {
    const page = await open(`/suites/${suiteId}`);
    const point = page.locator('figure[data-chart="evaluation"] g.mark-symbol.role-mark path').first();
    await point.waitFor({ timeout: 30_000 });
    const label = (await point.getAttribute('aria-label')) ?? '';
    await point.click({ force: true });
    await page.waitForURL(/\/lineage\/evaluation\//);
    const id = page.url().split('/').pop()!;
    const { body: evaluations } = await stack.request('GET', `/suites/${suiteId}/evaluations`);
    const clicked = evaluations.find((e: any) => e.id === id);
    assert.ok(clicked, `evaluation ${id} belongs to the suite`);
    assert.match(label, new RegExp(`step: ${clicked.step};.*run: ${clicked.run};`));

    const graph = page.locator('svg[aria-label="Lineage graph"]');
    await graph.waitFor();
    for (const key of [`evaluation:${id}`, `checkpoint:${clicked.checkpointId}`, `run:${clicked.runId}`, `suite:${suiteId}`]) {
      assert.equal(await graph.locator(`g[data-node="${key}"]`).count(), 1, key);
    }
    for (const kind of ['order', 'dataset', 'tokenizer', 'corpus', 'code', 'file']) {
      assert.ok((await graph.locator(`g[data-kind="${kind}"]`).count()) > 0, `a ${kind} node`);
    }
    // The leaves are where the numbers come from: the corpus (synthetic: generated from the spec),
    // the tokenizer file, the code version, and the configuration a person wrote.
    const leaves = new Set(await graph.locator('g[data-leaf="true"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-kind'))));
    assert.deepEqual([...leaves].sort(), ['code', 'corpus', 'file', 'model-config', 'suite']);
    await page.getByRole('complementary', { name: 'Attributes' }).getByText(clicked.dataSha256).waitFor();
    await assertAccessible(page, 'lineage page');
    await screenshot(page, 'lineage-evaluation');

    // Keyboard: a focused node opens its own lineage with Enter.
    await graph.locator(`g[data-node="checkpoint:${clicked.checkpointId}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/lineage/checkpoint/${clicked.checkpointId}$`));
    await graph.locator(`g[data-node="evaluation:${id}"]`).waitFor();
    await page.close();
  });

  test('no page logged an error or a warning', () => {
    assert.deepEqual(problems, []);
  });

  test('a nonexistent id or route is a clear Not found page', async () => {
    for (const path of [`/suites/${randomUUID()}`, `/lineage/run/${randomUUID()}`, '/no/such/page']) {
      const page = await open(path, { watch: false });
      await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor({ timeout: 15_000 });
      await page.close();
    }
  });

  test('the API down is a visible banner over the last data, which clears when it is back', async () => {
    const page = await open('/', { watch: false });
    await page.getByRole('link', { name: suiteName }).first().waitFor({ timeout: 15_000 });
    await page.route('**/api/**', (route) => route.fulfill({ status: 502, contentType: 'application/json', body: '{"message":"the Cohort API is unreachable: test"}' }));
    const banner = page.locator('[role="alert"][data-banner="api-down"]');
    await banner.waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('h1').count(), 1);
    assert.ok((await page.getByRole('link', { name: suiteName }).count()) > 0, 'the last data stays on the page');
    await screenshot(page, 'api-down');
    await page.unroute('**/api/**');
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await page.close();
  });
});
