import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPreset, learningRate, presetNames } from '../src';

describe('LR schedules', () => {
  it("GPT-NeoX formula as Pythia used it: lr 0 at the first step, floor reached at ~115k of 143k", () => {
    const s = getPreset('pythia-70m').optimizer.schedule;
    assert.deepEqual(s, { kind: 'neox', warmupSteps: 1430, decaySteps: 143000, minLr: 1e-4 });
    assert.equal(learningRate(1e-3, s, 0), 0);
    assert.equal(learningRate(1e-3, s, 715), 5e-4);
    assert.equal(learningRate(1e-3, s, 1430), 1e-3);
    // 1e-3/2*(cos(pi*(t-1430)/143000)+1) = 1e-4  <=>  t = 1430 + 143000*acos(-0.8)/pi = 115138.6
    assert.ok(learningRate(1e-3, s, 115138) > 1e-4);
    assert.equal(learningRate(1e-3, s, 115140), 1e-4);
    assert.equal(learningRate(1e-3, s, 142999), 1e-4);
    const t = 50000;
    assert.ok(Math.abs(learningRate(1e-3, s, t) - 0.5e-3 * (Math.cos((Math.PI * (t - 1430)) / 143000) + 1)) < 1e-18);
  });

  it('textbook warmup + cosine reaches the floor exactly at totalSteps', () => {
    const s = { kind: 'cosine' as const, warmupSteps: 10, totalSteps: 110, minLr: 1e-4 };
    assert.equal(learningRate(1e-3, s, 0), 1e-4);
    assert.equal(learningRate(1e-3, s, 9), 1e-3);
    assert.ok(Math.abs(learningRate(1e-3, s, 60) - 5.5e-4) < 1e-15);
    assert.equal(learningRate(1e-3, s, 110), 1e-4);
  });
});

describe('presets', () => {
  it('has the ten Pythia sizes with their parameter counts', () => {
    for (const n of ['pythia-14m', 'pythia-31m', 'pythia-70m', 'pythia-160m', 'pythia-410m', 'pythia-1b', 'pythia-1.4b', 'pythia-2.8b', 'pythia-6.9b', 'pythia-12b'])
      assert.ok(presetNames().includes(n), n);
    const count = (name: string) => {
      const { model: c } = getPreset(name);
      const L = c.numLayers, h = c.hiddenSize;
      return L * (12 * h * h + 13 * h) + 2 * h + 2 * c.vocabSize * h;
    };
    assert.equal(count('pythia-70m'), 70426624);
    assert.equal(count('pythia-160m'), 162322944);
    assert.equal(count('pythia-12b'), 11846072320);
    const p = getPreset('pythia-410m');
    assert.equal(p.optimizer.lr, 3e-4);
    assert.equal(p.batchSize * p.seqLen, 2097152);
  });

  it('unknown preset names the known ones', () => {
    assert.throws(() => getPreset('pythia-7b'), /unknown model preset 'pythia-7b'; known presets: pythia-14m, /);
  });
});
