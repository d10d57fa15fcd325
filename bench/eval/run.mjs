#!/usr/bin/env node
// Evaluation throughput of Cohort (evaluateTask over engineScorer) vs lm-evaluation-harness's HF
// backend (HFLM over GPTNeoXForCausalLM, fp32 eager/SDPA) on the same checkpoint, tasks, documents
// and threads, side by side. The checkpoint is pythia-70m-shaped (d512, 6 layers, vocab 50304,
// 2048 positions), freshly initialised with a fixed seed (throughput does not depend on the
// weights), with the Pythia tokenizer; it is written to a temp dir and loaded by both.
// Timed on both sides: a whole task evaluation (prompts, tokenization, forward passes, metrics;
// bootstrap stderrs off), best of N after one warm-up; model loading is not timed.
// Usage: node bench/eval/run.mjs [--limit N] [--repeats N] [--only task,task] [--hf-batch B] [--no-lm-eval]
// Needs `npx tsc -b libs/evals`, the native addon, ../shared/data, and lm_eval 0.4.9 in .venv.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
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
const { evaluateTask } = require(join(root, 'libs', 'evals', 'dist', 'src', 'evaluate'));
const { engineScorer } = require(join(root, 'libs', 'evals', 'dist', 'src', 'scorer', 'engine-scorer'));

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const limit = Number(opt('--limit', 100));
const repeats = Number(opt('--repeats', 3));
const hfBatch = Number(opt('--hf-batch', 32));
const tasks = opt('--only', 'lambada_openai,piqa,arc_easy,arc_challenge,sciq,winogrande').split(',');
const withLmEval = !args.includes('--no-lm-eval');
const threads = m.defaultThreads();

const shared = d.sharedDataDir();
if (!shared) throw new Error('the shared data folder (../shared/data or $COHORT_SHARED_DATA) is needed');
const PYTHIA_TOKENIZER = join(shared, 'gpt_neox_20b_tokenizer', 'tokenizer.json');

function writeCheckpoint(dir) {
  const model = m.GPTNeoX.create(m.getPreset('pythia-70m').model, { seed: 1, threads });
  m.saveCheckpoint(dir, model);
  model.dispose();
  copyFileSync(PYTHIA_TOKENIZER, join(dir, 'tokenizer.json'));
}

async function cohort(dir) {
  const model = m.importHf(dir, { threads });
  const tokenizer = d.CohortTokenizer.load(join(dir, 'tokenizer.json'));
  const opts = { tokenizer, scorer: engineScorer(model), data: { sharedDataDir: shared }, limit, bootstrapIters: 0 };
  const out = {};
  for (const task of tasks) {
    let best = Infinity, result;
    for (let i = 0; i <= repeats; i++) {
      const t0 = process.hrtime.bigint();
      result = await evaluateTask(task, opts);
      const sec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (i > 0) best = Math.min(best, sec); // i = 0 is the warm-up
    }
    out[task] = { sec: best, requests: result.requests.length, docs: result.n };
    console.log(`  cohort  ${task}: ${best.toFixed(3)} s`);
  }
  model.dispose();
  return out;
}

function lmEval(dir) {
  const py = join(root, '.venv', 'bin', 'python');
  if (!withLmEval || !existsSync(py)) return null;
  const r = spawnSync(py, [join(here, 'lm_eval_bench.py'), dir, tasks.join(','), limit, threads, hfBatch, repeats].map(String), {
    encoding: 'utf8',
    env: { ...process.env, TQDM_DISABLE: '1', TOKENIZERS_PARALLELISM: 'false' },
  });
  if (r.status !== 0) {
    console.error(`lm-eval run failed:\n${r.stderr.split('\n').slice(-8).join('\n')}`);
    return null;
  }
  const out = {};
  for (const line of r.stdout.trim().split('\n').filter((l) => l.startsWith('{'))) {
    const j = JSON.parse(line);
    out[j.task] = j;
    console.log(`  lm-eval ${j.task}: ${j.sec.toFixed(3)} s`);
  }
  return out;
}

const info = m.backendInfo();
console.log(`Cohort evaluation benchmark — ${new Date().toISOString()}`);
console.log(`threads ${threads} (torch.set_num_threads(${threads})); BLAS: ${info.blas}`);
if (process.env.COHORT_BENCH_REEXEC) console.log(`note: unset ${process.env.COHORT_BENCH_REEXEC} for this run so OpenBLAS picks its kernel by CPU detection`);
console.log(`checkpoint: pythia-70m shape (d512 L6 H8, vocab 50304, 2048 positions), random init seed 1, fp32; tokenizer: Pythia's (gpt_neox_20b_tokenizer)`);
console.log(`tasks: ${tasks.join(', ')}; first ${limit} documents, 0-shot; best of ${repeats} after 1 warm-up; lm-eval HFLM batch size ${hfBatch}\n`);

const work = mkdtempSync(join(tmpdir(), 'cohort-eval-bench-'));
try {
  const dir = join(work, 'checkpoint');
  writeCheckpoint(dir);
  const co = await cohort(dir);
  const lm = lmEval(dir);
  const rows = tasks.map((t) => {
    const c = co[t], l = lm?.[t];
    return {
      task: t,
      docs: c.docs,
      requests: c.requests + (l && l.requests !== c.requests ? ` (lm-eval ${l.requests})` : ''),
      'cohort req/s': (c.requests / c.sec).toFixed(1),
      'cohort ex/s': (c.docs / c.sec).toFixed(1),
      'lm-eval req/s': l ? (l.requests / l.sec).toFixed(1) : 'n/a',
      'lm-eval ex/s': l ? (l.docs / l.sec).toFixed(1) : 'n/a',
      'cohort/lm-eval': l ? `${(l.sec / c.sec).toFixed(2)}x` : 'n/a',
    };
  });
  const cols = Object.keys(rows[0]);
  console.log(`\n| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${cols.map((k) => r[k]).join(' | ')} |`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
