// Byte-level BPE training, written here because the `tokenizers` Node binding exposes no trainer
// options (vocab size, initial alphabet, special tokens): see notes/environment.md.
//
// Algorithm (Sennrich et al. / HF BpeTrainer): count pre-tokenized words, start every word as its
// byte symbols, then repeatedly merge the most frequent adjacent pair. A lazy max-heap holds pair
// counts; a merge rewrites only the words that contain the pair (an inverted index), recounting
// their pairs. Ties break on the smaller (left id, right id), so training is deterministic.
import { byteLevelPreTokenizer } from 'tokenizers';
import { splitDocument } from '../corpus/split-document';
import { ASCII_PRETOKEN, NON_ASCII } from './ascii-bpe';
import { BYTE_LEVEL_ALPHABET, BYTE_TO_SYMBOL } from './byte-level';

export const EOD_TOKEN = '<|endoftext|>';
export const PAD_TOKEN = '<|padding|>';
/** Ids fixed by GPT-NeoX/Pythia: <|endoftext|> = 0 (EOD), <|padding|> = 1. */
export const SPECIAL_TOKENS = [EOD_TOKEN, PAD_TOKEN] as const;

export interface BpeTrainOptions {
  /** Total vocabulary including the 2 special tokens and the 256 byte symbols. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
}

export interface BpeModel {
  /** token string → id; ids are dense 0..vocab-1. */
  vocab: Map<string, number>;
  /** Merges in rank order, as [left, right] token strings. */
  merges: [string, string][];
}

/**
 * Counts GPT-2-regex byte-level pre-tokens, exactly as encoding will split them: pure-ASCII pieces
 * (cut where the split cannot move a pre-token boundary) with the ASCII form of the regex, the rest
 * with the library's own pre-tokenizer, which is ~20× slower.
 */
export class WordCounter {
  private readonly byteLevel = new Map<string, number>();
  /** ASCII words before byte-level mapping, mapped once per distinct word in counts(). */
  private readonly ascii = new Map<string, number>();
  private readonly pre = byteLevelPreTokenizer(false, true);

  add(text: string): void {
    for (const piece of splitDocument(text, 8192)) {
      if (NON_ASCII.test(piece)) {
        for (const [word] of this.pre.preTokenizeString(piece)) this.byteLevel.set(word, (this.byteLevel.get(word) ?? 0) + 1);
      } else {
        for (const [word] of piece.matchAll(ASCII_PRETOKEN)) this.ascii.set(word, (this.ascii.get(word) ?? 0) + 1);
      }
    }
  }

  /** Byte-level word → count. */
  counts(): Map<string, number> {
    const out = new Map(this.byteLevel);
    for (const [word, n] of this.ascii) {
      const mapped = Array.from(word, (ch) => BYTE_TO_SYMBOL[ch.charCodeAt(0)]).join('');
      out.set(mapped, (out.get(mapped) ?? 0) + n);
    }
    return out;
  }
}

// Pair keys pack two ids below 2^26 into one exact double; the vocab is capped accordingly.
const PAIR_BASE = 2 ** 26;
const pairKey = (a: number, b: number) => a * PAIR_BASE + b;

/** Max-heap of (count, key) with ties on the smaller key first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private above(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    for (let i = this.keys.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0], key: this.keys[0] };
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.above(l, best)) best = l;
      if (r < last && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

export function trainBpe(wordCounts: Map<string, number>, options: BpeTrainOptions): BpeModel {
  const minFrequency = options.minFrequency ?? 2;
  const base = SPECIAL_TOKENS.length + BYTE_LEVEL_ALPHABET.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < base || options.vocabSize >= PAIR_BASE) {
    throw new Error(`vocabSize must be an integer in ${base}..${PAIR_BASE - 1} (2 special tokens + 256 byte symbols + merges), got ${options.vocabSize}`);
  }
  const tokens: string[] = [...SPECIAL_TOKENS, ...BYTE_LEVEL_ALPHABET];
  const idOf = new Map<string, number>(tokens.map((t, i) => [t, i]));

  // Sorted so the inverted index (and with it every tie) is independent of insertion order.
  const entries = [...wordCounts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words: number[][] = entries.map(([w]) => Array.from(w, (ch) => {
    const id = idOf.get(ch);
    if (id === undefined) throw new Error(`pre-token ${JSON.stringify(w)} has a symbol outside the byte-level alphabet`);
    return id;
  }));
  const freq = entries.map(([, c]) => c);

  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: number) => {
    const sym = words[w];
    for (let i = 0; i + 1 < sym.length; i++) {
      const k = pairKey(sym[i], sym[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[w]);
      if (sign > 0) {
        let set = where.get(k);
        if (!set) where.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, +1);
  const heap = new PairHeap();
  for (const [k, c] of pairCount) heap.push(c, k);

  const merges: [string, string][] = [];
  while (tokens.length < options.vocabSize && heap.size > 0) {
    const { count, key } = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (count !== current) {
      if (current > 0) heap.push(current, key); // stale entry: requeue at its true count
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(key / PAIR_BASE);
    const b = key % PAIR_BASE;
    const merged = tokens[a] + tokens[b];
    // Different merges can spell the same string ("a"+"bc", "ab"+"c"): they share one id, as in HF.
    let newId = idOf.get(merged);
    if (newId === undefined) {
      newId = tokens.length;
      tokens.push(merged);
      idOf.set(merged, newId);
    }
    merges.push([tokens[a], tokens[b]]);
    const touched = new Set<number>();
    for (const w of where.get(key) ?? []) {
      const sym = words[w];
      const out: number[] = [];
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) {
          out.push(newId);
          i++;
        } else out.push(sym[i]);
      }
      if (out.length === sym.length) continue; // index entry outlived the pair
      addPairs(w, -1);
      words[w] = out;
      addPairs(w, +1);
      for (let i = 0; i + 1 < out.length; i++) touched.add(pairKey(out[i], out[i + 1]));
    }
    where.delete(key);
    pairCount.delete(key);
    for (const k of touched) heap.push(pairCount.get(k) ?? 0, k);
  }
  return { vocab: idOf, merges };
}
