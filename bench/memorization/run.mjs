#!/usr/bin/env node
// Memorization-scan throughput (Pythia §4: 32-token prompt, 32-token greedy continuation, score =
// continuation tokens equal to the true ones) of Cohort's engine vs HF transformers
// (GPTNeoXForCausalLM.generate, greedy, do_sample=False, batched, KV cache, fp32) on the same
// checkpoint, windows, batch size and threads, side by side.
// The windows are the scan's own: sequence-start windows of a data order built on a random-token
// dataset (vocabulary 50,277), listed and persisted by apps/gpu-worker's memorization code; HF reads
// them from the same windows.safetensors. The checkpoint is a preset's shape, freshly initialised
// with a fixed seed (throughput does not depend on the weights), saved once in the HF layout and
// loaded by both. Timed on both sides: every batch's greedy generation plus the comparison, best of
// N passes after a warm-up; loading is not timed. Both engines' scores are compared at the end.
// Usage: node bench/memorization/run.mjs [--presets cpu-small,cpu-medium] [--windows 256]
//          [--batch 64[,128…]] [--prompt 32] [--continuation 32] [--repeats 3] [--no-hf]
// Needs `npx tsc -b apps/gpu-worker`, the native addon, and torch + transformers in .venv.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rerunWithoutPinnedBlas } from '../lib/unpinned-blas.mjs';

const here = dirname(fileURLToPath(import.meta.url));

rerunWithoutPinnedBlas();

const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const m = require(join(root, 'libs', 'model'));
const d = require(join(root, 'libs', 'data'));
const mem = require(join(root, 'apps', 'gpu-worker', 'dist', 'src', 'memorization'));

const args = process.argv.slice(2);

// Child mode: write a preset's freshly initialised checkpoint and exit. The benchmark process
// itself then only loads checkpoints, as a scan worker does: initialising weights runs OpenMP on
// the main thread, and a second OpenMP thread team in the process makes libgomp throttle its
// spin-waits (more OpenMP threads than cores), slowing every later parallel region ~15%.
if (args[0] === '--write-checkpoint') {
  const model = m.GPTNeoX.create(m.getPreset(args[2]).model, { seed: 1, threads: m.defaultThreads() });
  m.saveCheckpoint(args[1], model);
  model.dispose();
  process.exit(0);
}

const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const presets = opt('--presets', 'cpu-small,cpu-medium').split(',');
const numWindows = Number(opt('--windows', 256));
const batches = opt('--batch', '64').split(',').map(Number);
const P = Number(opt('--prompt', 32));
const C = Number(opt('--continuation', 32));
const repeats = Number(opt('--repeats', 3));
const withHf = !args.includes('--no-hf');
const threads = m.defaultThreads();
const TOKENIZER_VOCAB = 50277; // Pythia's tokenizer: the ids a real corpus would use

/** Random documents over the vocabulary → a token dataset → a cohort data order → the scan's windows. */
async function planWindows(work, seqLength) {
  const prefix = join(work, 'tokens');
  const w = new d.IndexedDatasetWriter(prefix, 'uint16');
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 4) % TOKENIZER_VOCAB;
  let tokens = 0;
  while (tokens < (numWindows + 8) * (seqLength + 1)) {
    const len = 50 + (rnd() % 400);
    w.addDocument([...Array.from({ length: len }, () => 1 + (rnd() % (TOKENIZER_VOCAB - 1))), 0]);
    tokens += len + 1;
  }
  w.finish();
  const orderDir = join(work, 'order');
  d.buildDataOrder({ dataset: prefix, outDir: orderDir, seqLength, globalBatch: 8, seed: 1, numSamples: Math.ceil(numWindows / 8) * 8, mode: 'cohort' });
  const order = d.openDataOrder(orderDir);
  const list = await mem.sequenceStartWindows(mem.sampleSource(order), numWindows, P, C);
  const scanDir = join(work, 'scan');
  mem.saveWindowList(scanDir, list, { windows: 'sequence-start', sequences: 'all', shardSize: numWindows, step: 0, sequencesScanned: numWindows, orderHash: order.manifest.hash });
  order.close();
  return { list, windowsFile: join(scanDir, mem.WINDOWS_FILE) };
}

async function cohort(dir, list, batch) {
  const model = m.importHf(dir, { threads });
  try {
    await mem.scoreWindows(model, { ...list, count: Math.min(batch, list.count), tokens: list.tokens.subarray(0, Math.min(batch, list.count) * (P + C)) }, batch); // warm-up
    let best = Infinity, scores;
    for (let i = 0; i < repeats; i++) {
      const t0 = process.hrtime.bigint();
      scores = await mem.scoreWindows(model, list, batch);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return { sec: best, scores };
  } finally {
    model.dispose();
  }
}

function hf(dir, windowsFile, batch) {
  const py = join(root, '.venv', 'bin', 'python');
  if (!withHf || !existsSync(py)) return null;
  const r = spawnSync(py, [join(here, 'hf_generate_bench.py'), dir, windowsFile, P, C, threads, batch, repeats].map(String), {
    encoding: 'utf8',
    env: { ...process.env, TQDM_DISABLE: '1', TOKENIZERS_PARALLELISM: 'false', TRANSFORMERS_VERBOSITY: 'error' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    console.error(`HF run failed:\n${r.stderr.split('\n').slice(-8).join('\n')}`);
    return null;
  }
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return line ? JSON.parse(line) : null;
}

const info = m.backendInfo();
console.log(`Cohort memorization-scan benchmark — ${new Date().toISOString()}`);
console.log(`threads ${threads} (torch.set_num_threads(${threads})); BLAS: ${info.blas}`);
if (process.env.COHORT_BENCH_REEXEC) console.log(`note: unset ${process.env.COHORT_BENCH_REEXEC} for this run so OpenBLAS picks its kernel by CPU detection`);
console.log(`${numWindows} sequence-start windows, prompt ${P} + greedy continuation ${C}, batch ${batches.join(', ')} (same on both sides); random init seed 1, fp32; best of ${repeats} after a warm-up\n`);

const rows = [];
for (const name of presets) {
  const preset = m.getPreset(name);
  const work = mkdtempSync(join(tmpdir(), 'cohort-memorization-bench-'));
  try {
    const dir = join(work, 'checkpoint');
    const w = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--write-checkpoint', dir, name], { stdio: 'inherit', env: process.env });
    if (w.status !== 0) throw new Error(`writing the ${name} checkpoint failed`);
    const { list, windowsFile } = await planWindows(work, Math.max(preset.seqLen, P + C));
    for (const batch of batches) {
      const c = await cohort(dir, list, batch);
      console.log(`  cohort ${name} batch ${batch}: ${c.sec.toFixed(3)} s (${(numWindows / c.sec).toFixed(1)} windows/s)`);
      const h = hf(dir, windowsFile, batch);
      if (h) console.log(`  hf     ${name} batch ${batch}: ${h.sec.toFixed(3)} s (${(numWindows / h.sec).toFixed(1)} windows/s)`);
      const same = h ? h.scores.filter((s, i) => s === c.scores[i]).length : null;
      const mc = preset.model;
      rows.push({
        model: `${name} (d${mc.hiddenSize} L${mc.numLayers} H${mc.numHeads}, vocab ${mc.vocabSize})`,
        batch,
        windows: numWindows,
        'cohort seq/s': (numWindows / c.sec).toFixed(1),
        'hf seq/s': h ? (numWindows / h.sec).toFixed(1) : 'n/a',
        'cohort/hf': h ? `${(h.sec / c.sec).toFixed(2)}x` : 'n/a',
        'same scores': h ? `${same}/${numWindows}` : 'n/a',
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const cols = Object.keys(rows[0]);
console.log(`\n| ${cols.join(' | ')} |`);
console.log(`|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((k) => r[k]).join(' | ')} |`);
