import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GPTNeoX, learningRate, loadCheckpoint, saveCheckpoint, Trainer } from '../src';
import { batchAt, sha256, TINY, TINY_OPT } from './tiny';

const work = mkdtempSync(join(tmpdir(), 'cohort-model-train-'));
after(() => rmSync(work, { recursive: true, force: true }));

function train(steps: number, seed = 7): { model: GPTNeoX; trainer: Trainer; losses: number[] } {
  const model = GPTNeoX.create(TINY, { seed, threads: 2 });
  const trainer = new Trainer(model, TINY_OPT);
  const losses: number[] = [];
  while (trainer.step < steps) losses.push(trainer.trainStep([batchAt(trainer.step)]).loss);
  return { model, trainer, losses };
}

describe('training', () => {
  it('lowers the loss on a learnable stream', () => {
    const { losses } = train(20);
    assert.ok(losses[19] < losses[0] - 1, `loss ${losses[0]} -> ${losses[19]}`);
  });

  it('evalLoss equals the loss the training step reports, without touching the weights', async () => {
    const model = GPTNeoX.create(TINY, { seed: 9, threads: 2 });
    const before = sha256(model.getWeights());
    const ev = model.evalLoss([batchAt(0), batchAt(1)]);
    assert.equal(ev.tokens, 2 * 4 * 32);
    assert.deepEqual(await model.evalLossAsync([batchAt(0), batchAt(1)]), ev);
    assert.equal(sha256(model.getWeights()), before);
    const r = new Trainer(model, TINY_OPT).trainStep([batchAt(0), batchAt(1)]);
    assert.ok(Math.abs(ev.loss - r.loss) < 1e-5 * r.loss, `${ev.loss} vs ${r.loss}`);
  });

  it('same seed + same batches => bit-identical weights; another seed differs', () => {
    const a = sha256(train(4).model.getWeights());
    assert.equal(sha256(train(4).model.getWeights()), a);
    assert.notEqual(sha256(train(4, 8).model.getWeights()), a);
  });

  it('init is independent of the thread count', () => {
    const w1 = GPTNeoX.create(TINY, { seed: 3, threads: 1 }).getWeights();
    const w2 = GPTNeoX.create(TINY, { seed: 3, threads: 2 }).getWeights();
    assert.equal(sha256(w1), sha256(w2));
  });

  it('train k, checkpoint, reload in a new process, train to N == straight to N', () => {
    const N = 6, k = 3;
    const straight = train(N);
    const { m, v } = straight.model.engine.getOptState();
    const partial = train(k);
    const dir = join(work, `step${k}`);
    saveCheckpoint(dir, partial.model, { trainer: partial.trainer, dataPosition: k, seed: 7 });
    const out = execFileSync(process.execPath, [join(__dirname, 'resume-child.js'), dir, String(N)], { encoding: 'utf8' });
    const child = JSON.parse(out);
    assert.equal(child.step, N);
    assert.equal(child.weights, sha256(straight.model.getWeights()));
    assert.equal(child.m, sha256(m));
    assert.equal(child.v, sha256(v));
  });

  it('gradient accumulation over micro-batches equals one big batch', () => {
    const big = batchAt(0, 4);
    const halves = [0, 1].map((h) => ({
      ids: big.ids.subarray(h * 64, (h + 1) * 64),
      targets: big.targets.subarray(h * 64, (h + 1) * 64),
      batch: 2,
      seqLen: 32,
    }));
    const a = GPTNeoX.create(TINY, { seed: 1, threads: 2 });
    const b = GPTNeoX.create(TINY, { seed: 1, threads: 2 });
    const ra = new Trainer(a, TINY_OPT).trainStep([big]);
    const rb = new Trainer(b, TINY_OPT).trainStep(halves);
    assert.ok(Math.abs(ra.loss - rb.loss) < 1e-6 * ra.loss, `${ra.loss} vs ${rb.loss}`);
    assert.ok(Math.abs(ra.gradNorm - rb.gradNorm) < 1e-5 * ra.gradNorm);
    const wa = a.getWeights(), wb = b.getWeights();
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i] - wb[i]));
    assert.ok(maxDiff < 1e-6, `max weight diff ${maxDiff}`);
  });

  it('resumed trainer reports the saved step, schedule position and thread count', () => {
    const model = GPTNeoX.create(TINY, { seed: 7, threads: 1 });
    const trainer = new Trainer(model, TINY_OPT);
    trainer.trainStep([batchAt(0)]);
    trainer.trainStep([batchAt(1)]);
    const dir = join(work, 'sched');
    saveCheckpoint(dir, model, { trainer, dataPosition: 2 });
    const loaded = loadCheckpoint(dir, { threads: undefined });
    assert.equal(loaded.model.threads, 1, 'resumes on the recorded thread count');
    assert.equal(loaded.trainer?.step, 2);
    assert.equal(loaded.state?.dataPosition, 2);
    assert.equal(loaded.trainer?.lrAt(2), learningRate(TINY_OPT.lr, TINY_OPT.schedule, 2));
  });
});
