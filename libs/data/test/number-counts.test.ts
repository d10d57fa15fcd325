import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { buildOperandCounts, countNearbyNumbers, operandCountAt } from '../src/number-counts';
import { buildDataOrder } from '../src/order/build-order';
import { openDataOrder } from '../src/order/data-order';
import { generateSyntheticCorpus } from '../src/synthetic/generate';
import { EOD_TOKEN, PAD_TOKEN } from '../src/tokenizer/bpe-trainer';
import { CohortTokenizer, trainTokenizer } from '../src/tokenizer/tokenizer';
import { tempDir } from './helpers';

const counts = (text: string, o?: Parameters<typeof countNearbyNumbers>[1]) => Object.fromEntries(countNearbyNumbers(text, o));

test('countNearbyNumbers: hand-counted texts', () => {
  assert.deepEqual(counts('1 + 2 = 3.'), { 1: 1, 2: 1, 3: 1 });
  assert.deepEqual(counts('2 + 2 = 4'), { 2: 2, 4: 1 }, 'each occurrence counts');
  assert.deepEqual(counts('a lone 42 here'), {});
  assert.deepEqual(counts('3 7'), { 3: 1, 7: 1 }, 'nothing between is near');
  // 10 -a b c- 20: three units between (near); 20 -d e f g- 30: four (not near).
  assert.deepEqual(counts('10 a b c 20 d e f g 30'), { 10: 1, 20: 1 });
  assert.deepEqual(counts('10 a b c 20 d e f g 30', { windowWords: 4 }), { 10: 1, 20: 1, 30: 1 });
  assert.deepEqual(counts('10 a b c 20', { windowWords: 2 }), {});
  // "apples and many pears ," is five units
  assert.deepEqual(counts('7 apples and many pears, 8'), {});
  assert.deepEqual(counts('7 apples and many pears, 8', { windowWords: 5 }), { 7: 1, 8: 1 });
  // Punctuation marks are one unit each: "..." is three, "...." four; "don't" is three units.
  assert.deepEqual(counts('5 ... 6'), { 5: 1, 6: 1 });
  assert.deepEqual(counts('5 .... 6'), {});
  assert.deepEqual(counts("5 don't 6 won't 9"), { 5: 1, 6: 1, 9: 1 });
  assert.deepEqual(counts("5 don't, 6"), {});
  // Numbers are named by their text; letters glued to digits are a unit of their own.
  assert.deepEqual(counts('07 and 7'), { '07': 1, 7: 1 });
  assert.deepEqual(counts('x2y3'), { 2: 1, 3: 1 });
  // Digit runs longer than maxDigits are words, not numbers.
  assert.deepEqual(counts('123456 and 7 8'), { 7: 1, 8: 1 });
  assert.deepEqual(counts('1 123456 2'), { 1: 1, 2: 1 });
  assert.deepEqual(counts('12345 + 1'), { 12345: 1, 1: 1 });
  assert.deepEqual(counts('100 + 5', { maxDigits: 2 }), {});
  // Unicode words (composed or decomposed) are one unit.
  assert.deepEqual(counts('5 café crème au 6'), { 5: 1, 6: 1 });
  assert.deepEqual(counts('5 cafe\u0301 cre\u0300me 6'), { 5: 1, 6: 1 });
  // A chain: every member with a neighbour on either side counts once.
  assert.deepEqual(counts('in 1999, 2000 and 2001 then nothing for a while until 3'), { 1999: 1, 2000: 1, 2001: 1 });
  const into = countNearbyNumbers('1 + 1', {}, new Map([['1', 5]]));
  assert.equal(into.get('1'), 7, 'adds into the given map');
  assert.throws(() => countNearbyNumbers('1', { windowWords: -1 }), /windowWords must be a non-negative integer/);
  assert.throws(() => countNearbyNumbers('1', { maxDigits: 0 }), /maxDigits must be a positive integer/);
});

async function numbersCorpus(dir: string) {
  const file = path.join(dir, 'corpus.jsonl');
  let s = 11;
  const rand = (n: number) => (s = (s * 48271) % 2147483647) % n;
  const lines: string[] = [];
  for (let d = 0; d < 60; d++) {
    const parts: string[] = [];
    for (let k = 0; k < 1 + (d % 4); k++) {
      const a = rand(30), b = rand(12);
      parts.push([`We had ${a} cats and ${b} dogs.`, `${a} + ${b} = ${a + b}.`, `The year ${1900 + a} was long ago and quiet; then ${b} came.`, `Nothing here.`][rand(4)]);
    }
    lines.push(JSON.stringify({ text: parts.join(' ') }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [file] }, vocabSize: 320, outPath: tokenizerPath });
  const ds = await buildTokenDataset({ corpus: { paths: [file] }, tokenizerPath, prefix: path.join(dir, 'd') });
  return { tokenizer: CohortTokenizer.load(tokenizerPath), ds };
}

/** The counts of one step's samples, by an independent route: each sample's first seq tokens decoded whole, split at the special tokens' text. */
async function naiveStep(order: ReturnType<typeof openDataOrder>, tokenizer: CohortTokenizer, step: number, into: Map<string, number>) {
  const seq = order.manifest.seqLength;
  for (let r = 0; r < order.manifest.globalBatch; r++) {
    const text = await tokenizer.decode(order.sample(step * order.manifest.globalBatch + r).subarray(0, seq));
    for (const piece of text.split(EOD_TOKEN).flatMap((p) => p.split(PAD_TOKEN))) countNearbyNumbers(piece, {}, into);
  }
}

test('buildOperandCounts: cumulative at each boundary, equal to the sums of the windows between', async () => {
  const dir = tempDir('numbers');
  const { tokenizer, ds } = await numbersCorpus(dir);
  buildDataOrder({ dataset: ds.prefix, outDir: path.join(dir, 'o'), seqLength: 24, globalBatch: 3, seed: 4, numSamples: 30, mode: 'neox' });
  const order = openDataOrder(path.join(dir, 'o'));
  assert.equal(order.steps, 10);
  const progress: number[] = [];
  const index = await buildOperandCounts(order, tokenizer, [7, 0, 3, 10, 3], { onProgress: (done, total) => progress.push(done / total) });
  assert.deepEqual(index.steps, [0, 3, 7, 10]);
  assert.equal(progress.length, 10);
  assert.equal(progress.at(-1), 1);
  assert.deepEqual(index.counts[0], index.terms.map(() => 0), 'nothing is counted before step 0');
  assert.ok(index.terms.length > 10, `many numbers are counted (${index.terms.join(' ')})`);
  assert.ok(index.terms.every((t, i) => i === 0 || Number(index.terms[i - 1]) <= Number(t)), 'terms in numeric order');

  // Per-window sums by the independent route, accumulated.
  const running = new Map<string, number>();
  for (const [k, boundary] of index.steps.entries()) {
    for (let step = k === 0 ? 0 : index.steps[k - 1]; step < boundary; step++) await naiveStep(order, tokenizer, step, running);
    assert.deepEqual(index.counts[k], index.terms.map((t) => running.get(t) ?? 0), `boundary ${boundary}`);
  }
  assert.equal(index.terms.length, running.size, 'every counted number is a term');
  for (let k = 1; k < index.steps.length; k++) assert.ok(index.counts[k].every((c, t) => c >= index.counts[k - 1][t]), 'cumulative');
  assert.ok(index.counts[3].reduce((a, b) => a + b, 0) > index.counts[1].reduce((a, b) => a + b, 0));

  // Fixed terms: the same counts, zeros for numbers never seen; a single later boundary agrees.
  const [t3, t1] = [index.terms[3], index.terms[1]];
  const fixed = await buildOperandCounts(order, tokenizer, [3, 10], { terms: [t3, 'nope', t1] });
  assert.deepEqual(fixed.terms, [t3, 'nope', t1]);
  assert.deepEqual(fixed.counts, [[operandCountAt(index, t3, 3), 0, operandCountAt(index, t1, 3)], [operandCountAt(index, t3, 10), 0, operandCountAt(index, t1, 10)]]);
  assert.equal(operandCountAt(fixed, 'nope', 10), 0);
  assert.throws(() => operandCountAt(fixed, t3, 7), /step 7 is not a counted boundary/);
  assert.throws(() => operandCountAt(fixed, '4444444', 3), /not in these operand counts/);
  await assert.rejects(buildOperandCounts(order, tokenizer, [11]), /must be integers in 0..10/);
  await assert.rejects(buildOperandCounts(order, tokenizer, []), /at least one step boundary/);
  const wide = await buildOperandCounts(order, tokenizer, [10], { windowWords: 12, terms: index.terms });
  assert.ok(wide.counts[0].every((c, t) => c >= index.counts[3][t]), 'a wider window counts at least as much');
  order.close();
});

test('buildOperandCounts: the planted arithmetic facts of the synthetic corpus, over one epoch', async () => {
  const dir = tempDir('numbers-synth');
  const synth = generateSyntheticCorpus({ outDir: path.join(dir, 's'), seed: 3, documents: 40, sentencesPerDocument: 2, arithmetic: { facts: 300, maxOperand: 10 } });
  const tokenizerPath = path.join(dir, 'tok.json');
  await trainTokenizer({ corpus: { paths: [synth.corpusFile] }, vocabSize: 300, outPath: tokenizerPath });
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const ds = await buildTokenDataset({ corpus: { paths: [synth.corpusFile] }, tokenizerPath, prefix: path.join(dir, 'd') });
  const seq = 32;
  const g0 = Math.ceil(ds.numTokens / seq); // the samples of epoch 0 tile the token stream
  buildDataOrder({ dataset: ds.prefix, outDir: path.join(dir, 'o'), seqLength: seq, globalBatch: 1, seed: 0, numSamples: g0, mode: 'cohort' });
  const order = openDataOrder(path.join(dir, 'o'));
  const terms = ['0', '1', '2', '3', '5', '8'];
  const index = await buildOperandCounts(order, tokenizer, [g0], { terms });
  // The background grammar has no digits: every number is a fact's a, b or c (a number cut by a
  // sample boundary can lose a neighbour or turn into two pieces, so the match is close, not exact).
  for (const term of terms) {
    const planted = synth.arithmetic!.facts.reduce((n, f) => n + [f.a, f.b, f.a + f.b].filter((x) => String(x) === term).length, 0);
    const got = operandCountAt(index, term, g0);
    assert.ok(got >= planted * 0.95 && got <= planted * 1.05 + 2, `${term}: ${got} counted, ${planted} planted`);
  }
  order.close();
});
