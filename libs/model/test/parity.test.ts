// Golden parity against HF transformers' GPTNeoXForCausalLM (fixtures from tools/golden).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Trainer } from '../src/trainer';
import { fixtureModel, loadFixture, relErr } from './fixtures';

for (const name of ['parallel_gelu', 'sequential_tanh']) {
  describe(`HF parity: ${name}`, () => {
    const f = loadFixture(name);

    it('logits match within 1e-4 (relative)', () => {
      const m = fixtureModel(f);
      const err = relErr(m.forward(f.ids, f.batch, f.seqLen), f.f32('logits'));
      assert.ok(err <= 1e-4, `logits rel err ${err}`);
    });

    it('loss, every gradient and the clipped AdamW step match', () => {
      const m = fixtureModel(f);
      const o = f.optimizer;
      const tr = new Trainer(m, { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay, maxGradNorm: o.max_grad_norm, schedule: { kind: 'constant' } });
      let count = 0;
      for (const t of f.targets) if (t !== -100) count++;
      const lossSum = m.engine.forwardBackward(f.ids, f.targets, f.batch, f.seqLen, 1 / count);
      const loss = lossSum / count, ref = f.f32('loss')[0];
      assert.ok(Math.abs(loss - ref) / Math.abs(ref) <= 1e-4, `loss ${loss} vs ${ref}`);
      const g = m.engine.getGrads();
      for (const p of m.params) {
        const err = relErr(g.subarray(p.offset, p.offset + p.numel), f.f32(`grad.${p.name}`));
        assert.ok(err <= 1e-3, `grad ${p.name} rel err ${err}`);
      }
      m.engine.zeroGrads();
      const r = tr.trainStep([{ ids: f.ids, targets: f.targets, batch: f.batch, seqLen: f.seqLen }]);
      assert.ok(Math.abs(r.gradNorm - f.gradNorm) / f.gradNorm <= 1e-4, `grad norm ${r.gradNorm} vs ${f.gradNorm}`);
      const w = m.getWeights();
      for (const p of m.params) {
        const err = relErr(w.subarray(p.offset, p.offset + p.numel), f.f32(`step1.${p.name}`));
        assert.ok(err <= 1e-4, `post-step ${p.name} rel err ${err}`);
      }
    });
  });
}
