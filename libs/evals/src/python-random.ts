// Python's `random.Random`, bit for bit, for the two places lm-eval draws random numbers: the
// few-shot sampler (`Random(1234).sample`) and the bootstrap of perplexity stderrs
// (`Random(i).choices`). CPython seeds MT19937 with init_by_array over the seed's 32-bit words,
// exactly like numpy's RandomState with an array seed, so the generator itself is libs/data's.
import { RandomState } from '@cohort/data';

/** CPython `random_seed` for an int: |seed| as little-endian 32-bit words ([0] for 0). */
function seedKey(seed: number): number[] {
  if (!Number.isSafeInteger(seed)) throw new Error(`python random: seed must be a safe integer, got ${seed}`);
  let n = Math.abs(seed);
  const key: number[] = [];
  do {
    key.push(n % 2 ** 32);
    n = Math.floor(n / 2 ** 32);
  } while (n > 0);
  return key;
}

export class PythonRandom {
  private readonly mt: RandomState;

  constructor(seed: number) {
    this.mt = new RandomState(seedKey(seed));
  }

  /** `random()`: 53 random bits as a double in [0, 1). */
  random(): number {
    return this.mt.random();
  }

  /** `getrandbits(k)` for k ≤ 32 (every population we sample from is far below 2^32). */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) throw new Error(`getrandbits: k must be an integer in 0..32, got ${k}`);
    return k === 0 ? 0 : this.mt.nextUint32() >>> (32 - k);
  }

  /** `_randbelow_with_getrandbits(n)`: rejection sampling on n.bit_length() bits. */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `sample(population, k)`: CPython's two algorithms (pool swap for small n, rejection set otherwise). */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`sample: sample larger than population or is negative (k=${k}, n=${n})`);
    const result: T[] = [];
    const setsize = k > 5 ? 21 + 4 ** Math.ceil(Math.log(k * 3) / Math.log(4)) : 21;
    if (n <= setsize) {
      const pool = [...population];
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result.push(pool[j]);
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result.push(population[j]);
      }
    }
    return result;
  }
}
