// A tiny model config and a deterministic synthetic data stream shared by tests and child processes.
import { createHash } from 'node:crypto';
import { type ModelConfig, PYTHIA_DEFAULTS } from '../src/config';
import { causalBatch, type MicroBatch, type OptimizerConfig } from '../src/trainer';

export const TINY: ModelConfig = { ...PYTHIA_DEFAULTS, vocabSize: 128, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256, maxPositionEmbeddings: 64 };

export const TINY_OPT: OptimizerConfig = {
  lr: 3e-3,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1.0,
  schedule: { kind: 'neox', warmupSteps: 2, decaySteps: 20, minLr: 3e-4 },
};

/** Micro-batch `i` of the stream: a pure function of i (like a data order's batch(step)). */
export function batchAt(i: number, batch = 4, seqLen = 32): MicroBatch {
  let s = (i + 1) * 2654435761;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % TINY.vocabSize;
  // A learnable pattern: each row counts upward from a random start, mod the vocabulary.
  const rows = Array.from({ length: batch }, () => {
    const start = rand();
    return Array.from({ length: seqLen + 1 }, (_, t) => (start + t) % TINY.vocabSize);
  });
  return causalBatch(rows, seqLen);
}

export function sha256(a: Float32Array): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}
