import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidSuiteSpecError, termFrequencyOperations, validateAnalysesRequest, validateSuiteSpec, type TermFrequencyAnalysis } from '../src';
import { minimal } from './bad-specs';

const synthetic = { ...minimal, corpus: { kind: 'synthetic', arithmetic: { facts: 100 } }, steps: 100, checkpoints: { kind: 'every', every: 50 } };

test("an analysis named by its kind gets the paper's defaults; parameters given override them", () => {
  const spec = validateSuiteSpec({ ...synthetic, analyses: ['memorization', { kind: 'term-frequency', template: 'synthetic', shots: [0, 4], x1: [0, 19], top: 5 }] });
  assert.deepEqual(spec.analyses[0], {
    kind: 'memorization', checkpoints: 'final', prompt: 32, continuation: 32, windows: 'sequence-start', sequences: 'seen', binSize: 512, batchSize: 64, shardSize: 4096,
  });
  const tf = spec.analyses[1] as TermFrequencyAnalysis;
  assert.deepEqual([tf.shots, tf.x1, tf.x2, tf.windowWords, tf.top], [[0, 4], [0, 19], [1, 50], 3, 5]);
  assert.deepEqual(termFrequencyOperations(tf), ['plus'], 'the planted facts are sums');
  assert.deepEqual(termFrequencyOperations({ ...tf, template: 'pythia' }), ['plus', 'times']);
  // A validated spec validates again unchanged (the API stores it, the workers re-read it).
  assert.deepEqual(validateSuiteSpec(spec), spec);
});

test('seeds: optional, unique; the spec stays valid with one seed or none', () => {
  assert.equal(validateSuiteSpec(minimal).seeds, undefined);
  assert.deepEqual(validateSuiteSpec({ ...minimal, seeds: [3, 1, 2], analyses: ['stability'] }).seeds, [3, 1, 2]);
});

test('a request for more analyses is checked against the suite it is for, at field paths', () => {
  const spec = validateSuiteSpec(synthetic);
  const issues = (body: unknown) => {
    try {
      validateAnalysesRequest(body, spec);
    } catch (err) {
      assert.ok(err instanceof InvalidSuiteSpecError);
      return err.issues.map((i) => i.path);
    }
    return [];
  };
  assert.deepEqual(validateAnalysesRequest({ analyses: ['bias'] }, spec), [{ kind: 'bias' }]);
  assert.deepEqual(issues({ analyses: [] }), ['analyses']);
  assert.deepEqual(issues({}), ['analyses']);
  assert.deepEqual(issues({ analyses: ['bias', { kind: 'memorization', early: 7 }] }), ['analyses[1].early']);
  assert.deepEqual(issues({ analyses: [{ kind: 'memorization', checkpoints: { steps: [50, 60] } }] }), ['analyses[0].checkpoints.steps[1]']);
  assert.deepEqual(issues({ analyses: [{ kind: 'term-frequency', shots: [0, 16], x1: [0, 0], x2: [1, 5], top: 1 }] }), ['analyses[0].shots', 'analyses[0].top']);
  assert.deepEqual(issues({ analyses: ['stability'] }), ['analyses[0].kind']);
});
