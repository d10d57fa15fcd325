import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPTNeoX, type LogLikelihood, type ModelConfig, type SharedContextGroup } from '../src';
import { TINY } from './tiny';

const V = TINY.vocabSize;
const SEQUENTIAL: ModelConfig = {
  ...TINY,
  useParallelResidual: false,
  hiddenAct: 'gelu_new',
  rotaryPct: 0.5,
};

function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
}

/** G groups with contexts of length T0 (or lengths from `ctxLen`) and 1..maxCont continuations of 1..Tc tokens. */
function randomGroups(
  seed: number,
  G: number,
  ctxLen: () => number,
  maxCont: number,
  Tc: number,
): SharedContextGroup[] {
  const rand = lcg(seed);
  const toks = (n: number) => Array.from({ length: n }, () => rand(V));
  return Array.from({ length: G }, () => ({
    context: toks(ctxLen()),
    continuations: Array.from({ length: 1 + rand(maxCont) }, () => toks(1 + rand(Tc))),
  }));
}

/** Shared-prefix scores against one logLikelihood pass per (context, continuation) pair. */
function assertMatchesPairs(
  model: GPTNeoX,
  groups: SharedContextGroup[],
  got: LogLikelihood[][],
): void {
  assert.equal(got.length, groups.length);
  groups.forEach((g, i) => {
    assert.equal(got[i].length, g.continuations.length);
    const want = model.logLikelihood(
      g.continuations.map((continuation) => ({ context: g.context, continuation })),
    );
    want.forEach((w, k) => {
      const s = got[i][k];
      assert.equal(s.tokenLogprobs.length, w.tokenLogprobs.length);
      w.tokenLogprobs.forEach((x, j) =>
        assert.ok(
          Math.abs(s.tokenLogprobs[j] - x) <= 1e-5,
          `group ${i} cont ${k} token ${j}: ${s.tokenLogprobs[j]} vs ${x}`,
        ),
      );
      assert.deepEqual(s.greedyMatch, w.greedyMatch, `group ${i} cont ${k} greedy flags`);
      assert.ok(Math.abs(s.logprob - w.logprob) <= 1e-5 * w.tokenLogprobs.length);
      assert.equal(s.isGreedy, w.isGreedy);
    });
  });
}

describe('shared-prefix scoring (scoreShared)', () => {
  for (const [mode, cfg] of [
    ['parallel residual', TINY],
    ['sequential residual, tanh GELU', SEQUENTIAL],
  ] as const) {
    it(`equals logLikelihood per pair over G/R/T0/Tc shapes, ragged continuations (${mode})`, () => {
      const model = GPTNeoX.create(
        { ...cfg, maxPositionEmbeddings: 160 },
        { seed: 21, threads: 2 },
      );
      const shapes: [number, () => number, number, number][] = [
        [1, () => 1, 1, 1], // one token of context, one continuation of one token: no continuation pass
        [3, () => 5, 4, 4],
        [2, () => 60, 5, 5], // rows span tile boundaries of the attention (64 queries)
        [4, () => 2, 3, 70], // continuation queries cross a tile
        [1, () => 150, 5, 11], // T0 + Tc - 1 = maxPos
      ];
      shapes.forEach(([G, len, maxCont, Tc], s) => {
        const groups = randomGroups(100 + s, G, len, maxCont, Tc);
        if (s === 4) groups[0].continuations.push(Array.from({ length: 11 }, (_, k) => k)); // the longest row fills maxPos
        assertMatchesPairs(model, groups, model.scoreShared(groups));
      });
    });
  }

  it('greedy flags are set where the continuation is the model’s own greedy decode', () => {
    const model = GPTNeoX.create(TINY, { seed: 22, threads: 2 });
    const context = [3, 1, 4, 1, 5];
    const greedy = model.generate([context], 6)[0];
    const groups = [
      {
        context,
        continuations: [greedy, [...greedy.slice(0, 3), (greedy[3] + 1) % V], [greedy[0]]],
      },
    ];
    const [res] = model.scoreShared(groups);
    assert.equal(res[0].isGreedy, true);
    assert.deepEqual(res[1].greedyMatch, [true, true, true, false]);
    assert.equal(res[2].isGreedy, true);
    assertMatchesPairs(model, groups, [res]);
  });

  it('contexts of several lengths in one call, and the raw primitive with unsorted owners', () => {
    const model = GPTNeoX.create(TINY, { seed: 23, threads: 2 });
    const rand = lcg(7);
    const groups = randomGroups(8, 9, () => 1 + rand(12), 5, 6);
    assertMatchesPairs(model, groups, model.scoreShared(groups));

    // Rows need not be sorted by owner, and an owner may have no rows; padding ids are never read.
    const ctx = [
      [5, 6, 7],
      [9, 10, 11],
      [1, 2, 3],
    ];
    const rows = [
      { owner: 2, cont: [4, 5] },
      { owner: 0, cont: [8, 9, 10] },
      { owner: 2, cont: [7] },
    ];
    const Tc = 3;
    const cont = new Int32Array(rows.length * Tc).fill(99999);
    rows.forEach((r, i) => cont.set(r.cont, i * Tc));
    const out = model.engine.scoreShared(
      Int32Array.from(ctx.flat()),
      Int32Array.from(rows, (r) => r.owner),
      cont,
      Int32Array.from(rows, (r) => r.cont.length),
      3,
      3,
      rows.length,
      Tc,
    );
    rows.forEach((r, i) => {
      const want = model.logLikelihood([{ context: ctx[r.owner], continuation: r.cont }])[0];
      want.tokenLogprobs.forEach((x, k) =>
        assert.ok(Math.abs(out.logprobs[i * Tc + k] - x) <= 1e-5),
      );
      for (let k = r.cont.length; k < Tc; k++)
        assert.equal(out.logprobs[i * Tc + k], 0, 'padding positions are 0');
    });
  });

  it('equals a log-softmax of forward() logits computed in JS (independent reference)', () => {
    const model = GPTNeoX.create(TINY, { seed: 24, threads: 2 });
    const context = [10, 20, 30, 40];
    const continuations = [[50, 60, 70], [51], [52, 53]];
    const [res] = model.scoreShared([{ context, continuations }]);
    continuations.forEach((c, k) => {
      const seq = [...context, ...c];
      const logits = model.forward(Int32Array.from(seq), 1, seq.length);
      c.forEach((tok, j) => {
        const z = Array.from(
          logits.subarray((context.length - 1 + j) * V, (context.length + j) * V),
        );
        const mx = Math.max(...z);
        const lse = mx + Math.log(z.reduce((s, x) => s + Math.exp(x - mx), 0));
        assert.ok(
          Math.abs(res[k].tokenLogprobs[j] - (z[tok] - lse)) <= 1e-5,
          `cont ${k} token ${j}`,
        );
        assert.equal(res[k].greedyMatch[j], z.indexOf(mx) === tok);
      });
    });
  });

  it('scoreSharedAsync equals scoreShared; errors reject', async () => {
    const model = GPTNeoX.create(TINY, { seed: 25, threads: 2 });
    const groups = randomGroups(9, 6, () => 8, 4, 5);
    assert.deepEqual(await model.scoreSharedAsync(groups), model.scoreShared(groups));
    await assert.rejects(
      model.scoreSharedAsync([{ context: [1], continuations: [[999]] }]),
      /continuation id 999/,
    );
  });

  it('bad input: ids out of range, empty parts, too long, owner and length out of range', () => {
    const model = GPTNeoX.create(TINY, { seed: 26, threads: 1 });
    assert.throws(
      () => model.scoreShared([{ context: [1, 128], continuations: [[2]] }]),
      /context id 128 at flat index 1 is outside \[0, 128\)/,
    );
    assert.throws(
      () => model.scoreShared([{ context: [1], continuations: [[2], [3, -1]] }]),
      /continuation id -1 at flat index 3/,
    );
    assert.throws(
      () => model.scoreShared([{ context: [1], continuations: [[2], []] }]),
      /group 0 continuation 1 is empty/,
    );
    assert.throws(
      () => model.scoreShared([{ context: [], continuations: [[2]] }]),
      /group 0 has an empty context/,
    );
    assert.throws(
      () => model.scoreShared([{ context: [1], continuations: [] }]),
      /group 0 has no continuations/,
    );
    const context = Array.from({ length: 61 }, () => 1);
    assert.throws(
      () => model.scoreShared([{ context, continuations: [[1, 2, 3, 4, 5], [1]] }]),
      /context length 61 \+ continuation length 5 - 1 exceeds max_position_embeddings 64/,
    );
    assert.doesNotThrow(
      () => model.scoreShared([{ context, continuations: [[1, 2, 3, 4]] }]),
      '61 + 4 - 1 = 64 positions fit',
    );
    const one = (owner: number, len: number) =>
      model.engine.scoreShared(
        Int32Array.from([1, 2]),
        Int32Array.from([owner]),
        Int32Array.from([3, 4]),
        Int32Array.from([len]),
        1,
        2,
        1,
        2,
      );
    assert.throws(() => one(1, 2), /continuation row 0: owner 1 is outside \[0, 1\)/);
    assert.throws(() => one(-1, 2), /owner -1/);
    assert.throws(() => one(0, 0), /continuation row 0: length 0 is outside \[1, 2\]/);
    assert.throws(() => one(0, 3), /length 3 is outside \[1, 2\]/);
    assert.throws(
      () =>
        model.engine.scoreShared(
          Int32Array.from([1, 2]),
          Int32Array.from([0]),
          Int32Array.from([3]),
          Int32Array.from([1]),
          1,
          2,
          1,
          2,
        ),
      /cont has 1 elements, expected 2/,
    );
  });
});
