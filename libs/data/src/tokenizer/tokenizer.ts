// Loading any HF tokenizer.json (ours or GPT-NeoX-20B's) for encode/decode through the `tokenizers`
// library (with an exact ASCII fast path in front of it, ascii-bpe.ts), and training ours. The tokenizer's identity is the sha256 of its tokenizer.json bytes.
import * as fs from 'node:fs';
import { Tokenizer } from 'tokenizers';
import { readCorpus, type CorpusSpec } from '../corpus/read-corpus';
import { sha256Hex, writeFileAtomic } from '../hash';
import { AsciiBpeEncoder } from './ascii-bpe';
import { BYTE_TO_SYMBOL } from './byte-level';
import { EOD_TOKEN, PAD_TOKEN, trainBpe, WordCounter } from './bpe-trainer';
import { tokenizerJson } from './tokenizer-json';

export class CohortTokenizer {
  readonly vocabSize: number;
  readonly eodId: number;
  readonly padId: number | null;

  /** Added tokens (special or not) by id, as the tokenizer.json lists them. */
  readonly addedTokens: ReadonlyMap<number, string>;
  private byteTable: Uint8Array[] | null = null;
  private readonly ascii: AsciiBpeEncoder | null;

  private constructor(readonly path: string, readonly hash: string, readonly hf: Tokenizer, json: string) {
    const added = (JSON.parse(json) as { added_tokens?: { id: number; content: string }[] }).added_tokens ?? [];
    this.addedTokens = new Map(added.map((t) => [t.id, t.content]));
    this.ascii = AsciiBpeEncoder.fromJson(json);
    this.vocabSize = hf.getVocabSize(true);
    const eod = hf.tokenToId(EOD_TOKEN);
    if (eod === null || eod === undefined) throw new Error(`${path}: tokenizer has no ${EOD_TOKEN} token to end documents with`);
    this.eodId = eod;
    this.padId = hf.tokenToId(PAD_TOKEN) ?? null;
  }

  static load(path: string): CohortTokenizer {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read tokenizer ${path}: ${(err as Error).message}`);
    }
    let hf: Tokenizer;
    try {
      hf = Tokenizer.fromString(bytes.toString('utf8'));
    } catch (err) {
      throw new Error(`${path} is not a loadable HF tokenizer.json: ${(err as Error).message}`);
    }
    return new CohortTokenizer(path, sha256Hex(bytes), hf, bytes.toString('utf8'));
  }

  /**
   * The exact bytes each token stands for (byte-level BPE symbols mapped back to bytes; added tokens
   * as their UTF-8 content), so edits can be made on the bytes of a sample without a lossy decode.
   */
  tokenBytes(id: number): Uint8Array {
    if (!this.byteTable) {
      const symbolToByte = new Map(BYTE_TO_SYMBOL.map((sym, b) => [sym, b]));
      const table: Uint8Array[] = new Array(this.vocabSize);
      for (const [token, tid] of Object.entries(this.hf.getVocab(true))) {
        const content = this.addedTokens.get(tid);
        if (content !== undefined) {
          table[tid] = Buffer.from(content, 'utf8');
          continue;
        }
        table[tid] = Uint8Array.from(Array.from(token), (ch) => {
          const b = symbolToByte.get(ch);
          if (b === undefined) throw new Error(`${this.path}: token ${JSON.stringify(token)} is not byte-level BPE; byte edits need a byte-level tokenizer`);
          return b;
        });
      }
      this.byteTable = table;
    }
    const bytes = this.byteTable[id];
    if (!bytes) throw new Error(`token id ${id} is outside the vocabulary of ${this.path} (0..${this.vocabSize - 1})`);
    return bytes;
  }

  /** Token ids of `text` (no special tokens added): the exact ASCII fast path when it applies, else the library. */
  async encode(text: string): Promise<number[]> {
    return this.ascii?.encode(text) ?? this.encodeWithLibrary(text);
  }

  /** Token ids from the `tokenizers` library alone (the reference the fast path is tested against). */
  async encodeWithLibrary(text: string): Promise<number[]> {
    return (await this.hf.encode(text, null, { addSpecialTokens: false })).getIds();
  }

  /** Decodes ids, refusing ids outside the vocabulary instead of silently dropping them. */
  async decode(ids: ArrayLike<number>, skipSpecialTokens = false): Promise<string> {
    const list = Array.from(ids);
    const bad = list.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= this.vocabSize);
    if (bad >= 0) throw new Error(`token id ${list[bad]} at position ${bad} is outside the vocabulary of ${this.path} (0..${this.vocabSize - 1})`);
    return this.hf.decode(list, skipSpecialTokens);
  }
}

export interface TrainTokenizerOptions {
  corpus: CorpusSpec;
  vocabSize: number;
  minFrequency?: number;
  /** Where to write tokenizer.json. */
  outPath: string;
}

export interface TokenizerArtifact {
  path: string;
  hash: string;
  vocabSize: number;
}

export async function trainTokenizer(options: TrainTokenizerOptions): Promise<TokenizerArtifact> {
  const counter = new WordCounter();
  let docs = 0;
  for await (const doc of readCorpus(options.corpus)) {
    counter.add(doc.text);
    docs++;
  }
  if (docs === 0) throw new Error('cannot train a tokenizer on an empty corpus');
  const model = trainBpe(counter.counts(), { vocabSize: options.vocabSize, minFrequency: options.minFrequency });
  const json = tokenizerJson(model);
  writeFileAtomic(options.outPath, json);
  return { path: options.outPath, hash: sha256Hex(json), vocabSize: model.vocab.size };
}
