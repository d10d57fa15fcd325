// ARC Easy and Challenge (test splits): "Question: …\nAnswer:" and the choice texts.
import { multipleChoice, readJsonl, sharedFiles } from '../task';

interface ArcQuestion {
  id: string;
  question: string;
  choices: { text: string[]; label: string[] };
  answerKey: string;
}

function arcTask(name: string, file: string) {
  return multipleChoice<ArcQuestion>({
    name,
    version: '1.0',
    files: sharedFiles(file),
    load: ([f]) => readJsonl<ArcQuestion>(f),
    // lm-eval samples shots from ARC's train split, which shared/data lacks.
    fewshot: { kind: 'eval_split' },
    text: (d) => `Question: ${d.question}\nAnswer:`,
    choices: (d) => d.choices.text,
    gold: (d) => d.choices.label.indexOf(d.answerKey),
  });
}

export const arcEasy = arcTask('arc_easy', 'arc/arc_easy_test.jsonl');
export const arcChallenge = arcTask('arc_challenge', 'arc/arc_challenge_test.jsonl');
