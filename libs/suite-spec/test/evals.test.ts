import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '@cohort/data';
import { evalSteps, expandEvals, InvalidSuiteSpecError, pythiaReferenceSteps, validateEvalsRequest, validateSuiteSpec } from '../src';
import { minimal } from './bad-specs';

const issuesOf = (fn: () => unknown): { path: string; message: string }[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidSuiteSpecError, String(err));
    return err.issues;
  }
  assert.fail('expected an InvalidSuiteSpecError');
};

test('the list form of evals means those tasks, 0-shot, on every checkpoint', () => {
  const spec = validateSuiteSpec({ ...minimal, evals: ['piqa', 'lambada_openai'] });
  assert.deepEqual(expandEvals(spec.evals), {
    tasks: [{ task: 'piqa', shots: 0 }, { task: 'lambada_openai', shots: 0 }],
    checkpoints: 'all',
  });
  assert.deepEqual(expandEvals(validateSuiteSpec(minimal).evals).tasks, []);
});

test('the block form expands each task into one entry per shot count, with its limit', () => {
  const spec = validateSuiteSpec({
    ...minimal,
    evals: { tasks: ['piqa', { task: 'arc_easy', shots: [0, 5], limit: 50 }], shots: [0, 5], limit: 100, checkpoints: { every: 4 }, placement: 'eval' },
  });
  assert.deepEqual(expandEvals(spec.evals), {
    tasks: [
      { task: 'piqa', shots: 0, limit: 100 },
      { task: 'piqa', shots: 5, limit: 100 },
      { task: 'arc_easy', shots: 0, limit: 50 },
      { task: 'arc_easy', shots: 5, limit: 50 },
    ],
    checkpoints: { every: 4 },
    placement: 'eval',
  });
});

test('checkpoint selections pick from the steps a run writes', () => {
  const written = [0, 1, 2, 4, 8, 10, 20, 30, 33];
  const plan = (checkpoints: any) => ({ tasks: [{ task: 'piqa', shots: 0 }], checkpoints });
  const pythia = pythiaReferenceSteps(33);
  assert.deepEqual(evalSteps(plan('all'), written, pythia), written);
  assert.deepEqual(evalSteps(plan('final'), written, pythia), [33]);
  assert.deepEqual(evalSteps(plan({ every: 10 }), written, pythia), [0, 10, 20, 30, 33]);
  assert.deepEqual(evalSteps(plan({ steps: [2, 20] }), written, pythia), [2, 20]);
  // Pythia's set at 33 steps: 0, 1 (log-spaced part scaled to one step), every step, and the last.
  assert.deepEqual(evalSteps(plan('pythia'), written, [0, 1, 33]), [0, 1, 33]);
  assert.deepEqual(evalSteps({ tasks: [], checkpoints: 'all' }, written, pythia), [], 'no tasks, nothing to evaluate');
});

test('with checkPaths, a task whose data file is missing is rejected at its field path', (t) => {
  const saved = process.env.COHORT_SHARED_DATA;
  const empty = mkdtempSync(join(tmpdir(), 'cohort-no-data-'));
  process.env.COHORT_SHARED_DATA = empty;
  t.after(() => {
    if (saved === undefined) delete process.env.COHORT_SHARED_DATA;
    else process.env.COHORT_SHARED_DATA = saved;
    rmSync(empty, { recursive: true, force: true });
  });
  const spec = { ...minimal, evals: ['synthetic_arithmetic', 'piqa'] };
  validateSuiteSpec(spec); // a remote CLI cannot see the server's data
  const issues = issuesOf(() => validateSuiteSpec(spec, { checkPaths: { dataRoots: [empty] } }));
  assert.deepEqual(issues.map((i) => i.path), ['evals.tasks[1]']);
  assert.match(issues[0].message, /piqa|valid/i);
});

test('a re-evaluation request is checked against its suite', { skip: sharedDataDir() ? false : 'needs ../shared/data' }, () => {
  const suite = validateSuiteSpec({ ...minimal, corpus: { kind: 'files', paths: ['corpus.txt'] }, checkpoints: { kind: 'list', steps: [4, 8] } });
  assert.deepEqual(validateEvalsRequest({ tasks: ['piqa'], checkpoints: 'final' }, suite).tasks, [{ task: 'piqa', shots: 0 }]);
  const paths = (body: unknown) => issuesOf(() => validateEvalsRequest(body, suite)).map((i) => i.path);
  assert.deepEqual(paths({ tasks: ['piqa'], checkpoints: { steps: [5] } }), ['checkpoints.steps[0]']);
  assert.deepEqual(paths({ tasks: ['synthetic_pronoun'] }), ['tasks[0]']);
  assert.deepEqual(paths({ tasks: [{ task: 'wikitext', shots: 5 }] }), ['tasks[0]']);
  assert.deepEqual(paths({ tasks: [] }), ['tasks']);
  assert.deepEqual(paths({ tasks: ['piqa', 'no_such_task'] }), ['tasks[1]'], 'reported once');
  assert.deepEqual(paths({ tasks: ['piqa'], colour: 1 }), ['']);
});
