import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregate, argmax, bitsPerByte, bootstrapStderr, mean, meanStderr, perplexity, sampleStddev, weightedPerplexity } from '../src/metrics';
import { choiceAccuracy } from '../src/task';
import { readGolden } from './helpers';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('mean, sample stddev and mean stderr by hand', () => {
  const xs = [1, 0, 1, 1]; // mean 0.75; squared deviations 1/16 ×3 + 9/16 = 12/16; /3 = 0.25
  assert.equal(mean(xs), 0.75);
  assert.equal(sampleStddev(xs), 0.5);
  assert.equal(meanStderr(xs), 0.25);
});

test('perplexity, weighted perplexity and bits per byte by hand', () => {
  close(perplexity([-1, -3]), Math.exp(2));
  // Σll = -6 over 4 words / 12 bytes
  const items: [number, number][] = [[-2, 1], [-4, 3]];
  close(weightedPerplexity(items), Math.exp(6 / 4));
  close(bitsPerByte(items.map(([ll]) => [ll, 6] as [number, number])), 6 / 12 / Math.LN2);
});

test('mean stderr and the perplexity bootstrap equal lm-eval 0.4.9 (its own functions, Python golden)', () => {
  const g = readGolden('python-random.json');
  const m = g.lm_eval_mean_stderr;
  assert.equal(mean(m.items), m.mean);
  close(meanStderr(m.items), m.stderr, 1e-15);
  const b = g.lm_eval_bootstrap_perplexity;
  close(perplexity(b.items), b.perplexity, 1e-15);
  close(bootstrapStderr(perplexity, b.items, b.iters), b.stderr, 1e-13);
});

test('aggregate: lm-eval reports no stderr for one item, for weighted metrics, or with bootstrapping off', () => {
  assert.deepEqual(aggregate('mean', [1], 100), { value: 1, stderr: null });
  assert.deepEqual(aggregate('mean', [1, 0], 0), { value: 0.5, stderr: null });
  assert.equal(aggregate('weighted_perplexity', [[-2, 1], [-4, 3]], 100).stderr, null);
  assert.equal(aggregate('bits_per_byte', [[-2, 1], [-4, 3]], 100).stderr, null);
  const p = aggregate('perplexity', [-1, -2, -3], 1000);
  close(p.value, Math.exp(2));
  assert.ok(p.stderr! > 0);
  assert.deepEqual(aggregate('mean', [1, 0], 100), { value: 0.5, stderr: 0.5 });
});

test('argmax picks the first maximum (and the first NaN), like numpy', () => {
  assert.equal(argmax([-2, -1, -1]), 1);
  assert.equal(argmax([-3, NaN, 0, NaN]), 1);
  assert.equal(argmax([-Infinity, -Infinity]), 0);
});

test('acc vs acc_norm: normalised by the characters of the choice, the delimiter not counted', () => {
  // "a" ll -2 (-2/char), "bbbb" ll -3 (-0.75/char): acc picks "a", acc_norm "bbbb".
  const results = [{ logprob: -2, isGreedy: false }, { logprob: -3, isGreedy: false }];
  assert.deepEqual(choiceAccuracy(['a', 'bbbb'], 0, results), { acc: 1, acc_norm: 0 });
  assert.deepEqual(choiceAccuracy(['a', 'bbbb'], 1, results), { acc: 0, acc_norm: 1 });
  // Where counting the leading space would flip it: -1/1 vs -3.6/4 picks "bbbb"; -1/2 vs -3.6/5 would pick "a".
  const flip = [{ logprob: -1, isGreedy: false }, { logprob: -3.6, isGreedy: false }];
  assert.equal(choiceAccuracy(['a', 'bbbb'], 1, flip).acc_norm, 1);
  // Equal normalised scores: the first choice wins.
  assert.deepEqual(choiceAccuracy(['ab', 'cd'], 1, [{ logprob: -1, isGreedy: false }, { logprob: -1, isGreedy: false }]), { acc: 0, acc_norm: 0 });
});
