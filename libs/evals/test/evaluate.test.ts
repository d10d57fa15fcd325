import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateSyntheticCorpus } from '@cohort/data';
import type { EvaluateOptions, TokenRequest } from '../src/contracts';
import { checkEvalRequest, evaluateTask, getTask, taskNames } from '../src/evaluate';
import { perplexity } from '../src/metrics';
import { readRequestRecords, writeRequestRecords } from '../src/records';
import { scorerOf, SHARED, tempDir, WordTokenizer } from './helpers';

const skip = SHARED ? false : 'shared data absent: set COHORT_SHARED_DATA';
const shared = { sharedDataDir: SHARED };

test('taskNames lists every task; getTask finds them', () => {
  assert.deepEqual(taskNames(), [
    'lambada_openai', 'piqa', 'arc_easy', 'arc_challenge', 'sciq', 'logiqa', 'winogrande', 'wsc273',
    'crows_pairs_english', 'crows_pairs_english_gender', 'winobias', 'wikitext',
    'synthetic_arithmetic', 'synthetic_pronoun', 'synthetic_repeated', 'synthetic_heldout',
  ]);
  assert.equal(getTask('piqa')!.version, '1.0');
  assert.equal(getTask('nope'), undefined);
});

test('checkEvalRequest: a sentence for each bad request', { skip }, () => {
  assert.match(checkEvalRequest('lambada', 0, undefined, shared)!, /^unknown task 'lambada'; known tasks: lambada_openai, piqa, .*synthetic_heldout$/);
  assert.equal(checkEvalRequest('piqa', 0, undefined, { sharedDataDir: null }), 'piqa: the shared data folder (../shared/data or $COHORT_SHARED_DATA) is absent');
  const empty = tempDir('empty');
  assert.equal(checkEvalRequest('piqa', 0, undefined, { sharedDataDir: empty }), `piqa: data file missing: ${path.join(empty, 'piqa/valid.jsonl')}`);
  assert.equal(checkEvalRequest('piqa', 0, 0, shared), 'piqa: limit must be a positive integer, got 0');
  assert.equal(checkEvalRequest('piqa', 0, 2.5, shared), 'piqa: limit must be a positive integer, got 2.5');
  assert.equal(checkEvalRequest('piqa', -1, undefined, shared), 'piqa: shots must be a non-negative integer, got -1');
  assert.equal(checkEvalRequest('wsc273', 273, undefined, shared), 'wsc273: 273 shots asked, but its few-shot source (the evaluated split, less the document itself) has only 272 documents');
  assert.equal(checkEvalRequest('wsc273', 272, 5, shared), null);
  assert.equal(checkEvalRequest('sciq', 1001, undefined, shared), 'sciq: 1001 shots asked, but its few-shot split has only 1000 documents');
  assert.equal(checkEvalRequest('wikitext', 1, undefined, shared), 'wikitext: few-shot examples are not supported: a perplexity task scores whole documents; few-shot examples do not apply');
  assert.equal(checkEvalRequest('synthetic_arithmetic', 0, undefined, shared), "synthetic_arithmetic: needs the suite's synthetic corpus manifest (TaskDataSource.syntheticManifest), and none was given");
  const gone = path.join(empty, 'manifest.json');
  assert.equal(checkEvalRequest('synthetic_repeated', 0, undefined, { ...shared, syntheticManifest: gone }), `synthetic_repeated: data file missing: ${gone}`);
  for (const name of taskNames().filter((n) => !n.startsWith('synthetic_'))) assert.equal(checkEvalRequest(name, 0, undefined, shared), null, name);
});

function options(scorer: ReturnType<typeof scorerOf>, extra: Partial<EvaluateOptions> = {}): EvaluateOptions {
  return { tokenizer: new WordTokenizer(), scorer, data: shared, ...extra };
}

test('piqa end to end: requests in order, acc and acc_norm from known log-likelihoods, records', { skip }, async () => {
  const tok = new WordTokenizer();
  // log P = -(characters of the continuation, its space included): acc prefers the shorter
  // solution, acc_norm (−(len+1)/len per character) the longer one.
  const scorer = scorerOf(2048, (r) => ({ logprob: -tok.decode(r.continuation).length, isGreedy: false }));
  const progress: number[] = [];
  const res = await evaluateTask('piqa', { ...options(scorer), tokenizer: tok, limit: 6, onProgress: (s, t) => progress.push(s, t) });
  const docs = getTask('piqa')!.load([path.join(SHARED!, 'piqa/valid.jsonl'), path.join(SHARED!, 'piqa/valid-labels.lst')]).slice(0, 6) as { sol1: string; sol2: string; label: number }[];
  const acc = docs.map((d) => ((d.sol1.length <= d.sol2.length ? 0 : 1) === d.label ? 1 : 0));
  const accNorm = docs.map((d) => ((d.sol1.length >= d.sol2.length ? 0 : 1) === d.label ? 1 : 0));
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.equal(res.n, 6);
  assert.equal(res.version, '1.0');
  assert.equal(scorer.seen.length, 1, 'one scorer call with every request');
  assert.equal(scorer.seen[0].length, 12);
  assert.deepEqual(progress, [12, 12]);
  assert.deepEqual(res.metrics.map((m) => m.metric), ['acc', 'acc_norm']);
  assert.equal(res.metrics[0].value, meanOf(acc));
  assert.equal(res.metrics[1].value, meanOf(accNorm));
  assert.ok(res.metrics.every((m) => m.stderr !== null && m.stderr > 0));
  assert.deepEqual(res.requests.slice(0, 2).map((r) => [r.doc, r.index]), [[0, 0], [0, 1]]);
  assert.equal(res.requests[1].logprob, -(1 + docs[0].sol2.length));
  // two files: the sha256 over their sha256 lines
  assert.match(res.dataSha256, /^[0-9a-f]{64}$/);
});

test('lambada: acc from is_greedy, perplexity exp(-mean ll), the README sha256', { skip }, async () => {
  const scorer = scorerOf(2048, (_r, i) => ({ logprob: -(i + 1), isGreedy: i % 2 === 0 }));
  const res = await evaluateTask('lambada_openai', { ...options(scorer), limit: 4, bootstrapIters: 2000 });
  assert.equal(res.dataSha256, '4aa8d02cd17c719165fc8a7887fddd641f43fcafa4b1c806ca8abc31fabdb226');
  const [ppl, acc] = res.metrics;
  assert.equal(ppl.metric, 'perplexity');
  assert.equal(ppl.value, perplexity([-1, -2, -3, -4]));
  assert.ok(ppl.stderr! > 0);
  assert.deepEqual(acc, { metric: 'acc', value: 0.5, stderr: Math.sqrt(1 / 3) / 2 });
});

test('a scorer that loses results is caught', { skip }, async () => {
  const lossy = { maxLength: 2048, score: async () => [{ logprob: -1, isGreedy: false }] };
  await assert.rejects(evaluateTask('piqa', { tokenizer: new WordTokenizer(), scorer: lossy, data: shared, limit: 2 }), /piqa: the scorer returned 1 results for 4 requests/);
});

test('long requests are cut from the left to maxLength + 1 tokens, the continuation whole', { skip }, async () => {
  const tok = new WordTokenizer();
  const full = scorerOf(4096, () => ({ logprob: -1, isGreedy: false }));
  await evaluateTask('arc_easy', { ...options(full), tokenizer: tok, limit: 5 });
  const cut = scorerOf(12, () => ({ logprob: -1, isGreedy: false }));
  const res = await evaluateTask('arc_easy', { ...options(cut), tokenizer: tok, limit: 5 });
  cut.seen[0].forEach((r, i) => {
    const whole = full.seen[0][i];
    assert.deepEqual(r.continuation, whole.continuation);
    assert.deepEqual(r.context, whole.context.slice(Math.max(0, whole.context.length + whole.continuation.length - 13)));
    assert.ok(r.context.length >= 1 && r.context.length + r.continuation.length <= 13);
  });
  assert.ok(cut.seen[0].some((r, i) => r.context.length < full.seen[0][i].context.length), 'some requests were cut');
  assert.ok(res.requests.every((r) => r.contextTokens + r.continuationTokens <= 13));
  // a continuation longer than the model cannot be scored
  await assert.rejects(evaluateTask('arc_easy', { ...options(scorerOf(2, () => ({ logprob: 0, isGreedy: true }))), limit: 5 }), /exceeds the model's maximum length 2/);
});

test('wikitext: rolling windows per page, word and byte perplexity and bits per byte', { skip }, async () => {
  const scorer = scorerOf(64, (r) => ({ logprob: -0.5 * r.continuation.length, isGreedy: false }));
  const res = await evaluateTask('wikitext', { ...options(scorer), limit: 2 });
  const windows = scorer.seen[0];
  assert.ok(windows.every((w) => w.context.length + w.continuation.length <= 65));
  assert.deepEqual(windows[0].context, [0], 'the first window follows the eod token');
  const tokens = windows.reduce((n, w) => n + w.continuation.length, 0);
  const pages = getTask('wikitext')!.load([path.join(SHARED!, 'wikitext2_raw_test/wiki.test.raw')]).slice(0, 2) as { page: string }[];
  const words = pages.reduce((n, p) => n + p.page.split(/\s+/u).length, 0);
  const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p.page), 0);
  const byName = Object.fromEntries(res.metrics.map((m) => [m.metric, m]));
  assert.equal(byName.word_perplexity.value, Math.exp((0.5 * tokens) / words));
  assert.equal(byName.byte_perplexity.value, Math.exp((0.5 * tokens) / bytes));
  assert.equal(byName.bits_per_byte.value, (0.5 * tokens) / bytes / Math.LN2);
  assert.ok(res.metrics.every((m) => m.stderr === null));
  assert.equal(res.requests.filter((r) => r.doc === 0).map((r) => r.index).join(','), windows.slice(0, res.requests.filter((r) => r.doc === 0).length).map((_, i) => i).join(','));
});

test('few-shot prompts are deterministic under the seed and change with it', { skip }, async () => {
  const run = async (seed?: number) => {
    const scorer = scorerOf(4096, () => ({ logprob: -1, isGreedy: false }));
    const tok = new WordTokenizer();
    await evaluateTask('arc_challenge', { ...options(scorer), tokenizer: tok, shots: 3, limit: 3, fewshotSeed: seed });
    return scorer.seen[0].map((r: TokenRequest) => tok.decode(r.context));
  };
  const a = await run();
  assert.deepEqual(await run(1234), a, 'the default seed is 1234');
  assert.notDeepEqual(await run(7), a);
  assert.equal(a[0].split('\n\n').length, 4, 'three solved examples, then the question');
});

test('synthetic probes: scored against the manifest, an oracle of the corpus gets them right', async () => {
  const dir = tempDir('synth');
  const m = generateSyntheticCorpus({
    outDir: dir, seed: 7, documents: 60,
    repeated: { perCount: 2, counts: [1, 4], words: 10 },
    arithmetic: { facts: 40, maxOperand: 20 },
    pronouns: { sentences: 80, stereotypeRatio: 0.75 },
  });
  const corpus = ' ' + fs.readFileSync(m.corpusFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text).join(' ');
  const tok = new WordTokenizer();
  const count = (s: string) => corpus.split(' ' + s).length - 1;
  // The corpus as a model: a continuation is likely (and greedy) as often as the text occurs in it.
  const oracle = scorerOf(2048, (r) => {
    const n = count(tok.decode(r.context) + tok.decode(r.continuation));
    return { logprob: Math.log(n), isGreedy: n > 0 };
  });
  const data = { sharedDataDir: null, syntheticManifest: path.join(dir, 'manifest.json') };
  const run = async (name: string) => Object.fromEntries((await evaluateTask(name, { tokenizer: tok, scorer: oracle, data })).metrics.map((x) => [x.metric, x.value]));

  const distinct = new Set(m.arithmetic!.facts.map((f) => `${f.a}+${f.b}`)).size;
  const arithmetic = await evaluateTask('synthetic_arithmetic', { tokenizer: tok, scorer: oracle, data });
  assert.equal(arithmetic.n, distinct);
  assert.equal(arithmetic.dataSha256, createHash('sha256').update(fs.readFileSync(data.syntheticManifest)).digest('hex'));
  assert.deepEqual(Object.fromEntries(arithmetic.metrics.map((x) => [x.metric, x.value])), { acc: 1, acc_choice: 1 });

  assert.deepEqual(await run('synthetic_repeated'), { acc: 1, acc_rep1: 1, acc_rep4: 1 });

  const pronoun = await run('synthetic_pronoun');
  // With corpus counts as likelihoods, P(stereotyped pronoun) is the planted fraction, context by context.
  assert.ok(Math.abs(pronoun.prob_stereotyped - pronoun.planted_stereotyped) < 1e-12);
  assert.ok(pronoun.planted_stereotyped > 0.5 && pronoun.pct_stereotyped > 0.5);

  assert.equal(checkEvalRequest('synthetic_pronoun', 1, undefined, data), 'synthetic_pronoun: few-shot examples are not supported: a bias probe: solved examples would show the model which pronoun to pick');
  const noArithmetic = generateSyntheticCorpus({ outDir: path.join(dir, 'b'), seed: 1, documents: 5 });
  assert.equal(noArithmetic.arithmetic, null);
  const other = path.join(dir, 'b', 'manifest.json');
  assert.equal(checkEvalRequest('synthetic_arithmetic', 0, undefined, { sharedDataDir: null, syntheticManifest: other }), `synthetic_arithmetic: the synthetic corpus of ${other} has no planted arithmetic facts`);
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ format: 'other/1' }));
  assert.equal(checkEvalRequest('synthetic_repeated', 0, undefined, { sharedDataDir: null, syntheticManifest: bad }), `synthetic_repeated: ${bad}: not a cohort-synthetic/1 manifest (format "other/1")`);
});

test('request records: a columnar safetensors file, written atomically, logprobs exact', () => {
  const dir = tempDir('records');
  const file = path.join(dir, 'requests.safetensors');
  const records = [
    { doc: 0, index: 0, contextTokens: 12, continuationTokens: 3, logprob: -1.2345678901234567, isGreedy: true },
    { doc: 0, index: 1, contextTokens: 12, continuationTokens: 5, logprob: -0.1 - 2 ** -40, isGreedy: false },
    { doc: 7, index: 2, contextTokens: 2048, continuationTokens: 1, logprob: -1e-300, isGreedy: false },
  ];
  writeRequestRecords(file, records);
  assert.deepEqual(readRequestRecords(file), records);
  assert.deepEqual(fs.readdirSync(dir), ['requests.safetensors'], 'no temp file left behind');
  writeRequestRecords(file, []);
  assert.deepEqual(readRequestRecords(file), []);
  fs.writeFileSync(file, Buffer.from('not safetensors'));
  assert.throws(() => readRequestRecords(file), /invalid safetensors file/);
});

test('synthetic_heldout: perplexity over documents kept out of training; asking for them leaves the corpus unchanged', async () => {
  const dir = tempDir('heldout');
  const options = { seed: 3, documents: 30, pronouns: { sentences: 20 } };
  const without = generateSyntheticCorpus({ ...options, outDir: path.join(dir, 'a') });
  const withHeldout = generateSyntheticCorpus({ ...options, outDir: path.join(dir, 'b'), heldout: 5 });
  assert.equal(withHeldout.corpusSha256, without.corpusSha256);
  assert.equal(without.heldout, undefined);
  assert.equal(withHeldout.heldout!.documents, 5);
  const docs = fs.readFileSync(path.join(dir, 'b', 'heldout.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text as string);
  const corpus = fs.readFileSync(withHeldout.corpusFile, 'utf8');
  assert.ok(docs.every((d) => !corpus.includes(d)), 'a held-out document is in the training corpus');

  // Every token costs log(1/V): word perplexity is exp(tokens·log V / words), here one token per word.
  const V = 50;
  const tok = new WordTokenizer();
  const uniform = scorerOf(2048, (r) => ({ logprob: -r.continuation.length * Math.log(V), isGreedy: false }));
  const data = { sharedDataDir: null, syntheticManifest: path.join(dir, 'b', 'manifest.json') };
  const result = await evaluateTask('synthetic_heldout', { tokenizer: tok, scorer: uniform, data, bootstrapIters: 0 });
  assert.equal(result.n, 5);
  const words = docs.reduce((n, d) => n + d.split(/\s+/u).length, 0);
  const tokens = (await Promise.all(docs.map((d) => tok.encode(d)))).reduce((n, ids) => n + ids.length, 0);
  const ppl = result.metrics.find((m) => m.metric === 'word_perplexity')!.value;
  assert.ok(Math.abs(ppl - Math.exp((tokens * Math.log(V)) / words)) < 1e-9 * ppl);
  assert.equal(checkEvalRequest('synthetic_heldout', 0, undefined, { sharedDataDir: null, syntheticManifest: path.join(dir, 'a', 'manifest.json') }), `synthetic_heldout: the synthetic corpus of ${path.join(dir, 'a', 'manifest.json')} has no planted held-out documents`);
});
