import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPTNeoX, Trainer } from '../src';
import { batchAt, TINY, TINY_OPT } from './tiny';

// A model trained briefly on the counting stream, so greedy decoding has structure to find.
const model = GPTNeoX.create(TINY, { seed: 11, threads: 2 });
const trainer = new Trainer(model, TINY_OPT);
for (let i = 0; i < 40; i++) trainer.trainStep([batchAt(i)]);
const V = TINY.vocabSize;

function logSoftmaxRow(logits: Float32Array, row: number): number[] {
  const z = Array.from(logits.subarray(row * V, (row + 1) * V));
  const mx = Math.max(...z);
  const lse = mx + Math.log(z.reduce((s, x) => s + Math.exp(x - mx), 0));
  return z.map((x) => x - lse);
}

function argmax(a: number[]): number {
  return a.reduce((best, x, i) => (x > a[best] ? i : best), 0);
}

describe('inference', () => {
  it('KV-cache greedy generation equals argmax decoding with full recomputation', () => {
    const prompts = [
      [5, 6, 7, 8],
      [40, 41, 42, 43],
    ];
    const got = model.generate(prompts, 6);
    for (let b = 0; b < prompts.length; b++) {
      const seq = [...prompts[b]];
      for (let s = 0; s < 6; s++) {
        const logits = model.forward(Int32Array.from(seq), 1, seq.length);
        seq.push(argmax(logSoftmaxRow(logits, seq.length - 1)));
      }
      assert.deepEqual(got[b], seq.slice(prompts[b].length));
    }
    assert.deepEqual(got[0].slice(0, 3), [9, 10, 11], 'learned to count');
  });

  it('KV cache stays exact across attention tiles (prompt 60, 12 new tokens, tile 64)', () => {
    const long = GPTNeoX.create({ ...TINY, maxPositionEmbeddings: 128 }, { seed: 12, threads: 2 });
    const prompt = Array.from({ length: 60 }, (_, i) => (i * 7) % V);
    const got = long.generate([prompt, prompt.map((t) => (t + 1) % V)], 12)[0];
    const seq = [...prompt];
    for (let s = 0; s < 12; s++) seq.push(argmax(logSoftmaxRow(long.forward(Int32Array.from(seq), 1, seq.length), seq.length - 1)));
    assert.deepEqual(got, seq.slice(60));
  });

  it('log-likelihood of (context, continuation) pairs: per-token logprobs and greedy flags', () => {
    const pairs = [
      { context: [3, 4, 5], continuation: [6, 7] },
      { context: [20], continuation: [21, 99, 23, 24] },
      { context: [70, 71, 72, 73, 74, 75], continuation: [76] },
    ];
    const res = model.logLikelihood(pairs);
    pairs.forEach((p, i) => {
      const seq = [...p.context, ...p.continuation];
      const logits = model.forward(Int32Array.from(seq), 1, seq.length);
      p.continuation.forEach((tok, k) => {
        const row = logSoftmaxRow(logits, p.context.length - 1 + k);
        assert.ok(Math.abs(res[i].tokenLogprobs[k] - row[tok]) < 1e-4, `pair ${i} token ${k}: ${res[i].tokenLogprobs[k]} vs ${row[tok]}`);
        assert.equal(res[i].greedyMatch[k], argmax(row) === tok);
      });
      assert.ok(Math.abs(res[i].logprob - res[i].tokenLogprobs.reduce((a, b) => a + b, 0)) < 1e-9);
    });
    assert.equal(res[0].isGreedy, true);
    assert.equal(res[1].greedyMatch[1], false);
    assert.equal(res[1].isGreedy, false);
  });
});
