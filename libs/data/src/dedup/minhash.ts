// MinHash signatures over word n-gram shingles and LSH banding (Broder 1997; Leskovec et al.,
// Mining of Massive Datasets §3.4). Words are runs of ASCII letters/digits or non-ASCII bytes,
// lowercased, so punctuation and case differences do not hide a near-duplicate.
import { RandomState } from '../order/random-state';

/** murmur3's 32-bit finaliser: a cheap, well-mixing bijection on uint32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const isWordByte = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0x80;

/** 32-bit hashes of each word (FNV-1a over lowercased bytes). */
export function wordHashes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let h = 0;
  let inWord = false;
  for (let i = 0; i <= bytes.length; i++) {
    const c = i < bytes.length ? bytes[i] : 0x20;
    if (isWordByte(c)) {
      if (!inWord) { h = 0x811c9dc5; inWord = true; }
      h = Math.imul(h ^ (c >= 0x41 && c <= 0x5a ? c + 32 : c), 0x01000193);
    } else if (inWord) {
      out.push(h >>> 0);
      inWord = false;
    }
  }
  return out;
}

/** Distinct hashes of the word n-grams (a document shorter than n is one shingle). */
export function shingles(words: number[], n: number): Set<number> {
  const out = new Set<number>();
  const last = Math.max(0, words.length - n);
  for (let i = 0; i <= last; i++) {
    let h = 0x9747b28c;
    for (let k = i; k < Math.min(i + n, words.length); k++) h = fmix32(h ^ words[k]) + k - i;
    out.add(h >>> 0);
  }
  return out;
}

export interface MinHashParams {
  numPerm: number;
  bands: number;
  seed: number;
}

export class MinHasher {
  private readonly salts: Uint32Array;
  readonly rows: number;

  constructor(readonly params: MinHashParams) {
    const { numPerm, bands } = params;
    if (!Number.isInteger(numPerm) || numPerm < 1 || !Number.isInteger(bands) || bands < 1 || numPerm % bands !== 0) {
      throw new Error(`MinHash: bands (${bands}) must be a positive divisor of numPerm (${numPerm})`);
    }
    this.rows = numPerm / bands;
    const rng = new RandomState(params.seed);
    this.salts = Uint32Array.from({ length: numPerm }, () => rng.nextUint32());
  }

  /** Signature: per hash function i, the minimum of fmix32(shingle ^ salt_i) over the shingles. */
  signature(shingleSet: Set<number>): Uint32Array {
    const sig = new Uint32Array(this.params.numPerm).fill(0xffffffff);
    for (const s of shingleSet) {
      for (let i = 0; i < sig.length; i++) {
        const h = fmix32(s ^ this.salts[i]);
        if (h < sig[i]) sig[i] = h;
      }
    }
    return sig;
  }

  /** One bucket key per band. */
  bandKeys(sig: Uint32Array): string[] {
    const keys: string[] = [];
    for (let b = 0; b < this.params.bands; b++) {
      keys.push(`${b}:${Buffer.from(sig.buffer, sig.byteOffset + b * this.rows * 4, this.rows * 4).toString('base64')}`);
    }
    return keys;
  }
}

/** Fraction of equal signature positions: an unbiased estimate of the Jaccard similarity. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
