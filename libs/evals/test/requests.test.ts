import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { CohortTokenizer } from '@cohort/data';
import { taskPrompts } from '../src/evaluate';
import { encodePair, rollingWindows, truncateRequest, type StringRequest } from '../src/requests';
import { readGolden, SHARED, WordTokenizer } from './helpers';

test('encodePair: trailing spaces of the context move to the continuation (lm-eval _encode_pair)', async () => {
  const tok = new WordTokenizer();
  const [a, b, c] = [await tok.encode('a'), await tok.encode(' b'), await tok.encode(' c')].flat();
  // "a b " + "c": the context is encoded without its space, the continuation is the tail of "a b c".
  assert.deepEqual(await encodePair(tok, 'a b ', 'c'), { context: [a, b], continuation: [c] });
  assert.deepEqual(await encodePair(tok, 'a b', ' c'), { context: [a, b], continuation: [c] });
});

test('encodePair: an empty context scores the continuation after the eod token', async () => {
  const tok = new WordTokenizer();
  const r = await encodePair(tok, '', 'He ran.');
  assert.deepEqual(r.context, [0]);
  assert.equal(tok.decode(r.continuation), 'He ran.');
  await assert.rejects(encodePair(tok, '   ', 'x'), /only whitespace/);
});

test('truncateRequest: left truncation to maxLength + 1 tokens, the continuation kept whole', () => {
  const r = { context: [1, 2, 3, 4, 5], continuation: [6, 7] };
  assert.deepEqual(truncateRequest(r, 6), r); // 7 tokens = maxLength + 1: untouched
  assert.deepEqual(truncateRequest(r, 4), { context: [3, 4, 5], continuation: [6, 7] });
  assert.deepEqual(truncateRequest(r, 2), { context: [5], continuation: [6, 7] });
  assert.throws(() => truncateRequest(r, 1), /continuation of 2 tokens exceeds the model's maximum length 1/);
  assert.throws(() => truncateRequest({ context: [1], continuation: [] }, 4), /empty continuation/);
});

test('rollingWindows: by hand for 5 tokens and maxLength 2', () => {
  assert.deepEqual(rollingWindows([10, 11, 12, 13, 14], 0, 2), [
    { context: [0], continuation: [10, 11] },
    { context: [11], continuation: [12, 13] },
    { context: [12, 13], continuation: [14] },
  ]);
  assert.deepEqual(rollingWindows([], 0, 4), []);
});

test('rollingWindows equal lm-eval\'s get_rolling_token_windows + make_disjoint_window (Python golden)', () => {
  const golden: Record<string, [number[], number[]][]> = readGolden('lm-eval-prompts.json').rolling_windows;
  const tokens = Array.from({ length: 11 }, (_, i) => 100 + i);
  for (const [maxLength, windows] of Object.entries(golden)) {
    assert.deepEqual(rollingWindows(tokens, 0, Number(maxLength)), windows.map(([context, continuation]) => ({ context, continuation })), `maxLength ${maxLength}`);
  }
});

test('encodePair with the Pythia tokenizer gives lm-eval\'s ids (HF tokenizers + TemplateLM._encode_pair golden)', { skip: SHARED ? false : 'shared data absent: set COHORT_SHARED_DATA' }, async () => {
  const tok = CohortTokenizer.load(path.join(SHARED!, 'gpt_neox_20b_tokenizer', 'tokenizer.json'));
  for (const g of readGolden('lm-eval-prompts.json').pythia_encode_pair) {
    // Prompts from the benchmark files are named by (task, doc, request), the others spelled out.
    const { context, continuation } = g.task ? (taskPrompts(g.task, { sharedDataDir: SHARED }, 0, g.doc + 1).requests[g.doc][g.request] as StringRequest) : g;
    const r = await encodePair(tok, context, continuation);
    assert.deepEqual([r.context, r.continuation], g.ids, JSON.stringify(continuation));
  }
});
