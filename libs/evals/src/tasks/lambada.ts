// LAMBADA (OpenAI's detokenised test set): predict a passage's last word. lm-eval splits at the
// last space and puts the space into the target, so " word" is scored after the passage.
import { loglikelihood, readJsonl, sharedFiles } from '../task';

interface Passage {
  text: string;
}

export const lambadaOpenai = loglikelihood<Passage>({
  name: 'lambada_openai',
  version: '1.0',
  files: sharedFiles('lambada_openai/lambada_test.jsonl'),
  load: ([file]) => readJsonl<Passage>(file),
  // lm-eval's only split is test: its few-shot fallback samples the test set itself.
  fewshot: { kind: 'eval_split' },
  text: (d) => d.text.split(' ').slice(0, -1).join(' '),
  target: (d) => ' ' + d.text.split(' ').at(-1),
});
