// PIQA (validation split; test labels are hidden): a goal and two solutions.
import * as fs from 'node:fs';
import { multipleChoice, readJsonl, sharedFiles } from '../task';

interface PiqaItem {
  goal: string;
  sol1: string;
  sol2: string;
  label: number;
}

function loadPiqa([questions, labels]: string[]): PiqaItem[] {
  const items = readJsonl<Omit<PiqaItem, 'label'>>(questions);
  const golds = fs.readFileSync(labels, 'utf8').split('\n').filter((l) => l.trim() !== '').map(Number);
  if (golds.length !== items.length) throw new Error(`piqa: ${items.length} questions but ${golds.length} labels`);
  return items.map((q, i) => ({ goal: q.goal, sol1: q.sol1, sol2: q.sol2, label: golds[i] }));
}

export const piqa = multipleChoice<PiqaItem>({
  name: 'piqa',
  version: '1.0',
  files: sharedFiles('piqa/valid.jsonl', 'piqa/valid-labels.lst'),
  load: loadPiqa,
  // lm-eval samples shots from PIQA's train split, which shared/data lacks.
  fewshot: { kind: 'eval_split' },
  text: (d) => `Question: ${d.goal}\nAnswer:`,
  choices: (d) => [d.sol1, d.sol2],
  gold: (d) => d.label,
});
