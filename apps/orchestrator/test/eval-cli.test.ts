import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CohortTokenizer, sharedDataDir } from '@cohort/data';
import { engineScorer, evaluateTask } from '@cohort/evals';
import { importHf } from '@cohort/model';
import { repoRoot } from './support/processes';

// `cohort eval DIR`: any HF GPT-NeoX directory evaluated from the command line, no services.
const model = join(repoRoot, 'libs/evals/test/fixtures/parity-model');
const skip = sharedDataDir() ? false : 'needs ../shared/data (the benchmark files)';
const cohort = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'apps/orchestrator/dist/src/cli/main.js'), ...args], { encoding: 'utf8' });

test('prints lm-eval\'s table, and as JSON the values evaluateTask computes', { skip }, async () => {
  const table = cohort('eval', model, '--tasks', 'piqa,lambada_openai', '--limit', '8');
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /^\|Tasks +\|Version\|n-shot\|Metric +\| +Value\| \| +Stderr\|$/);
  assert.deepEqual(lines.slice(2).map((l) => l.split('|')[4].trim()), ['acc', 'acc_norm', 'perplexity', 'acc']);

  const json = cohort('eval', model, '--tasks', 'piqa', '--limit', '8', '--shots', '1', '--json');
  assert.equal(json.status, 0, json.stderr);
  const [printed] = JSON.parse(json.stdout);
  const m = importHf(model);
  try {
    const tokenizer = CohortTokenizer.load(join(model, 'tokenizer.json'));
    const direct = await evaluateTask('piqa', { tokenizer, scorer: engineScorer(m), data: { sharedDataDir: sharedDataDir() }, shots: 1, limit: 8 });
    assert.deepEqual(printed.metrics, direct.metrics);
    assert.equal(printed.n, 8);
    assert.equal(printed.requests, undefined, 'per-request records stay out of the terminal');
  } finally {
    m.dispose();
  }
});

test('bad arguments are refused with the reason, before any model is loaded', () => {
  const cases: Array<[string[], RegExp]> = [
    [['eval', model, '--tasks', 'no_such_task'], /unknown task 'no_such_task'/],
    [['eval', model, '--tasks', 'piqa', '--limit', '0'], /--limit must be at least 1/],
    [['eval', model, '--tasks', 'wikitext', '--shots', '2'], /wikitext/],
    [['eval', '/no/such/dir', '--tasks', 'piqa'], /no tokenizer at \/no\/such\/dir\/tokenizer.json/],
    [['eval', model], /give --tasks/],
  ];
  for (const [args, message] of cases) {
    const r = cohort(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
  }
});
