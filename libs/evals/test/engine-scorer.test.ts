import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPTNeoX } from '@cohort/model';
import { tinyConfig } from './helpers';
import type { TokenRequest } from '../src/contracts';
import { groupByContext, planCalls } from '../src/scorer/batching';
import { engineScorer } from '../src/scorer/engine-scorer';

const TINY = tinyConfig(64);

/** A shuffled mix: multiple-choice questions (contexts of several lengths), singles, a duplicate. */
function mixedRequests(): TokenRequest[] {
  let s = 99;
  const rand = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const toks = (n: number) => Array.from({ length: n }, () => rand(TINY.vocabSize));
  const reqs: TokenRequest[] = [];
  for (let q = 0; q < 12; q++) {
    const context = toks(q % 2 ? 10 : 4 + q);
    for (let c = 0; c < 2 + (q % 4); c++) reqs.push({ context, continuation: toks(1 + rand(5)) });
  }
  for (let i = 0; i < 9; i++)
    reqs.push({ context: toks(1 + rand(40)), continuation: toks(1 + rand(20)) });
  reqs.push({ ...reqs[3] });
  for (let i = reqs.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [reqs[i], reqs[j]] = [reqs[j], reqs[i]];
  }
  return reqs;
}

describe('engineScorer', () => {
  const model = GPTNeoX.create(TINY, { seed: 31, threads: 2 });
  const requests = mixedRequests();

  it('returns, in request order, the logLikelihood of each request (mixed groups, many calls)', async () => {
    const want = model.logLikelihood(requests);
    for (const maxBatchTokens of [undefined, 40]) {
      const scorer = engineScorer(model, { maxBatchTokens });
      assert.equal(scorer.maxLength, 64);
      const progress: number[] = [];
      const got = await scorer.score(requests, (n) => progress.push(n));
      assert.equal(got.length, requests.length);
      got.forEach((r, i) => {
        assert.ok(
          Math.abs(r.logprob - want[i].logprob) <= 1e-5 * requests[i].continuation.length,
          `request ${i}: ${r.logprob} vs ${want[i].logprob}`,
        );
        assert.equal(r.isGreedy, want[i].isGreedy);
      });
      assert.ok(
        progress.every((n, i) => i === 0 || n > progress[i - 1]),
        'progress only grows',
      );
      assert.equal(progress.at(-1), requests.length);
      if (maxBatchTokens)
        assert.ok(
          progress.length > 10,
          `a small bound splits into many calls (${progress.length})`,
        );
    }
    assert.deepEqual(await engineScorer(model).score([]), []);
  });

  it('plans one context length per shared call, singles padded, within the token bound', () => {
    const groups = groupByContext(requests);
    assert.equal(
      groups.reduce((n, g) => n + g.requests.length, 0),
      requests.length,
    );
    groups.forEach((g) =>
      g.requests.forEach((r, k) => {
        assert.deepEqual(requests[r].context, g.context);
        assert.deepEqual(requests[r].continuation, g.continuations[k]);
      }),
    );
    const calls = planCalls(groups, 40);
    const seen = calls.flatMap((c) => c.groups.flatMap((g) => g.requests)).sort((a, b) => a - b);
    assert.deepEqual(
      seen,
      requests.map((_, i) => i),
      'every request exactly once',
    );
    for (const c of calls) {
      const rows = c.groups.reduce((n, g) => n + g.continuations.length, 0);
      const width = Math.max(
        ...c.groups.map(
          (g) => g.context.length + Math.max(...g.continuations.map((x) => x.length)),
        ),
      );
      if (c.groups.length > 1)
        assert.ok(rows * width <= 40, `call of ${rows} rows x ${width} tokens`);
      if (c.kind === 'shared') assert.equal(new Set(c.groups.map((g) => g.context.length)).size, 1);
      else assert.ok(c.groups.every((g) => g.continuations.length === 1));
    }
    assert.ok(calls.some((c) => c.kind === 'shared') && calls.some((c) => c.kind === 'padded'));
  });

  it('errors reject with the engine’s reason', async () => {
    await assert.rejects(
      engineScorer(model).score([
        { context: [1], continuation: [1, 128] },
        { context: [1], continuation: [2] },
      ]),
      /continuation id 128/,
    );
    assert.throws(
      () => engineScorer(model, { maxBatchTokens: 0 }),
      /maxBatchTokens must be a positive integer/,
    );
  });
});
