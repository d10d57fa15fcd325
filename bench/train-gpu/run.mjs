#!/usr/bin/env node
// Training, scoring and generation throughput of the Cohort CUDA engine vs PyTorch (HF
// GPTNeoXForCausalLM, bf16 autocast, torch.compile, fused AdamW) on the same shapes: Pythia
// 70m/160m/410m at seq 2048. MFU is against the dense bf16 tensor-core peak of the GPU (table
// below, by device name). Exits 0 with a message where no usable GPU is present.
// Usage: node bench/train-gpu/run.mjs [--steps N] [--no-torch] [--only <name substring>] [--precision bf16|fp32]
// (COHORT_BENCH_TORCH_TIMEOUT: seconds per PyTorch run, default 240; torch.compile takes most of it)
// Needs `npx tsc -b libs/model` and the addon built with CUDA (bash scripts/build-native.sh).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const m = createRequire(import.meta.url)(join(root, 'libs', 'model'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const steps = Number(opt('--steps', 5)) || 5;
const withTorch = !args.includes('--no-torch');
const only = opt('--only', '');
const precision = opt('--precision', 'bf16');
const V = 50304, T = 2048;

// Dense bf16 tensor-core peaks (TFLOP/s, no sparsity), from the vendors' datasheets.
const PEAKS = [
  [/H200/i, 989],
  [/H100.*(PCIe)/i, 756],
  [/H100/i, 989],
  [/A100/i, 312],
  [/L40S/i, 362],
  [/L4\b/i, 121],
  [/B200/i, 2250],
];

const CONFIGS = [
  { name: 'pythia-70m', d: 512, L: 6, H: 8, B: 16 },
  { name: 'pythia-160m', d: 768, L: 12, H: 12, B: 16 },
  { name: 'pythia-410m', d: 1024, L: 24, H: 16, B: 8 },
];

const info = m.backendInfo();
if (info.backend !== 'cuda') {
  console.log(`bench/train-gpu: no usable CUDA device (${info.cudaUnavailableReason ?? 'unknown reason'}); nothing to measure.`);
  process.exit(0);
}
const dev = info.cudaDevice;
const peak = PEAKS.find(([re]) => re.test(dev.name))?.[1] ?? null;

// Model FLOPs per token: 6*(N - V*d) (embed_in is a gather) + 6*L*d*T attention (as bench/train-cpu).
const flopsPerToken = (c, numParams) => 6 * (numParams - V * c.d) + 6 * c.L * c.d * T;

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 4) % 50277;
const ints = (n) => Int32Array.from({ length: n }, rnd);
const time = (f) => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

function cohort(c) {
  const cfg = { ...m.PYTHIA_DEFAULTS, vocabSize: V, hiddenSize: c.d, numLayers: c.L, numHeads: c.H, intermediateSize: 4 * c.d, maxPositionEmbeddings: T };
  let B = c.B;
  while (B > 1 && m.cudaMemoryEstimate(cfg, B, T, precision) > 0.85 * dev.freeMemoryBytes) B /= 2;
  const model = m.GPTNeoX.create(cfg, { seed: 1, backend: 'cuda', precision });
  const tr = new m.Trainer(model, { lr: 1e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1, schedule: { kind: 'constant' } });
  const mb = { ids: ints(B * T), targets: ints(B * T), batch: B, seqLen: T };
  tr.trainStep([mb]); // warm-up: allocations, cuBLAS heuristics
  let train = Infinity;
  for (let i = 0; i < steps; i++) train = Math.min(train, time(() => tr.trainStep([mb])));
  let score = Infinity;
  for (let i = 0; i < 3; i++) score = Math.min(score, time(() => model.engine.scoreTargets(mb.ids, mb.targets, B, T)));
  const GB = 16, P = 128, NEW = 128;
  const prompts = Array.from({ length: GB }, () => Array.from(ints(P)));
  model.generate(prompts, 4); // warm-up
  const gen = time(() => model.generate(prompts, NEW));
  const out = { B, train, score, gen, genTokens: GB * NEW, numParams: model.numParams };
  model.dispose();
  return out;
}

function torchAvailable(py) {
  return spawnSync(py, ['-c', 'import torch, transformers; assert torch.cuda.is_available()'], { encoding: 'utf8' }).status === 0;
}

function torch(c, B) {
  const venv = join(root, '.venv', 'bin', 'python');
  const py = existsSync(venv) ? venv : 'python3';
  if (!withTorch) return { skipped: '--no-torch' };
  if (!torchAvailable(py)) return { skipped: `${py}: torch + transformers with CUDA not importable` };
  const r = spawnSync(py, [join(here, 'torch_train_gpu.py'), c.d, c.L, c.H, B, T, steps].map(String), { encoding: 'utf8', timeout: 1000 * (Number(process.env.COHORT_BENCH_TORCH_TIMEOUT) || 240) });
  if (r.status !== 0) return { skipped: `PyTorch run failed: ${(r.stderr || r.error?.message || '').split('\n').slice(-4).join(' | ')}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

console.log(`Cohort CUDA engine benchmark — ${new Date().toISOString()}`);
console.log(`device: ${dev.name} (compute ${dev.computeCapability}, ${(dev.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB); archs ${info.cudaArchs.join(',')}`);
console.log(`precision ${precision}; seq ${T}; model FLOPs/token = 6*(N - V*d) + 6*L*d*T; best of ${steps} timed steps after 1 warm-up`);
console.log(peak ? `MFU against ${peak} TFLOP/s (dense bf16 peak for this GPU)` : `no peak known for '${dev.name}': MFU not reported`);

const COLS = ['config', 'cohort train tok/s', 'cohort MFU', 'torch train tok/s', 'torch MFU', 'cohort/torch', 'cohort score tok/s', 'torch score tok/s', 'cohort gen tok/s', 'torch gen tok/s'];
const lines = [`| ${COLS.join(' | ')} |`, `|${COLS.map(() => '---').join('|')}|`];
for (const c of CONFIGS.filter((x) => x.name.includes(only))) {
  console.log(`running ${c.name} ...`);
  const co = cohort(c);
  const pt = torch(c, co.B);
  if (pt.skipped) console.log(`  PyTorch baseline unavailable: ${pt.skipped}`);
  const tok = co.B * T, f = flopsPerToken(c, co.numParams);
  const mfu = (sec) => (peak ? `${((100 * f * tok) / sec / 1e12 / peak).toFixed(1)}%` : 'n/a');
  const row = [
    `${c.name} B${co.B} T${T}`,
    (tok / co.train).toFixed(0),
    mfu(co.train),
    pt.sec_per_step ? (tok / pt.sec_per_step).toFixed(0) : 'n/a',
    pt.sec_per_step ? mfu(pt.sec_per_step) : 'n/a',
    pt.sec_per_step ? `${(pt.sec_per_step / co.train).toFixed(2)}x` : 'n/a',
    (tok / co.score).toFixed(0),
    pt.score_sec ? (tok / pt.score_sec).toFixed(0) : 'n/a',
    (co.genTokens / co.gen).toFixed(0),
    pt.gen_sec ? (co.genTokens / pt.gen_sec).toFixed(0) : 'n/a',
  ];
  lines.push(`| ${row.join(' | ')} |`);
  console.log(lines.slice(0, 2).concat(lines.at(-1)).join('\n'));  // each row as soon as it is measured
}
console.log(`\nsummary (cohort/torch = PyTorch step time / Cohort step time):\n${lines.join('\n')}`);
