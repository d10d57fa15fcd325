import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { CohortTokenizer } from '@cohort/data';
import { getPreset, GPTNeoX } from '@cohort/model';
import { engineScorer, evaluateTask, getTask } from '../src';
import { SHARED } from './helpers';

// An untrained model knows nothing: on the multiple-choice benchmarks it must score at chance
// (within three standard errors), whole data sets, Pythia's tokenizer, the real engine. A
// systematic bias in prompt building or scoring (e.g. a length effect leaking into acc) shows here.
const skip = SHARED ? false : 'shared data absent: set COHORT_SHARED_DATA';

/** Mean over documents of 1 / number of choices: the accuracy of guessing. */
function chance(task: string): number {
  const t = getTask(task)!;
  const docs = t.load(t.files({ sharedDataDir: SHARED }) as string[]);
  const choices = docs.map((d) => t.requests(d, '').length);
  return choices.reduce((s, n) => s + 1 / n, 0) / choices.length;
}

test('an untrained checkpoint is at chance on piqa, arc_easy and winogrande', { skip }, async () => {
  const tokenizer = CohortTokenizer.load(path.join(SHARED!, 'gpt_neox_20b_tokenizer', 'tokenizer.json'));
  const model = GPTNeoX.create(getPreset('cpu-tiny').model, { seed: 7 });
  try {
    for (const task of ['piqa', 'arc_easy', 'winogrande']) {
      const r = await evaluateTask(task, { tokenizer, scorer: engineScorer(model), data: { sharedDataDir: SHARED } });
      const acc = r.metrics.find((m) => m.metric === 'acc')!;
      const expected = chance(task);
      assert.ok(Math.abs(acc.value - expected) < 3 * acc.stderr!, `${task}: acc ${acc.value.toFixed(4)} ± ${acc.stderr!.toFixed(4)} vs chance ${expected.toFixed(4)}`);
    }
  } finally {
    model.dispose();
  }
});
