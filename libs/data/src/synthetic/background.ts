// Background text for the synthetic corpus: either a small English grammar, or sentences sampled
// from a real corpus (e.g. the public-domain novels in shared/data). Both are driven by one seeded
// RandomState, so the same options give the same text on every machine.
import type { RandomState } from '../order/random-state';

export interface Background {
  /** What produced the text, for the manifest. */
  readonly description: string;
  sentence(rng: RandomState): string;
}

const pick = <T>(rng: RandomState, xs: readonly T[]): T => xs[rng.below(xs.length)];

const DET = ['the', 'a', 'every', 'some', 'that'];
const ADJ = ['quiet', 'old', 'bright', 'small', 'careful', 'distant', 'green', 'heavy', 'young', 'strange'];
const NOUN = ['river', 'garden', 'letter', 'window', 'village', 'teacher', 'storm', 'market', 'bridge', 'lantern', 'horse', 'journey'];
const VERB = ['crossed', 'watched', 'followed', 'painted', 'remembered', 'carried', 'opened', 'found', 'praised', 'avoided'];
const PREP = ['near', 'behind', 'under', 'beyond', 'beside'];

/** S → NP VP [PP] '.' with NP → Det [Adj] Noun; roughly 10^6 distinct sentences. */
export class GrammarBackground implements Background {
  constructor(readonly description = 'grammar') {}

  sentence(rng: RandomState): string {
    const np = () => `${pick(rng, DET)} ${rng.random() < 0.6 ? `${pick(rng, ADJ)} ` : ''}${pick(rng, NOUN)}`;
    const pp = rng.random() < 0.5 ? ` ${pick(rng, PREP)} ${np()}` : '';
    const s = `${np()} ${pick(rng, VERB)} ${np()}${pp}.`;
    return s[0].toUpperCase() + s.slice(1);
  }
}

/** Sentences of a real text, split on sentence-final punctuation; one is drawn per call. */
export class CorpusBackground implements Background {
  private readonly sentences: string[];

  constructor(readonly description: string, texts: string[]) {
    this.sentences = texts
      .flatMap((t) => t.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z"'])/))
      .map((s) => s.trim())
      .filter((s) => s.length >= 20 && s.length <= 400);
    if (this.sentences.length === 0) throw new Error(`background corpus ${description} has no usable sentences`);
  }

  sentence(rng: RandomState): string {
    return pick(rng, this.sentences);
  }
}
