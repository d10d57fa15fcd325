import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PythonRandom } from '../src/python-random';
import { readGolden } from './helpers';

// Values from CPython 3.11's random module (test/golden/python-random.json).
const g = readGolden('python-random.json');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('Random(1234): getrandbits(32) and random() are CPython\'s', () => {
  const r = new PythonRandom(1234);
  assert.deepEqual(range(5).map(() => r.getrandbits(32)), g.seed1234_getrandbits32);
  const s = new PythonRandom(1234);
  assert.deepEqual(range(5).map(() => s.random()), g.seed1234_random);
  const big = new PythonRandom(2 ** 40 + 7); // a seed of two 32-bit key words
  assert.deepEqual(range(3).map(() => big.getrandbits(32)), g.seed_2pow40_plus7_getrandbits32);
});

test('sample(): both of CPython\'s algorithms, successive draws from one generator', () => {
  for (const key of ['seed1234_sample_sequence', 'seed1234_sample_small', 'seed1234_sample_k8_n40']) {
    const { population, k, draws } = g[key];
    const r = new PythonRandom(1234);
    assert.deepEqual(draws.map(() => r.sample(range(population), k)), draws, key);
  }
});

test('sample() refuses k beyond the population, as Python does', () => {
  assert.throws(() => new PythonRandom(1).sample([1, 2, 3], 4), /sample larger than population/);
  assert.throws(() => new PythonRandom(1).getrandbits(33), /k must be an integer in 0..32/);
});
