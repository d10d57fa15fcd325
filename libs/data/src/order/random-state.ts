// numpy's legacy `np.random.RandomState` — MT19937 with numpy's seeding (`mt19937_seed` for an int,
// `mt19937_init_by_array` for an array), `random_interval` (mask + rejection) and the 1-D Fisher–Yates
// `shuffle`. Reproduced bit for bit because GPT-NeoX v1.0 builds Pythia's data order with
// `RandomState(seed).shuffle`; numpy guarantees this legacy stream never changes.
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  constructor(seed: number | readonly number[]) {
    const check = (v: number) => {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`seed must be an integer in 0..2**32-1, got ${v}`);
    };
    if (typeof seed === 'number') {
      check(seed);
      this.seedInt(seed);
    } else {
      if (seed.length === 0) throw new Error('seed array must be non-empty');
      seed.forEach(check);
      this.seedArray(seed);
    }
  }

  private seedInt(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
    this.pos = N;
  }

  private seedArray(key: readonly number[]): void {
    const mt = this.mt;
    this.seedInt(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & UPPER) | (mt[(i + 1) % N] & LOWER);
      mt[i] = (mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    this.pos = 0;
  }

  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy `random_sample()`: a double in [0, 1) from 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer in [0, n), unbiased (numpy's masked rejection). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`below(n) needs a positive integer, got ${n}`);
    return this.randomInterval(n - 1);
  }

  /** numpy `random_interval(max)`: uniform in [0, max] by masking to the smallest 2^k-1 ≥ max and rejecting. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      let mask = max;
      mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
      mask >>>= 0;
      for (;;) {
        const v = (this.nextUint32() & mask) >>> 0;
        if (v <= max) return v;
      }
    }
    // 64-bit path (next_uint64 = hi << 32 | lo); masks stay below 2^53 for any array we can hold.
    const maskHi = 2 ** Math.ceil(Math.log2(Math.floor(max / 2 ** 32) + 1)) - 1;
    for (;;) {
      const hi = this.nextUint32() & maskHi;
      const lo = this.nextUint32();
      const v = hi * 2 ** 32 + lo;
      if (v <= max) return v;
    }
  }

  /** `RandomState.shuffle` on a 1-D array: for i = n-1 … 1, swap a[i] with a[random_interval(i)]. */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
