// WinoGrande (dev) and WSC273: pronoun resolution by partial scoring. Both shared files are
// already split into the option-filled prefixes and the shared rest of the sentence.
import { partialScoring, readJsonl, sharedFiles } from '../task';

interface PartialItem {
  context_options: string[];
  continuation: string;
  gold: number;
}

export const winogrande = partialScoring<PartialItem>({
  name: 'winogrande',
  version: '1.0',
  files: sharedFiles('winogrande/winogrande_dev.jsonl'),
  load: ([f]) => readJsonl<PartialItem>(f),
  // lm-eval samples shots from WinoGrande's train split, which shared/data lacks.
  fewshot: { kind: 'eval_split' },
  contexts: (d) => d.context_options,
  // lm-eval: sentence[blank + 1:].strip()
  continuation: (d) => d.continuation.trim(),
  gold: (d) => d.gold,
});

/**
 * lm-eval's wsc273 target is text[pronoun end:], unstripped: it keeps the space after the pronoun
 * (and then gets the target delimiter too, so it is scored as "  feared violence."), unless
 * punctuation follows the pronoun directly ("... rescued them." → " .").
 */
const wscTarget = (continuation: string) => (/^[.,;:!?]/.test(continuation) ? continuation : ' ' + continuation);

export const wsc273 = partialScoring<PartialItem>({
  name: 'wsc273',
  version: '1.0',
  files: sharedFiles('wsc273/wsc273.jsonl'),
  load: ([f]) => readJsonl<PartialItem>(f),
  // lm-eval's only split is test: its few-shot fallback samples the test set itself.
  fewshot: { kind: 'eval_split' },
  contexts: (d) => d.context_options,
  continuation: (d) => wscTarget(d.continuation),
  gold: (d) => d.gold,
});
