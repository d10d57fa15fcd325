import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPTNeoX } from '@cohort/model';
import { tinyConfig } from './helpers';
import { evaluateArithmetic } from '../src/arithmetic/evaluate';
import type { ArithmeticTokenizer } from '../src/arithmetic/evaluate';
import { engineGenerator } from '../src/scorer/engine-generator';

const TINY = tinyConfig(128);

/** One token per ASCII character (id = char code, 0 the end-of-text): decodes any id the tiny model emits. */
const chars: ArithmeticTokenizer = {
  eodId: 0,
  async encode(text) {
    return Array.from(text, (c) => {
      const id = c.charCodeAt(0);
      assert.ok(id > 0 && id < 128, `not ASCII: ${c}`);
      return id;
    });
  },
  decode: (ids) => String.fromCharCode(...ids),
};

describe('engineGenerator', () => {
  const model = GPTNeoX.create(TINY, { seed: 5, threads: 2 });
  let s = 3;
  const rand = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const prompts = Array.from({ length: 11 }, (_, i) => Array.from({ length: 1 + (i % 4) * 5 + rand(2) }, () => 1 + rand(127)));

  it('returns each prompt\'s greedy ids in prompt order, however prompts are grouped and batched', async () => {
    const want = prompts.map((p) => model.generate([p], 6)[0]);
    for (const batchSize of [undefined, 2]) {
      const progress: number[] = [];
      const got = await engineGenerator(model, { batchSize }).generate(prompts, 6, [], (n) => progress.push(n));
      assert.deepEqual(got, want);
      assert.equal(progress.at(-1), prompts.length);
      if (batchSize) assert.ok(progress.length >= 6, `small batches make many calls (${progress.length})`);
    }
    assert.deepEqual(await engineGenerator(model).generate([], 6), []);
  });

  it('cuts each output before its first stop id, and long prompts from the left', async () => {
    const full = await engineGenerator(model).generate(prompts, 6);
    const stop = full[3][2];
    const cut = await engineGenerator(model).generate(prompts, 6, [stop]);
    cut.forEach((ids, i) => {
      const end = full[i].indexOf(stop);
      assert.deepEqual(ids, end < 0 ? full[i] : full[i].slice(0, end));
    });
    assert.ok(cut[3].length <= 2);
    const long = Array.from({ length: 200 }, (_, i) => 1 + (i % 120));
    const [out] = await engineGenerator(model).generate([long], 8);
    assert.deepEqual(out, model.generate([long.slice(200 - 120)], 8)[0], 'the last 128 - 8 tokens');
    await assert.rejects(engineGenerator(model).generate([long], 128), /maxNewTokens must be an integer in 1..127/);
    await assert.rejects(engineGenerator(model).generate([[1], []], 4), /prompt 1 is empty/);
    assert.throws(() => engineGenerator(model, { batchSize: 0 }), /batchSize must be a positive integer/);
  });

  it('evaluateArithmetic on a tiny random model: every item once, deterministic', async () => {
    const params = { template: 'pythia' as const, operations: ['plus' as const, 'times' as const], shots: [0, 2], x1: [0, 4] as [number, number], x2: [1, 3] as [number, number], maxNewTokens: 5 };
    const run = () => evaluateArithmetic({ tokenizer: chars, generator: engineGenerator(model, { batchSize: 4 }), params });
    const a = await run();
    assert.equal(a.rows.length, 2 * 2 * 5 * 3);
    assert.equal(a.accuracy.length, 2 * 2 * 5);
    assert.deepEqual(new Set(a.rows.map((r) => `${r.operation}/${r.shots}/${r.x1}/${r.x2}`)).size, a.rows.length);
    for (const r of a.rows) {
      assert.ok(r.output.length <= 5 && !r.output.includes('\n') && !r.output.includes('\0'), JSON.stringify(r.output));
      assert.equal(r.answer, r.operation === 'plus' ? r.x1 + r.x2 : r.x1 * r.x2);
    }
    for (const acc of a.accuracy) assert.ok(acc.n === 3 && acc.acc === acc.correct / 3);
    assert.deepEqual(await run(), a, 'the same rows again');
  });
});
