// Evaluating the arithmetic task family at one checkpoint: every (operation, shots, x1) sub-task,
// per-item rows and per-sub-task accuracy, over the Generator seam.
import type { EvalTokenizer } from '../contracts';
import type { Generator } from '../scorer/engine-generator';
import {
  arithmeticItems, arithmeticStops, checkArithmeticParams, cutAtStops, isCorrect, subtaskPrompts,
  type ArithmeticOperation, type ArithmeticParams,
} from './task';

/** Encode and decode; CohortTokenizer (libs/data) satisfies it. */
export interface ArithmeticTokenizer extends EvalTokenizer {
  decode(ids: number[]): string | Promise<string>;
  /**
   * Ids the tokenizer knows: a model's vocabulary is padded past it (to a multiple of 128), and a
   * generated padding id decodes to nothing, as HF's decode skips ids it does not know.
   */
  readonly vocabSize?: number;
}

export interface ArithmeticEvalOptions {
  tokenizer: ArithmeticTokenizer;
  generator: Generator;
  params: ArithmeticParams;
  /** Seed of each sub-task's few-shot sampler (lm-eval's default 1234). */
  fewshotSeed?: number;
  /** (items generated, items in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface ArithmeticRow {
  operation: ArithmeticOperation;
  shots: number;
  x1: number;
  x2: number;
  answer: number;
  /** The decoded generation up to its first stop string. */
  output: string;
  correct: boolean;
}

export interface ArithmeticAccuracy {
  operation: ArithmeticOperation;
  shots: number;
  x1: number;
  n: number;
  correct: number;
  acc: number;
}

export interface ArithmeticResult {
  /** In order of operation and shots (as given), then x1, then x2. */
  rows: ArithmeticRow[];
  /** One per (operation, shots, x1), in the rows' order. */
  accuracy: ArithmeticAccuracy[];
}

export const ARITHMETIC_FEWSHOT_SEED = 1234;

/**
 * Generates greedily (stopping at the end-of-text token too) for every item, and scores the first
 * 1-5 digit number of each output against the answer. Deterministic given a deterministic generator.
 */
export async function evaluateArithmetic(o: ArithmeticEvalOptions): Promise<ArithmeticResult> {
  const p = o.params;
  checkArithmeticParams(p);
  const seed = o.fewshotSeed ?? ARITHMETIC_FEWSHOT_SEED;
  const stops = arithmeticStops(p.template);
  const vocabSize = o.tokenizer.vocabSize;
  const x1s = Array.from({ length: p.x1[1] - p.x1[0] + 1 }, (_, i) => p.x1[0] + i);
  const perCall = x1s.length * (p.x2[1] - p.x2[0] + 1);
  const total = perCall * p.operations.length * p.shots.length;
  const rows: ArithmeticRow[] = [];
  const accuracy: ArithmeticAccuracy[] = [];
  let done = 0;
  o.onProgress?.(0, total);
  for (const operation of p.operations) {
    const items = arithmeticItems(operation, p.x1, p.x2);
    for (const shots of p.shots) {
      const prompts = x1s.flatMap((x1) => subtaskPrompts(p.template, items, x1, shots, seed));
      const ids = await Promise.all(prompts.map((q) => o.tokenizer.encode(q.prompt)));
      const outputs = await o.generator.generate(ids, p.maxNewTokens, [o.tokenizer.eodId], (n) => o.onProgress?.(done + Math.min(n, perCall), total));
      if (outputs.length !== prompts.length) throw new Error(`generator returned ${outputs.length} outputs for ${prompts.length} prompts`);
      const bySubtask = new Map<number, ArithmeticAccuracy>();
      for (const [i, { item }] of prompts.entries()) {
        const known = vocabSize === undefined ? outputs[i] : outputs[i].filter((id) => id < vocabSize);
        const output = cutAtStops(await o.tokenizer.decode(known), stops);
        const correct = isCorrect(output, item.answer);
        rows.push({ operation, shots, x1: item.x1, x2: item.x2, answer: item.answer, output, correct });
        const acc = bySubtask.get(item.x1) ?? { operation, shots, x1: item.x1, n: 0, correct: 0, acc: 0 };
        acc.n++;
        if (correct) acc.correct++;
        bySubtask.set(item.x1, acc);
      }
      for (const a of bySubtask.values()) accuracy.push({ ...a, acc: a.correct / a.n });
      done += perCall;
      o.onProgress?.(done, total);
    }
  }
  return { rows, accuracy };
}
