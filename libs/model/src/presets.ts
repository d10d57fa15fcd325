// Model presets as data: the ten Pythia sizes (EleutherAI/pythia models/*.yml) and CPU-sized models
// of the same architecture for tests and the demo.
import { type ModelConfig, PYTHIA_DEFAULTS } from './config';
import type { InitScheme } from './native';
import type { LrSchedule } from './schedule';
import type { OptimizerConfig } from './trainer';

export interface Preset {
  name: string;
  model: ModelConfig;
  optimizer: OptimizerConfig;
  /** Sequences per optimizer step and tokens per sequence. */
  batchSize: number;
  seqLen: number;
  trainSteps: number;
  init: InitScheme;
}

interface Row {
  name: string;
  layers: number;
  d: number;
  heads: number;
  lr: number;
  batch: number;
  seq: number;
  steps: number;
  vocab?: number;
  init?: InitScheme;
}

// Pythia: batch 1024 x 2048 for 143k steps, warmup 1% (1430), NeoX cosine to 0.1*lr.
// 6.9B/12B configs omitted small_init/wang_init, so NeoX's normal / scaled_normal defaults applied
// (pythia README erratum). The 1B lr is 2.5e-4 as in its config (the README table says 3e-4).
const ROWS: Row[] = [
  { name: 'pythia-14m', layers: 6, d: 128, heads: 4, lr: 1e-3, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-31m', layers: 6, d: 256, heads: 8, lr: 1e-3, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-70m', layers: 6, d: 512, heads: 8, lr: 1e-3, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-160m', layers: 12, d: 768, heads: 12, lr: 6e-4, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-410m', layers: 24, d: 1024, heads: 16, lr: 3e-4, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-1b', layers: 16, d: 2048, heads: 8, lr: 2.5e-4, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-1.4b', layers: 24, d: 2048, heads: 16, lr: 2e-4, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-2.8b', layers: 32, d: 2560, heads: 32, lr: 1.6e-4, batch: 1024, seq: 2048, steps: 143000 },
  { name: 'pythia-6.9b', layers: 32, d: 4096, heads: 32, lr: 1.2e-4, batch: 1024, seq: 2048, steps: 143000, vocab: 50432, init: 'scaled_normal' },
  { name: 'pythia-12b', layers: 36, d: 5120, heads: 40, lr: 1.2e-4, batch: 1024, seq: 2048, steps: 143000, vocab: 50688, init: 'scaled_normal' },
  // CPU-sized, same architecture and tokenizer vocabulary (tests, the embedded demo).
  { name: 'cpu-tiny', layers: 2, d: 64, heads: 4, lr: 1e-3, batch: 8, seq: 128, steps: 200 },
  { name: 'cpu-small', layers: 4, d: 128, heads: 4, lr: 1e-3, batch: 16, seq: 256, steps: 1000 },
  { name: 'cpu-medium', layers: 6, d: 256, heads: 8, lr: 1e-3, batch: 16, seq: 512, steps: 2000 },
];

function build(r: Row): Preset {
  const warmup = Math.max(1, Math.round(r.steps * 0.01));
  const schedule: LrSchedule = { kind: 'neox', warmupSteps: warmup, decaySteps: r.steps, minLr: 0.1 * r.lr };
  return {
    name: r.name,
    model: { ...PYTHIA_DEFAULTS, vocabSize: r.vocab ?? PYTHIA_DEFAULTS.vocabSize, hiddenSize: r.d, numLayers: r.layers, numHeads: r.heads, intermediateSize: 4 * r.d },
    optimizer: { lr: r.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1.0, schedule },
    batchSize: r.batch,
    seqLen: r.seq,
    trainSteps: r.steps,
    init: r.init ?? 'neox',
  };
}

export const PRESETS: readonly Preset[] = ROWS.map(build);

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

/** A deep copy of the named preset; unknown names list the known ones. */
export function getPreset(name: string): Preset {
  const p = PRESETS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown model preset '${name}'; known presets: ${presetNames().join(', ')}`);
  return structuredClone(p);
}
