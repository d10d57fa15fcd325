import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedDataDir } from '@cohort/data';
import { PYTHIA_DEFAULTS, type ModelConfig } from '@cohort/model';
import type { EvalTokenizer, Scorer, TokenRequest, TokenResult } from '../src/contracts';

/** A fresh temp directory removed when the process exits. */
export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cohort-evals-${tag}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const SHARED = sharedDataDir();

/** A two-layer GPT-NeoX small enough to run in every test, with a vocabulary of 128. */
export const tinyConfig = (maxPositionEmbeddings: number): ModelConfig => ({
  ...PYTHIA_DEFAULTS,
  vocabSize: 128,
  hiddenSize: 64,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 256,
  maxPositionEmbeddings,
});
export const GOLDEN = path.resolve(__dirname, '..', '..', 'test', 'golden');
export const readGolden = (name: string) => JSON.parse(fs.readFileSync(path.join(GOLDEN, name), 'utf8'));

/**
 * GPT-2-like word tokenizer for tests: each token is a run of non-space characters with the
 * whitespace before it attached ("a b" → "a", " b"), so a trailing space only merges with the
 * next word, as in byte-level BPE. Ids are handed out on first sight; id 0 is the eod token.
 */
export class WordTokenizer implements EvalTokenizer {
  readonly eodId = 0;
  private readonly ids = new Map<string, number>([['<eod>', 0]]);
  private readonly words = ['<eod>'];

  async encode(text: string): Promise<number[]> {
    return (text.match(/\s*\S+|\s+$/g) ?? []).map((w) => {
      if (!this.ids.has(w)) {
        this.ids.set(w, this.words.length);
        this.words.push(w);
      }
      return this.ids.get(w)!;
    });
  }

  decode(ids: readonly number[]): string {
    return ids.map((i) => this.words[i]).join('');
  }
}

/** A scorer whose results are a given function of each request (the input of the metric math under test). */
export function scorerOf(maxLength: number, f: (r: TokenRequest, i: number) => TokenResult): Scorer & { seen: TokenRequest[][] } {
  const seen: TokenRequest[][] = [];
  return {
    maxLength,
    seen,
    async score(requests, onProgress) {
      seen.push(requests);
      const out = requests.map(f);
      onProgress?.(requests.length);
      return out;
    },
  };
}
