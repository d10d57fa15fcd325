// SciQ (test split): support paragraph, question, three distractors and the answer (always last).
import * as fs from 'node:fs';
import { multipleChoice, sharedFiles } from '../task';

interface SciqQuestion {
  question: string;
  distractor1: string;
  distractor2: string;
  distractor3: string;
  correct_answer: string;
  support: string;
}

const loadSciq = ([file]: string[]): SciqQuestion[] => JSON.parse(fs.readFileSync(file, 'utf8'));

export const sciq = multipleChoice<SciqQuestion>({
  name: 'sciq',
  version: '1.0',
  files: sharedFiles('sciq/test.json'),
  load: loadSciq,
  // lm-eval samples shots from SciQ's train split; shared/data has validation, the nearest held-out split.
  fewshot: { kind: 'split', files: sharedFiles('sciq/valid.json'), load: loadSciq },
  text: (d) => `${d.support.trimStart()}\nQuestion: ${d.question}\nAnswer:`,
  choices: (d) => [d.distractor1, d.distractor2, d.distractor3, d.correct_answer],
  gold: () => 3,
});
