// CUDA backend vs the CPU backend (the reference semantics) on the golden tiny configs. Needs a
// usable CUDA device; everything here is skipped, with the reason, where there is none.
//
// Tolerances (normwise relative, max|a-b| / max|b|, per tensor):
//   fp32: logits, loss, every gradient and the post-AdamW weights within 1e-5; scores within 1e-5
//         (absolute, per token); greedy flags and generated tokens identical.
//   bf16: GEMM inputs are rounded to bf16 (8 bits of mantissa), accumulation is fp32: logits 3e-2,
//         loss 1e-2, gradients 1e-1, post-step weights 5e-2 (a tiny gradient whose sign flips moves
//         its weight by up to 2*lr), scores 5e-2 absolute; generation is not compared token by token.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { backendInfo, GPTNeoX, loadCheckpoint, type Precision, saveCheckpoint, Trainer } from '../src';
import { fixtureModel, loadFixture, relErr } from './fixtures';
import { batchAt, sha256, TINY, TINY_OPT } from './tiny';

const info = backendInfo();
const skip = info.backend === 'cuda' ? false : `no usable CUDA device: ${info.cudaUnavailableReason ?? 'unknown'}`;

const TOL: Record<Precision, { logits: number; loss: number; grad: number; weights: number; score: number }> = {
  fp32: { logits: 1e-5, loss: 1e-5, grad: 1e-5, weights: 1e-5, score: 1e-5 },
  bf16: { logits: 3e-2, loss: 1e-2, grad: 1e-1, weights: 5e-2, score: 5e-2 },
};

function onCuda(cpu: GPTNeoX, precision: Precision): GPTNeoX {
  const m = GPTNeoX.empty(cpu.config, { backend: 'cuda', precision });
  m.setWeights(cpu.getWeights());
  return m;
}

function trainedCpu(steps: number): GPTNeoX {
  const m = GPTNeoX.create(TINY, { seed: 3, threads: 2 });
  const tr = new Trainer(m, TINY_OPT);
  for (let i = 0; i < steps; i++) tr.trainStep([batchAt(i)]);
  return m;
}

describe('CUDA vs CPU', () => {
  const work = skip ? '' : mkdtempSync(join(tmpdir(), 'cohort-cuda-'));
  after(() => work && rmSync(work, { recursive: true, force: true }));

  for (const name of ['parallel_gelu', 'sequential_tanh']) {
    for (const precision of ['fp32', 'bf16'] as const) {
      it(`${name} ${precision}: logits, loss, gradients and the AdamW step`, { skip }, () => {
        const f = loadFixture(name);
        const tol = TOL[precision];
        const cpu = fixtureModel(f), cu = onCuda(cpu, precision);
        assert.equal(cu.precision, precision);
        const lerr = relErr(cu.forward(f.ids, f.batch, f.seqLen), cpu.forward(f.ids, f.batch, f.seqLen));
        assert.ok(lerr <= tol.logits, `logits rel err ${lerr}`);

        let count = 0;
        for (const t of f.targets) if (t !== -100) count++;
        const lc = cpu.engine.forwardBackward(f.ids, f.targets, f.batch, f.seqLen, 1 / count);
        const lg = cu.engine.forwardBackward(f.ids, f.targets, f.batch, f.seqLen, 1 / count);
        assert.ok(Math.abs(lg - lc) / Math.abs(lc) <= tol.loss, `loss ${lg / count} vs ${lc / count}`);
        const gc = cpu.engine.getGrads(), gg = cu.engine.getGrads();
        for (const p of cpu.params) {
          const err = relErr(gg.subarray(p.offset, p.offset + p.numel), gc.subarray(p.offset, p.offset + p.numel));
          assert.ok(err <= tol.grad, `grad ${p.name} rel err ${err}`);
        }
        cpu.engine.zeroGrads();
        cu.engine.zeroGrads();

        const o = f.optimizer;
        const opt = { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay, maxGradNorm: o.max_grad_norm, schedule: { kind: 'constant' as const } };
        const mb = [{ ids: f.ids, targets: f.targets, batch: f.batch, seqLen: f.seqLen }];
        const rc = new Trainer(cpu, opt).trainStep(mb), rg = new Trainer(cu, opt).trainStep(mb);
        assert.ok(Math.abs(rg.gradNorm - rc.gradNorm) / rc.gradNorm <= Math.max(tol.grad, 1e-5), `grad norm ${rg.gradNorm} vs ${rc.gradNorm}`);
        const wc = cpu.getWeights(), wg = cu.getWeights();
        for (const p of cpu.params) {
          const err = relErr(wg.subarray(p.offset, p.offset + p.numel), wc.subarray(p.offset, p.offset + p.numel));
          assert.ok(err <= tol.weights, `post-step ${p.name} rel err ${err}`);
        }
        cu.dispose();
      });
    }
  }

  for (const precision of ['fp32', 'bf16'] as const) {
    it(`${precision}: logLikelihood, scoreShared and generate match the CPU`, { skip }, (t) => {
      const cpu = trainedCpu(30), cu = onCuda(cpu, precision);
      const tol = TOL[precision].score;
      const pairs = [
        { context: [1, 2, 3, 4], continuation: [5, 6, 7] },
        { context: [90, 91], continuation: [92] },
        { context: [10, 11, 12, 13, 14, 15, 16, 17], continuation: [18, 40, 20, 21, 22] },
      ];
      const a = cpu.logLikelihood(pairs), b = cu.logLikelihood(pairs);
      a.forEach((x, i) => {
        x.tokenLogprobs.forEach((lp, k) => assert.ok(Math.abs(b[i].tokenLogprobs[k] - lp) <= tol, `pair ${i} token ${k}: ${b[i].tokenLogprobs[k]} vs ${lp}`));
        if (precision === 'fp32') assert.deepEqual(b[i].greedyMatch, x.greedyMatch);
      });
      const groups = [
        { context: [3, 4, 5, 6], continuations: [[7], [7, 8, 9], [50, 51]] },
        { context: [20, 21, 22, 23], continuations: [[24, 25], [1]] },
        { context: [60, 61], continuations: [[62, 63, 64, 65]] },
      ];
      const sa = cpu.scoreShared(groups), sb = cu.scoreShared(groups);
      sa.forEach((g, gi) =>
        g.forEach((x, ci) => {
          x.tokenLogprobs.forEach((lp, k) => assert.ok(Math.abs(sb[gi][ci].tokenLogprobs[k] - lp) <= tol, `group ${gi} cont ${ci} token ${k}`));
          if (precision === 'fp32') assert.deepEqual(sb[gi][ci].greedyMatch, x.greedyMatch);
        }),
      );
      const prompts = [
        [1, 2, 3],
        [40, 41, 42],
        [100, 7, 9],
      ];
      const ga = cpu.generate(prompts, 12), gb = cu.generate(prompts, 12);
      if (precision === 'fp32') assert.deepEqual(gb, ga);
      else {
        assert.ok(gb.every((row) => row.length === 12 && row.every((id) => Number.isInteger(id) && id >= 0 && id < TINY.vocabSize)));
        const same = gb.flat().filter((id, i) => id === ga.flat()[i]).length;
        t.diagnostic(`bf16 generate: ${same}/${ga.flat().length} tokens equal to the fp32 CPU's`);
      }
      cu.dispose();
    });
  }

  for (const precision of ['fp32', 'bf16'] as const) {
    it(`${precision}: two runs with the same seed give bit-identical weights and moments`, { skip }, () => {
      const run = () => {
        const m = GPTNeoX.create(TINY, { seed: 7, backend: 'cuda', precision });
        const tr = new Trainer(m, TINY_OPT);
        const losses = Array.from({ length: 8 }, (_, i) => tr.trainStep([batchAt(i), batchAt(100 + i)]).loss);
        const { m: mm, v } = m.engine.getOptState();
        const out = { w: sha256(m.getWeights()), m: sha256(mm), v: sha256(v), losses };
        m.dispose();
        return out;
      };
      assert.deepEqual(run(), run());
    });
  }

  it('the seeded init is the same on CUDA and CPU', { skip }, () => {
    const a = GPTNeoX.create(TINY, { seed: 9, threads: 1 }), b = GPTNeoX.create(TINY, { seed: 9, backend: 'cuda' });
    assert.equal(sha256(b.getWeights()), sha256(a.getWeights()));
    b.dispose();
  });

  it('a checkpoint saved from CUDA loads on the CPU; resuming on CUDA keeps the precision and the bits', { skip }, () => {
    const m = GPTNeoX.create(TINY, { seed: 11, backend: 'cuda', precision: 'bf16' });
    const tr = new Trainer(m, TINY_OPT);
    for (let i = 0; i < 3; i++) tr.trainStep([batchAt(i)]);
    const dir = join(work, 'step3');
    saveCheckpoint(dir, m, { trainer: tr, dataPosition: 3, seed: 11 });
    const onCpu = loadCheckpoint(dir, { backend: 'cpu', threads: 2 });
    assert.equal(onCpu.model.backend, 'cpu');
    assert.equal(onCpu.model.precision, 'fp32');
    assert.equal(onCpu.state?.precision, 'bf16');
    assert.equal(sha256(onCpu.model.getWeights()), sha256(m.getWeights()));
    onCpu.trainer?.trainStep([batchAt(3)]);  // trains on from CUDA's state

    const resumed = loadCheckpoint(dir);
    assert.equal(resumed.model.backend, 'cuda');
    assert.equal(resumed.model.precision, 'bf16');
    for (let i = 3; i < 5; i++) {
      tr.trainStep([batchAt(i)]);
      resumed.trainer?.trainStep([batchAt(i)]);
    }
    assert.equal(sha256(resumed.model.getWeights()), sha256(m.getWeights()));
    resumed.model.dispose();
    m.dispose();
  });

  it('200 steps: CUDA fp32 and bf16 losses stay in a band around the fp32 CPU run', { skip }, () => {
    const curve = (backend: 'cpu' | 'cuda', precision: Precision) => {
      const m = GPTNeoX.create(TINY, { seed: 13, backend, precision, threads: 2 });
      const tr = new Trainer(m, { ...TINY_OPT, schedule: { kind: 'cosine', warmupSteps: 10, totalSteps: 200, minLr: 3e-4 } });
      const losses = Array.from({ length: 200 }, (_, i) => tr.trainStep([batchAt(i)]).loss);
      m.dispose();
      return losses;
    };
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    const ref = curve('cpu', 'fp32');
    assert.ok(mean(ref.slice(-20)) < 0.5 * ref[0], `the CPU run learns (${ref[0]} -> ${mean(ref.slice(-20))})`);
    for (const [precision, band] of [['fp32', 0.02], ['bf16', 0.1]] as const) {
      const got = curve('cuda', precision);
      for (const at of [10, 50, 100, 200]) {
        const a = mean(got.slice(at - 10, at)), b = mean(ref.slice(at - 10, at));
        assert.ok(Math.abs(a - b) <= band * b + 0.01, `${precision} steps ${at - 10}-${at}: mean loss ${a} vs CPU ${b}`);
      }
    }
  });
});
