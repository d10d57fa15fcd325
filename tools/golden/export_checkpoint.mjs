// Trains a small Cohort model for a few steps, saves a checkpoint, and writes the logits Cohort
// computes for fixed ids next to it (expected_logits.safetensors) for check_export.py to compare.
// Usage: node tools/golden/export_checkpoint.mjs <outDir> <parallel|sequential> <gelu|gelu_new> [cpu|cuda]
// (cuda: trained in fp32 on the GPU, so HF's loading of a CUDA-trained checkpoint is checked too)
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const m = createRequire(import.meta.url)('../../libs/model');

const [out, residual, act, backend = 'cpu'] = process.argv.slice(2);
const config = { ...m.PYTHIA_DEFAULTS, vocabSize: 128, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256, maxPositionEmbeddings: 64, useParallelResidual: residual === 'parallel', hiddenAct: act };
const model = m.GPTNeoX.create(config, { seed: 42, threads: 2, backend, precision: 'fp32' });
const opt = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1, schedule: { kind: 'constant' } };
const trainer = new m.Trainer(model, opt);
const rows = (s) => Array.from({ length: 4 }, (_, b) => Array.from({ length: 33 }, (_, t) => (s * 7 + b * 13 + t) % 128));
for (let s = 0; s < 5; s++) trainer.trainStep([m.causalBatch(rows(s), 32)]);
const dir = join(out, 'checkpoint');
m.saveCheckpoint(dir, model, { trainer, overwrite: true });
const ids = Int32Array.from({ length: 2 * 48 }, (_, i) => (i * 37 + 11) % 128);
const logits = model.forward(ids, 2, 48);
writeFileSync(join(out, 'expected.safetensors'), Buffer.concat(m.encodeSafetensors([
  { name: 'input_ids', dtype: 'I32', shape: [2, 48], data: ids },
  { name: 'logits', dtype: 'F32', shape: [2, 48, 128], data: logits },
])));
console.log(dir);
