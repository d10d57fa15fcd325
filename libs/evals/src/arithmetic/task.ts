// Pythia §5's arithmetic tasks (case-studies/term_frequency): one sub-task per first operand x1,
// its items x2 in a range; few-shot examples drawn from the items of every other x1; greedy
// generation until a stop string; the first 1-5 digit number of the output against the answer.
// Two prompt templates: Pythia's question form, and the form of the facts planted in Cohort's
// synthetic corpus ("{a} + {b} = {c}.", libs/data/src/synthetic/phenomena.ts).
import { PythonRandom } from '../python-random';
import { FEWSHOT_DELIMITER, TARGET_DELIMITER } from '../task';

export type ArithmeticOperation = 'plus' | 'times';
/** `pythia`: "Q:What is {x1} plus {x2}? A:"; `synthetic`: "{x1} + {x2} =" (the planted facts' form, sums only). */
export type ArithmeticTemplate = 'pythia' | 'synthetic';

/** The task family's settings (the arithmetic part of the term-frequency study's parameters). */
export interface ArithmeticParams {
  template: ArithmeticTemplate;
  operations: ArithmeticOperation[];
  shots: number[];
  /** Inclusive operand ranges: one sub-task per x1, its items x2 ∈ x2 range. */
  x1: [number, number];
  x2: [number, number];
  maxNewTokens: number;
}

export interface ArithmeticItem {
  operation: ArithmeticOperation;
  x1: number;
  x2: number;
  answer: number;
}

const OPERATIONS: Record<ArithmeticOperation, (a: number, b: number) => number> = {
  plus: (a, b) => a + b,
  times: (a, b) => a * b,
};

/** Longest answer the `\d{1,5}` parse can read. */
const MAX_ANSWER = 99_999;

const range = ([lo, hi]: [number, number]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

/** Every item of an operation, ordered by x1 then x2 (the order test items and the few-shot pool are in). */
export function arithmeticItems(operation: ArithmeticOperation, x1: [number, number], x2: [number, number]): ArithmeticItem[] {
  const f = OPERATIONS[operation];
  if (!f) throw new Error(`unknown arithmetic operation ${JSON.stringify(operation)}; known: ${Object.keys(OPERATIONS).join(', ')}`);
  return range(x1).flatMap((a) => range(x2).map((b) => ({ operation, x1: a, x2: b, answer: f(a, b) })));
}

/** The question of an item (lm-eval's doc_to_text). */
export function arithmeticQuestion(template: ArithmeticTemplate, item: ArithmeticItem): string {
  if (template === 'pythia') return `Q:What is ${item.x1} ${item.operation} ${item.x2}? A:`;
  if (item.operation !== 'plus') throw new Error(`the synthetic template has sums only, not '${item.operation}'`);
  return `${item.x1} + ${item.x2} =`;
}

/**
 * An item as a solved example: question, target delimiter, answer; the synthetic template ends it
 * with the period its planted facts end with ("3 + 4 = 7.", as the synthetic_arithmetic task does).
 */
export function arithmeticExample(template: ArithmeticTemplate, item: ArithmeticItem): string {
  return arithmeticQuestion(template, item) + TARGET_DELIMITER + item.answer + (template === 'synthetic' ? '.' : '');
}

/** Where generation is cut (lm-eval's `until`): Pythia's newline; the synthetic facts' period too. */
export function arithmeticStops(template: ArithmeticTemplate): string[] {
  return template === 'pythia' ? ['\n'] : ['.', '\n'];
}

/** lm-eval's few-shot prompt: each example followed by "\n\n", then the question ('' prefix for 0 shots). */
export function fewshotPrompt(template: ArithmeticTemplate, examples: ArithmeticItem[], item: ArithmeticItem): string {
  return examples.map((e) => arithmeticExample(template, e) + FEWSHOT_DELIMITER).join('') + arithmeticQuestion(template, item);
}

/**
 * The prompts of one sub-task (the items of one x1) in x2 order. As in lm-eval, the sub-task's
 * sampler is one Random(seed) drawing `shots` examples for every test item in turn, here from the
 * items of all other x1 values (Pythia's "validation" split), so no item is its own example.
 */
export function subtaskPrompts(template: ArithmeticTemplate, items: ArithmeticItem[], x1: number, shots: number, seed: number): { item: ArithmeticItem; prompt: string }[] {
  const tests = items.filter((i) => i.x1 === x1);
  const pool = items.filter((i) => i.x1 !== x1);
  if (shots > pool.length) throw new Error(`${shots} shots need ${shots} examples, but the items of the other x1 values number ${pool.length}`);
  const rng = new PythonRandom(seed);
  return tests.map((item) => ({ item, prompt: fewshotPrompt(template, shots > 0 ? rng.sample(pool, shots) : [], item) }));
}

/** The output up to its first stop string. */
export function cutAtStops(output: string, stops: readonly string[]): string {
  let end = output.length;
  for (const s of stops) {
    const at = output.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return output.slice(0, end);
}

/** The first `\d{1,5}` of the output (Pythia's parse), or null when it has no digit. */
export function firstNumber(output: string): string | null {
  return /\d{1,5}/.exec(output)?.[0] ?? null;
}

/** Is the output right: its first number, as text, is the answer ("07" is not 7). */
export function isCorrect(output: string, answer: number): boolean {
  return firstNumber(output) === String(answer);
}

/** What is wrong with a parameter set ([] when nothing); the messages say what to change. */
export function arithmeticParamErrors(p: ArithmeticParams): string[] {
  const errors: string[] = [];
  if (p.template !== 'pythia' && p.template !== 'synthetic') errors.push(`template must be 'pythia' or 'synthetic', got ${JSON.stringify(p.template)}`);
  if (!Array.isArray(p.operations) || p.operations.length === 0) errors.push('operations: give at least one of plus, times');
  else {
    for (const op of p.operations) if (!(op in OPERATIONS)) errors.push(`unknown operation ${JSON.stringify(op)}; known: plus, times`);
    if (new Set(p.operations).size !== p.operations.length) errors.push(`operations repeat: ${p.operations.join(', ')}`);
    if (p.template === 'synthetic' && p.operations.some((op) => op !== 'plus')) {
      errors.push('the synthetic template asks sums only (the corpus plants "{a} + {b} = {c}."): use operations [plus], or the pythia template');
    }
  }
  const ranges: [string, [number, number]][] = [['x1', p.x1], ['x2', p.x2]];
  let rangesOk = true;
  for (const [name, r] of ranges) {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v) && v >= 0)) {
      errors.push(`${name} must be [lo, hi] of non-negative integers, got ${JSON.stringify(r)}`);
      rangesOk = false;
    } else if (r[0] > r[1]) {
      errors.push(`${name} range [${r[0]}, ${r[1]}]: lo must not exceed hi`);
      rangesOk = false;
    }
  }
  if (rangesOk && Array.isArray(p.operations)) {
    for (const op of p.operations.filter((o) => o in OPERATIONS)) {
      const largest = OPERATIONS[op](p.x1[1], p.x2[1]);
      if (largest > MAX_ANSWER) errors.push(`${op}: answers up to ${largest} exceed the 5 digits the answer parse reads (${MAX_ANSWER})`);
    }
  }
  if (!Array.isArray(p.shots) || p.shots.length === 0) errors.push('shots: give at least one shot count, e.g. [0]');
  else {
    for (const k of p.shots) if (!Number.isInteger(k) || k < 0) errors.push(`shot counts must be non-negative integers, got ${k}`);
    if (new Set(p.shots).size !== p.shots.length) errors.push(`shot counts repeat: ${p.shots.join(', ')}`);
    if (rangesOk) {
      const pool = (p.x1[1] - p.x1[0]) * (p.x2[1] - p.x2[0] + 1);
      const most = Math.max(...p.shots);
      if (most > pool) {
        errors.push(`${most} shots need ${most} examples from the items of the other x1 values, but x1 ${p.x1[0]}..${p.x1[1]} × x2 ${p.x2[0]}..${p.x2[1]} leaves only ${pool}`);
      }
    }
  }
  if (!Number.isInteger(p.maxNewTokens) || p.maxNewTokens < 1) errors.push(`maxNewTokens must be a positive integer, got ${p.maxNewTokens}`);
  return errors;
}

/** Throws one error listing every problem of the parameters. */
export function checkArithmeticParams(p: ArithmeticParams): void {
  const errors = arithmeticParamErrors(p);
  if (errors.length) throw new Error(`arithmetic parameters: ${errors.join('; ')}`);
}
