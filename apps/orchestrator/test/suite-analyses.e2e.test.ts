import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './support/processes';
import { TestStack } from './support/stack';

// The Pythia case studies end to end on the real Temporal server, PostgreSQL and engine, checked
// against the synthetic corpus's planted ground truth (a shorter examples/science-suite.yaml):
// memorization rises with repetitions, uniformly spread repeats pass the Poisson test and bunched
// ones fail it, arithmetic accuracy follows operand frequency, and the pronoun swap moves the
// planted bias toward neutral at little cost in held-out perplexity. Then a worker killed mid-scan.
const stack = new TestStack(`analyses-${process.pid}`, { COHORT_HEARTBEAT_TIMEOUT_S: '4' });

const MEMORIZATION = { kind: 'memorization', windows: 'planted', prompt: 8, continuation: 8, checkpoints: { steps: [100, 400] }, binSize: 32 };

const science = (name: string) => ({
  name,
  seed: 21,
  corpus: {
    kind: 'synthetic',
    documents: 500,
    repeated: { perCount: 6, counts: [1, 4, 16] },
    arithmetic: { facts: 1500, maxOperand: 20 },
    pronouns: { sentences: 1500, stereotypeRatio: 0.8 },
    heldout: 24,
  },
  tokenizer: { kind: 'train', vocabSize: 1024 },
  seqLength: 64,
  globalBatch: 8,
  steps: 400,
  models: [
    { name: 'tiny', preset: 'cpu-tiny' },
    { name: 'small', preset: 'cpu-small' },
  ],
  checkpoints: { kind: 'list', steps: [0, 100, 300, 400] },
  evals: { tasks: ['synthetic_pronoun', 'synthetic_heldout'], checkpoints: { steps: [400] } },
  interventions: [{ name: 'swap', parent: 'small', transform: 'pronoun-swap', lastFraction: 0.25 }],
  analyses: [
    MEMORIZATION,
    { kind: 'term-frequency', template: 'synthetic', x1: [0, 19], x2: [0, 4], shots: [0], top: 5, checkpoints: { steps: [100, 400] } },
    'bias',
  ],
  placement: { default: stack.computeQueue, data: stack.computeQueue },
});

/** The control: the same repeats planted into the first quarter of an unshuffled corpus. */
const bunched = (name: string) => {
  const s = science(name);
  return {
    ...s,
    orderMode: 'sequential',
    corpus: { ...s.corpus, repeated: { ...s.corpus.repeated, range: [0, 0.25] } },
    models: [{ name: 'small', preset: 'cpu-small' }],
    evals: { tasks: [] },
    interventions: [],
    analyses: [MEMORIZATION],
  };
};

async function analyses(suiteId: string): Promise<Record<string, any>> {
  const { status, body } = await stack.request('GET', `/suites/${suiteId}/analyses`);
  assert.equal(status, 200, JSON.stringify(body));
  const full = await Promise.all(body.map(async (a: any) => (await stack.request('GET', `/analyses/${a.id}`)).body));
  return Object.fromEntries(full.map((a) => [a.kind, a]));
}

const finalRow = <T extends { run: string; step: number }>(rows: T[], run: string): T[] => {
  const last = Math.max(...rows.filter((r) => r.run === run).map((r) => r.step));
  return rows.filter((r) => r.run === run && r.step === last);
};

before(() => stack.start());
after(() => stack.stop());

describe('case studies on planted ground truth', () => {
  let suiteId: string;
  let controlId: string;
  let results: Record<string, any>;

  before(async () => {
    const [uniform, control] = await Promise.all([stack.launch(science(`science-${Date.now()}`)), stack.launch(bunched(`bunched-${Date.now()}`))]);
    suiteId = uniform;
    controlId = control;
    for (const id of [uniform, control]) {
      const suite = await stack.finished(id, 900_000);
      assert.equal(suite.status, 'completed', suite.error);
    }
    results = await analyses(uniform);
    results.control = (await analyses(control)).memorization;
  });

  test('every analysis completed with its lineage: parameters, code version, inputs, artefacts', (t) => {
    // What was measured, in the test's output: the numbers the README and notes quote.
    for (const [name, a] of Object.entries(results)) for (const line of a.result?.summary ?? []) t.diagnostic(`${name}: ${line}`);
    for (const kind of ['memorization', 'term-frequency', 'bias']) {
      const a = results[kind];
      assert.equal(a.status, 'completed', `${kind}: ${a.error}`);
      assert.ok(a.codeVersion);
      assert.ok(a.inputs.checkpoints.length + a.inputs.evaluations.length > 0, `${kind} names no inputs`);
      assert.ok(a.artifacts.some((x: any) => x.mediaType === 'text/csv'), `${kind} has no CSV`);
      assert.ok(a.artifacts.some((x: any) => x.mediaType === 'image/png'), `${kind} has no figure`);
    }
    assert.equal(results.memorization.params.prompt, 8);
    assert.equal(results.memorization.params.sequences, 'seen', 'defaults are filled into the parameters');
  });

  test('memorization of planted sequences rises with their repetition count, and is no lower for the larger model', () => {
    const rows = results.memorization.result.byRepetition as { run: string; step: number; repetitions: number; rate: number; windows: number; memorized: number }[];
    const rate = (run: string, n: number) => finalRow(rows, run).find((r) => r.repetitions === n)!.rate;
    for (const run of ['tiny-standard', 'small-standard']) {
      assert.ok(rate(run, 1) <= rate(run, 4) && rate(run, 4) <= rate(run, 16) && rate(run, 1) < rate(run, 16), `${run}: ${[1, 4, 16].map((n) => rate(run, n))}`);
    }
    const overall = (run: string) => {
      const r = finalRow(rows, run);
      return r.reduce((s, x) => s + x.memorized, 0) / r.reduce((s, x) => s + x.windows, 0);
    };
    assert.ok(overall('small-standard') >= overall('tiny-standard'), `small ${overall('small-standard')} < tiny ${overall('tiny-standard')}`);
  });

  test('the Poisson test does not reject uniformly spread repeats, and rejects the bunched control', () => {
    const uniform = results.memorization.result.poisson.find((p: any) => p.run === 'small-standard');
    const control = results.control.result.poisson.find((p: any) => p.run === 'small-standard');
    assert.ok(uniform.bins >= 10 && control.bins >= 10);
    assert.ok(uniform.pValue > 0.05, `uniform repeats rejected: p = ${uniform.pValue}`);
    assert.ok(control.pValue < 0.05, `bunched repeats not rejected: p = ${control.pValue}`);
  });

  test('arithmetic accuracy correlates with planted operand frequency at the last checkpoint, more than early on', () => {
    const rows = results['term-frequency'].result.table as { run: string; step: number; plantedRho: number; plantedPValue: number; rho: number }[];
    const small = rows.filter((r) => r.run === 'small-standard');
    const [early, last] = [small.find((r) => r.step === 100)!, small.find((r) => r.step === 400)!];
    assert.ok(last.plantedRho > 0 && last.plantedPValue < 0.05, `ρ = ${last.plantedRho}, p = ${last.plantedPValue}`);
    assert.ok(last.plantedRho > (Number.isFinite(early.plantedRho) ? early.plantedRho : 0), `ρ early ${early.plantedRho} ≥ late ${last.plantedRho}`);
    assert.ok(last.rho > 0, 'the counted-in-batches frequency agrees in sign with the planted one');
  });

  test('the pronoun swap moves the planted bias toward neutral, held-out perplexity changes by a few percent at most', () => {
    const deltas = results.bias.result.table as { run: string; parent: string; step: number; metric: string; delta: number; relativePct: number }[];
    const at = (metric: string) => deltas.find((d) => d.run === 'swap-standard' && d.parent === 'small-standard' && d.step === 400 && d.metric.includes(metric))!;
    assert.ok(at('synthetic_pronoun/prob_stereotyped').delta < 0, 'bias did not move toward neutral');
    assert.ok(Math.abs(at('synthetic_heldout/word_perplexity').relativePct) < 5, `held-out perplexity changed ${at('synthetic_heldout/word_perplexity').relativePct}%`);
  });

  test('an analysis whose inputs are missing fails saying which', async () => {
    const { status, body } = await stack.request('POST', `/suites/${controlId}/analyses`, { analyses: ['bias'] });
    assert.equal(status, 202, JSON.stringify(body));
    const failed = await eventually('the bias analysis to fail', async () => {
      const a = (await stack.request('GET', `/analyses/${body[0].id}`)).body;
      return a.status === 'failed' ? a : undefined;
    }, 60_000);
    assert.match(failed.error, /bias reads evaluations of crows_pairs_english_gender, winobias, synthetic_pronoun; none are recorded for this suite/);
  });

  test('a worker killed mid-scan: finished shards are not rescanned, no row or artefact is duplicated', async () => {
    const request = { analyses: [{ kind: 'memorization', prompt: 8, continuation: 8, checkpoints: 'final', sequences: 'seen', batchSize: 8, shardSize: 64 }] };
    const started = await stack.request('POST', `/suites/${suiteId}/analyses`, request);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const [{ id }] = started.body;
    const run = (await stack.db.run.findFirstOrThrow({ where: { suiteId, name: 'small-standard' } })).id;
    const shards = join(stack.dataDir, 'analyses', id, 'memorization', run, 'step400', 'shards');
    const done = () => (existsSync(shards) ? readdirSync(shards).filter((f) => f.endsWith('.scores')) : []);
    await eventually('two shards to be scored', async () => (done().length >= 2 ? true : undefined), 300_000);
    stack.workers[stack.workers.length - 1].child.kill('SIGKILL');
    const before = new Map(done().map((f) => [f, statSync(join(shards, f)).mtimeMs]));
    const plan = JSON.parse(readFileSync(join(shards, '..', 'plan.json'), 'utf8')) as { shards: number };
    assert.ok(before.size < plan.shards, `the scan had finished (${before.size} of ${plan.shards} shards) before the kill`);
    await stack.startWorker();
    const finished = await eventually('the analysis to complete', async () => {
      const { body } = await stack.request('GET', `/analyses/${id}`);
      return ['completed', 'failed'].includes(body.status) ? body : undefined;
    }, 600_000);
    assert.equal(finished.status, 'completed', finished.error);
    for (const [f, mtime] of before) assert.equal(statSync(join(shards, f)).mtimeMs, mtime, `${f} was rescanned`);
    assert.equal(await stack.db.analysis.count({ where: { suiteId, kind: 'memorization' } }), 2);
    const names = (await stack.db.artifact.findMany({ where: { analysisId: id } })).map((a) => a.name);
    assert.equal(new Set(names).size, names.length);
    // Asking again changes nothing: the same analysis, already completed.
    const again = await stack.request('POST', `/suites/${suiteId}/analyses`, request);
    assert.equal(again.body[0].id, id);
    assert.equal(again.body[0].status, 'completed');
  });
});
