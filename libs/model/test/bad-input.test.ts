import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHfConfig, GPTNeoX, getPreset, Trainer } from '../src';
import { batchAt, TINY, TINY_OPT } from './tiny';

const model = GPTNeoX.create(TINY, { seed: 1, threads: 2 });

describe('bad input gives errors a user can act on (never a crash)', () => {
  it('wrong shapes and types', () => {
    assert.throws(() => model.forward(new Int32Array(10), 2, 8), /ids has 10 elements, expected 16/);
    assert.throws(() => model.forward(new Float32Array(16) as unknown as Int32Array, 2, 8), /ids must be a Int32Array/);
    assert.throws(() => model.forward(new Int32Array(0), 0, 8), /batch and seqLen must be >= 1/);
    assert.throws(() => model.forward(new Int32Array(8), Infinity, 8), /batch must be an integer, got inf/);
    assert.throws(() => model.forward(new Int32Array(8), 1.5, 8), /batch must be an integer/);
    assert.throws(() => model.forward(new Int32Array(65), 1, 65), /sequence length 65 exceeds max_position_embeddings 64/);
    const huge = 4_000_000; // rows whose activations exceed this machine's memory
    assert.throws(() => model.engine.scoreTargets(new Int32Array(huge), new Int32Array(huge).fill(-100), huge, 1), /batch 4000000 x 1: activations need \d+ GB, this machine has \d+ GB/);
    assert.throws(() => model.setWeights(new Float32Array(3)), /params has 3 elements, expected \d+/);
    assert.throws(() => model.generate([[1, 2], [3]], 2), /equal length/);
    assert.throws(() => model.generate([[1, 2]], 64), /exceeds max_position_embeddings 64/);
    const mb = batchAt(0);
    assert.throws(() => new Trainer(model, TINY_OPT).trainStep([{ ...mb, seqLen: 31 }]), /step 1: .*ids has 128 elements, expected 124/);
  });

  it('out-of-range token ids and targets', () => {
    assert.throws(() => model.forward(Int32Array.from([1, 2, 128]), 1, 3), /token id 128 at flat index 2 is outside \[0, 128\)/);
    assert.throws(() => model.forward(Int32Array.from([-1]), 1, 1), /token id -1 at flat index 0/);
    const mb = batchAt(0);
    const targets = mb.targets.slice();
    targets[7] = -5;
    assert.throws(() => new Trainer(model, TINY_OPT).trainStep([{ ...mb, targets }]), /step 1: target id -5 at flat index 7 .*use -100 to ignore/);
    assert.throws(() => model.logLikelihood([{ context: [1], continuation: [500] }]), /target id 500/);
  });

  it('a disposed model refuses every call with the reason', () => {
    const m = GPTNeoX.create(TINY, { seed: 2, threads: 1 });
    m.dispose();
    assert.throws(() => m.forward(new Int32Array(8), 1, 8), /engine was disposed/);
    assert.throws(() => m.getWeights(), /engine was disposed/);
    assert.throws(() => new Trainer(m, TINY_OPT).trainStep([batchAt(0)]), /engine was disposed/);
  });

  it('bad configs and unknown presets', () => {
    assert.throws(() => GPTNeoX.create({ ...TINY, numHeads: 5 }), /hiddenSize 64 is not divisible by numHeads 5/);
    assert.throws(() => GPTNeoX.create({ ...TINY, numLayers: 0 }), /numLayers must be a positive integer/);
    assert.throws(() => GPTNeoX.create({ ...TINY, rotaryPct: 0.1 }), /head_dim \* rotaryPct = 1 must be even/);
    assert.throws(() => fromHfConfig({ model_type: 'llama', hidden_size: 8 }), /model_type 'llama' is not 'gpt_neox'/);
    assert.throws(() => fromHfConfig({ ...{ hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4, vocab_size: 10 }, hidden_act: 'relu' }), /hidden_act 'relu' is not supported/);
    assert.throws(() => getPreset('nope'), /unknown model preset 'nope'/);
    assert.throws(() => GPTNeoX.create(getPreset('pythia-12b').model), /model has 11846072320 parameters: fp32 weights, grads and Adam state need 189 GB, this machine has \d+ GB/);
  });

  it('bad optimizer settings', () => {
    assert.throws(() => new Trainer(model, { ...TINY_OPT, lr: -1 }), /optimizer: lr must be a finite number >= 0, got -1/);
    assert.throws(() => new Trainer(model, { ...TINY_OPT, beta2: 1 }), /beta2 must be in \[0, 1\)/);
    assert.throws(() => new Trainer(model, { ...TINY_OPT, schedule: { kind: 'linear' } as never }), /unknown LR schedule kind 'linear'/);
  });

  it('NaN/inf loss stops training with an error naming the step, weights untouched', () => {
    const m = GPTNeoX.create(TINY, { seed: 2, threads: 2 });
    const tr = new Trainer(m, TINY_OPT);
    tr.trainStep([batchAt(0)]);
    const w = m.getWeights();
    w[m.param('gpt_neox.final_layer_norm.weight').offset] = NaN;
    m.setWeights(w);
    assert.throws(() => tr.trainStep([batchAt(1)]), /step 2: loss is not finite \(NaN\); training stopped, weights left at step 1/);
    assert.equal(tr.step, 1);
    const inf = m.getWeights();
    inf[m.param('gpt_neox.final_layer_norm.weight').offset] = 1;
    inf[m.param('embed_out.weight').offset] = Infinity;
    m.setWeights(inf);
    assert.throws(() => tr.trainStep([batchAt(1)]), /step 2: loss is not finite/);
  });
});
