// Loads the HF golden fixtures written by tools/golden/make_fixtures.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHfConfig, GPTNeoX, type ModelConfig } from '../src';
import { readSafetensors, toFloat32, toInt32, type RawTensor } from '../src/safetensors';

export const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

export interface Fixture {
  config: ModelConfig;
  batch: number;
  seqLen: number;
  optimizer: { lr: number; beta1: number; beta2: number; eps: number; weight_decay: number; max_grad_norm: number };
  gradNorm: number;
  ids: Int32Array;
  targets: Int32Array;
  tensors: Map<string, RawTensor>;
  f32(name: string): Float32Array;
}

export function loadFixture(name: string): Fixture {
  const meta = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  const tensors = readSafetensors(join(FIXTURES, `${name}.safetensors`));
  const get = (k: string): RawTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`fixture ${name}: no tensor ${k}`);
    return t;
  };
  return {
    config: fromHfConfig(meta.config),
    batch: meta.batch,
    seqLen: meta.seq_len,
    optimizer: meta.optimizer,
    gradNorm: meta.grad_norm,
    ids: toInt32(get('input_ids')),
    targets: toInt32(get('targets')),
    tensors,
    f32: (k) => toFloat32(get(k)),
  };
}

/** A model holding the fixture's initial weights. */
export function fixtureModel(f: Fixture, threads = 2): GPTNeoX {
  const m = GPTNeoX.empty(f.config, { threads });
  const w = new Float32Array(m.numParams);
  for (const p of m.params) w.set(f.f32(`weight.${p.name}`), p.offset);
  m.setWeights(w);
  return m;
}

/** Normwise relative error: max|a-b| / max|b|. */
export function relErr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
