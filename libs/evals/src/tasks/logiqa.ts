// LogiQA (English, test split), parsed as lm-eval's EleutherAI/logiqa loader does: blank-line
// separated records of label, passage, question and four options; "." becomes ". " (the source
// lacks spaces after full stops) and each option loses its two-character "A." prefix.
import * as fs from 'node:fs';
import { multipleChoice, sharedFiles } from '../task';

interface LogiqaQuestion {
  label: string;
  context: string;
  question: string;
  options: string[];
}

const normalize = (text: string) => text.replaceAll('.', '. ').trim();

function loadLogiqa([file]: string[]): LogiqaQuestion[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n\n').map((record) => {
    const [label, context, question, ...options] = record.split('\n');
    return { label: label.trim(), context: normalize(context), question: normalize(question), options: options.map((o) => normalize(o.slice(2))) };
  });
}

const LETTERS = ['a', 'b', 'c', 'd'];

export const logiqa = multipleChoice<LogiqaQuestion>({
  name: 'logiqa',
  version: '1.0',
  files: sharedFiles('logiqa/Test.txt'),
  load: loadLogiqa,
  // lm-eval samples shots from LogiQA's train split; shared/data has Eval.txt (validation) instead.
  fewshot: { kind: 'split', files: sharedFiles('logiqa/Eval.txt'), load: loadLogiqa },
  text: (d) => `Passage: ${d.context}\nQuestion: ${d.question}\nChoices:\n${d.options.map((o, i) => `${LETTERS[i].toUpperCase()}. ${o}\n`).join('')}Answer:`,
  choices: (d) => d.options,
  gold: (d) => LETTERS.indexOf(d.label),
});
