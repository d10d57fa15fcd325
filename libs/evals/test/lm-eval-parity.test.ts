// Cohort's evaluation against lm-evaluation-harness itself: the goldens in golden/lm-eval/ are
// lm-eval 0.4.9's HFLM (fp32, CPU) run on fixtures/parity-model over the same local data
// (tools/evals/lm_eval_reference.py, tools/evals/make_goldens.sh). Per request: the same prompt
// strings, token counts, log-likelihood within `llTolerance` and is_greedy; per metric: lm-eval's
// value and stderr (see `tolerance`).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CohortTokenizer, sha256Hex as sha256, sharedDataDir } from '@cohort/data';
import { importHf } from '@cohort/model';
import type { MetricValue, RequestRecord, TaskDataSource, TaskResult } from '../src/contracts';
import { evaluateTask, taskPrompts } from '../src/evaluate';
import { encodePair } from '../src/requests';
import { engineScorer } from '../src/scorer/engine-scorer';

const TEST_DIR = path.resolve(__dirname, '..', '..', 'test');
const MODEL_DIR = path.join(TEST_DIR, 'fixtures', 'parity-model');
const GOLDEN_DIR = path.join(TEST_DIR, 'golden', 'lm-eval');
const SHARED = sharedDataDir();

interface GoldenRequest {
  doc: number;
  index: number;
  /** sha256 of the strings (the goldens hold no benchmark text); absent for rolling windows, which lm-eval cuts from token ids. */
  contextSha256?: string;
  continuationSha256?: string;
  /** As tokenized; scoredContextTokens after lm-eval's left truncation to the model's length. */
  contextTokens: number;
  scoredContextTokens: number;
  continuationTokens: number;
  loglikelihood: number;
  isGreedy: boolean;
}

interface GoldenMetric {
  metric: string;
  value: number;
  stderr: number | null;
  /** How lm-eval computed the stderr: sample stddev / sqrt(n), a bootstrap, or none ("N/A"). */
  stderrKind: 'mean' | 'bootstrap' | null;
}

interface Golden {
  task: string;
  version: string;
  shots: number;
  limit: number | null;
  n: number;
  versions: Record<string, string>;
  settings: { bootstrapIters: number; fewshotSeed: number };
  metrics: GoldenMetric[];
  requests: GoldenRequest[];
}

/**
 * 1e-4, plus 4 fp32 ulps of the value: lm-eval returns each log-likelihood as an fp32 sum, so a
 * 256-token WikiText window near -1500 is itself only resolved to 1.2e-4 (its ulp) there.
 */
function llTolerance(ll: number): number {
  const ulp32 = 2 ** (Math.floor(Math.log2(Math.abs(ll) || 1)) - 23);
  return 1e-4 + 4 * ulp32;
}
/** Fractions of documents: the same decisions give the same value to the last bit. */
const COUNTED = new Set(['acc', 'acc_norm', 'pct_stereotype']);
/**
 * Relative tolerance of a metric's value and of its stderr. Counted metrics and their stderrs are
 * exact: the same decisions summed in the same order. The rest are smooth in the log-likelihoods,
 * which agree to ~1e-5 (two fp32 engines): 1e-4 for values (measured: ≤ 6e-8), 1e-6 for
 * mean_stderr (measured: ≤ 2e-7). The perplexity bootstrap is lm-eval's own resampling
 * (Random(i).choices per chunk of 1000, python-random.ts), so it agrees as closely (measured:
 * 1e-8); 1e-5 rather than the ~10% two different RNGs would need.
 */
function tolerance(m: GoldenMetric): { value: number; stderr: number } {
  if (COUNTED.has(m.metric)) return { value: 0, stderr: 0 };
  return { value: 1e-4, stderr: m.stderrKind === 'bootstrap' ? 1e-5 : 1e-6 };
}

const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE));

function readGoldens(): Golden[] {
  return fs
    .readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as Golden);
}

/** Every difference between lm-eval's requests and ours, and the largest |Δ loglikelihood|. */
function compareRequests(want: GoldenRequest[], got: RequestRecord[]): { problems: string[]; maxDll: number } {
  const problems: string[] = [];
  let maxDll = 0;
  if (got.length !== want.length) problems.push(`${got.length} requests, lm-eval scored ${want.length}`);
  want.slice(0, got.length).forEach((w, i) => {
    const g = got[i];
    const at = `doc ${w.doc} #${w.index}`;
    if (g.doc !== w.doc || g.index !== w.index) problems.push(`request ${i}: doc ${g.doc} #${g.index}, lm-eval has ${at}`);
    if (g.contextTokens !== w.scoredContextTokens || g.continuationTokens !== w.continuationTokens)
      problems.push(`${at}: ${g.contextTokens}+${g.continuationTokens} tokens scored, lm-eval ${w.scoredContextTokens}+${w.continuationTokens}`);
    const dll = Math.abs(g.logprob - w.loglikelihood);
    maxDll = Math.max(maxDll, dll);
    if (!(dll <= llTolerance(w.loglikelihood))) problems.push(`${at}: loglikelihood ${g.logprob} vs lm-eval ${w.loglikelihood} (Δ ${dll.toExponential(2)})`);
    if (g.isGreedy !== w.isGreedy) problems.push(`${at}: isGreedy ${g.isGreedy} vs lm-eval ${w.isGreedy}`);
  });
  return { problems, maxDll };
}

/** "metric Δvalue/Δstderr" relative differences, for the test log (and the README's table). */
function metricDeltas(want: GoldenMetric[], got: MetricValue[]): string {
  return want
    .map((w) => {
      const g = got.find((m) => m.metric === w.metric);
      if (!g) return `${w.metric} missing`;
      const se = w.stderr === null || g.stderr === null ? '-' : relErr(g.stderr, w.stderr).toExponential(1);
      return `${w.metric} ${relErr(g.value, w.value).toExponential(1)}/${se}`;
    })
    .join(', ');
}

function compareMetrics(want: GoldenMetric[], got: MetricValue[]): string[] {
  const problems: string[] = [];
  if (got.map((m) => m.metric).join() !== want.map((m) => m.metric).join())
    problems.push(`metrics ${got.map((m) => m.metric).join(', ')}; lm-eval reports ${want.map((m) => m.metric).join(', ')}`);
  for (const w of want) {
    const g = got.find((m) => m.metric === w.metric);
    if (!g) continue;
    const tol = tolerance(w);
    if (!(relErr(g.value, w.value) <= tol.value)) problems.push(`${w.metric} ${g.value} vs lm-eval ${w.value} (rel ${relErr(g.value, w.value).toExponential(2)})`);
    if (w.stderr === null || g.stderr === null) {
      if (w.stderr !== g.stderr) problems.push(`${w.metric} stderr ${g.stderr} vs lm-eval ${w.stderr}`);
    } else if (!(relErr(g.stderr, w.stderr) <= tol.stderr)) {
      problems.push(`${w.metric} ${w.stderrKind} stderr ${g.stderr} vs lm-eval ${w.stderr} (rel ${relErr(g.stderr, w.stderr).toExponential(2)})`);
    }
  }
  return problems;
}

/** Few differences in full, the rest counted: one wrong rule usually breaks hundreds of requests. */
function report(problems: string[]): string {
  const shown = problems.slice(0, 8).join('\n  ');
  return problems.length > 8 ? `${shown}\n  … and ${problems.length - 8} more` : shown;
}

describe('parity with lm-evaluation-harness 0.4.9 (golden/lm-eval)', { skip: SHARED ? false : 'the shared data folder (../shared/data or $COHORT_SHARED_DATA) is absent' }, () => {
  if (!SHARED) return;
  const data: TaskDataSource = { sharedDataDir: SHARED };
  const tokenizer = CohortTokenizer.load(path.join(MODEL_DIR, 'tokenizer.json'));
  const model = importHf(MODEL_DIR);
  const scorer = engineScorer(model);

  for (const golden of readGoldens()) {
    const limit = golden.limit ?? undefined;
    describe(`${golden.task} ${golden.shots}-shot (n=${golden.n}, lm_eval ${golden.versions.lm_eval})`, () => {
      let result: TaskResult;
      it('scores the same documents with the task version lm-eval has', async () => {
        result = await evaluateTask(golden.task, { tokenizer, scorer, data, shots: golden.shots, limit, fewshotSeed: golden.settings.fewshotSeed });
        assert.equal(result.n, golden.n);
        assert.equal(result.version, golden.version);
      });

      it('builds the same prompt strings and tokenizes them to the same lengths', async (t) => {
        const { task, requests: byDoc } = taskPrompts(golden.task, data, golden.shots, limit, golden.settings.fewshotSeed);
        if (task.outputType === 'loglikelihood_rolling') return t.skip('rolling windows are token ids in lm-eval: compared by count below');
        const problems: string[] = [];
        for (const w of golden.requests) {
          const r = byDoc[w.doc]?.[w.index];
          if (!r || 'rolling' in r) {
            problems.push(`doc ${w.doc} #${w.index}: no such request`);
            continue;
          }
          if (sha256(r.context) !== w.contextSha256 || sha256(r.continuation) !== w.continuationSha256)
            problems.push(`doc ${w.doc} #${w.index}: ${JSON.stringify(r.context.slice(-60))} + ${JSON.stringify(r.continuation)} is not the text lm-eval scored`);
          else {
            const ids = await encodePair(tokenizer, r.context, r.continuation);
            if (ids.context.length !== w.contextTokens || ids.continuation.length !== w.continuationTokens)
              problems.push(`doc ${w.doc} #${w.index}: tokenized ${ids.context.length}+${ids.continuation.length}, lm-eval ${w.contextTokens}+${w.continuationTokens}`);
          }
        }
        assert.equal(problems.length, 0, report(problems));
      });

      it('gives every request the same tokens, loglikelihood (±1e-4 + 4 fp32 ulps) and is_greedy', (t) => {
        assert.ok(result, 'evaluation failed');
        const { problems, maxDll } = compareRequests(golden.requests, result.requests);
        t.diagnostic(`${golden.requests.length} requests, max |Δ loglikelihood| ${maxDll.toExponential(2)}`);
        assert.equal(problems.length, 0, report(problems));
      });

      it("reports lm-eval's metrics and stderrs", (t) => {
        assert.ok(result, 'evaluation failed');
        t.diagnostic(`relative Δ value/stderr: ${metricDeltas(golden.metrics, result.metrics)}`);
        const problems = compareMetrics(golden.metrics, result.metrics);
        assert.equal(problems.length, 0, report(problems));
      });
    });
  }
});
