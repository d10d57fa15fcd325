// A fast exact encoder for the pure-ASCII text of byte-level BPE tokenizers (GPT-2/GPT-NeoX style),
// used by the dataset pipeline in front of the `tokenizers` library. Restricting it to ASCII is what
// makes it exact: on ASCII, NFC is the identity and the pre-tokenizer's \p{L}, \p{N} and \s have one
// unambiguous meaning, so nothing depends on Unicode-table versions of V8 vs Oniguruma. Anything else
// (non-ASCII text, other pipeline shapes) returns null and goes to the library. Tests and the
// benchmark check its output against the library token for token.
//
// Speed comes from skipping what the library builds for every token (offsets, strings, the Encoding
// object) and from a per-word cache: natural text repeats a small set of words.
import { BYTE_TO_SYMBOL } from './byte-level';

interface AddedTokenJson { id: number; content: string; single_word?: boolean; lstrip?: boolean; rstrip?: boolean; normalized?: boolean }
interface TokenizerJson {
  added_tokens?: AddedTokenJson[];
  normalizer?: { type: string } | null;
  pre_tokenizer?: { type: string; add_prefix_space?: boolean; use_regex?: boolean } | null;
  model?: { type: string; dropout?: number | null; ignore_merges?: boolean; continuing_subword_prefix?: string | null; end_of_word_suffix?: string | null; vocab: Record<string, number>; merges: (string | [string, string])[] };
}

// The GPT-2 pre-tokenizer pattern with \p{L} → [A-Za-z], \p{N} → [0-9], \s → ASCII whitespace.
export const ASCII_PRETOKEN = /'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\t\n\v\f\r A-Za-z0-9]+|[\t\n\v\f\r ]+(?![^\t\n\v\f\r ])|[\t\n\v\f\r ]+/g;
export const NON_ASCII = /[\u0080-\uffff]/;
const PAIR = 2 ** 20;
const CACHE_LIMIT = 1 << 18;

export class AsciiBpeEncoder {
  private readonly cache = new Map<string, number[]>();

  private constructor(
    private readonly byteIds: Int32Array,
    /** (left id · 2^20 + right id) → rank · 2^20 + merged id. */
    private readonly merges: Map<number, number>,
    /** Added tokens in HF's two passes (raw-text ones, then normalized ones) as longest-first alternations. */
    private readonly passes: { pattern: RegExp; ids: Map<string, number> }[],
  ) {}

  /** An encoder for this tokenizer.json, or null when its pipeline is not one this encoder reproduces. */
  static fromJson(jsonText: string): AsciiBpeEncoder | null {
    const json = JSON.parse(jsonText) as TokenizerJson;
    const m = json.model;
    const pre = json.pre_tokenizer;
    if (!m || m.type !== 'BPE' || m.dropout || m.ignore_merges || m.continuing_subword_prefix || m.end_of_word_suffix) return null;
    if (!pre || pre.type !== 'ByteLevel' || pre.add_prefix_space || pre.use_regex === false) return null;
    if (json.normalizer && json.normalizer.type !== 'NFC') return null;
    const added = json.added_tokens ?? [];
    if (added.some((t) => t.single_word || t.lstrip || t.rstrip || t.content === '')) return null;
    const vocab = m.vocab;
    if (Object.keys(vocab).length >= PAIR) return null;
    // Only ASCII bytes are ever looked up (GPT-NeoX-20B's vocab lacks bytes that never occur in
    // UTF-8, such as 0xC0); a missing ASCII byte would be dropped by the library, so decline.
    const byteIds = new Int32Array(128);
    for (let b = 0; b < 128; b++) {
      const id = vocab[BYTE_TO_SYMBOL[b]];
      if (id === undefined) return null;
      byteIds[b] = id;
    }
    const merges = new Map<number, number>();
    m.merges.forEach((merge, rank) => {
      const [a, b] = typeof merge === 'string' ? merge.split(' ') : merge;
      const ida = vocab[a];
      const idb = vocab[b];
      const idm = vocab[a + b];
      const key = ida * PAIR + idb;
      // A repeated pair keeps its last rank: HF collects merges into a map, later entries overwrite.
      if (ida !== undefined && idb !== undefined && idm !== undefined) merges.set(key, rank * PAIR + idm);
    });
    const pass = (xs: AddedTokenJson[]) => {
      const sorted = [...xs].sort((x, y) => y.content.length - x.content.length);
      const escaped = sorted.map((t) => t.content.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      // Alternatives tried longest first at the leftmost position = aho-corasick LeftmostLongest.
      return { pattern: new RegExp(escaped.length ? escaped.join('|') : '(?!)', 'g'), ids: new Map(sorted.map((t) => [t.content, t.id])) };
    };
    return new AsciiBpeEncoder(byteIds, merges, [pass(added.filter((t) => !t.normalized)), pass(added.filter((t) => t.normalized))]);
  }

  /** Token ids of `text`, or null when the text is not pure ASCII. */
  encode(text: string): number[] | null {
    if (NON_ASCII.test(text)) return null;
    const out: number[] = [];
    this.splitAdded(text, 0, out);
    return out;
  }

  /** Splits out added tokens pass by pass; the text between them goes on to the next pass, then BPE. */
  private splitAdded(text: string, pass: number, out: number[]): void {
    if (pass === this.passes.length) {
      this.encodePlain(text, out);
      return;
    }
    const { pattern, ids } = this.passes[pass];
    let start = 0;
    for (const m of text.matchAll(pattern)) {
      if (m.index! > start) this.splitAdded(text.slice(start, m.index), pass + 1, out);
      out.push(ids.get(m[0])!);
      start = m.index! + m[0].length;
    }
    if (start < text.length) this.splitAdded(text.slice(start), pass + 1, out);
  }

  private encodePlain(text: string, out: number[]): void {
    for (const m of text.matchAll(ASCII_PRETOKEN)) {
      const word = m[0];
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.bpe(word);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  /** Applies merges lowest rank first, leftmost among equals (HF Word::merge_all). */
  private bpe(word: string): number[] {
    const sym = Array.from({ length: word.length }, (_, i) => this.byteIds[word.charCodeAt(i)]);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < sym.length; i++) {
        const v = this.merges.get(sym[i] * PAIR + sym[i + 1]);
        if (v !== undefined && v < best) { best = v; at = i; }
      }
      if (at < 0) return sym;
      sym.splice(at, 2, best % PAIR);
    }
  }
}
