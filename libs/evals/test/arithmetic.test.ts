import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arithmeticItems, arithmeticParamErrors, arithmeticQuestion, checkArithmeticParams, cutAtStops, firstNumber, isCorrect, subtaskPrompts,
  type ArithmeticParams,
} from '../src/arithmetic/task';
import { evaluateArithmetic } from '../src/arithmetic/evaluate';
import type { Generator } from '../src/scorer/engine-generator';
import { WordTokenizer } from './helpers';

const PARAMS: ArithmeticParams = { template: 'pythia', operations: ['plus', 'times'], shots: [0, 2], x1: [0, 3], x2: [1, 4], maxNewTokens: 8 };

describe('arithmetic prompts', () => {
  const plus = arithmeticItems('plus', [0, 3], [1, 4]);

  it('items: one per (x1, x2), ordered by x1 then x2, with the answer', () => {
    assert.equal(plus.length, 16);
    assert.deepEqual(plus[0], { operation: 'plus', x1: 0, x2: 1, answer: 1 });
    assert.deepEqual(plus[6], { operation: 'plus', x1: 1, x2: 3, answer: 4 });
    assert.deepEqual(arithmeticItems('times', [7, 7], [1, 50])[49], { operation: 'times', x1: 7, x2: 50, answer: 350 });
  });

  it('pythia template, 0 and 2 shots: the exact strings (draws as CPython random.Random(1234).sample)', () => {
    assert.equal(arithmeticQuestion('pythia', { operation: 'times', x1: 12, x2: 3, answer: 36 }), 'Q:What is 12 times 3? A:');
    const zero = subtaskPrompts('pythia', plus, 2, 0, 1234);
    assert.deepEqual(zero.map((p) => p.prompt), ['Q:What is 2 plus 1? A:', 'Q:What is 2 plus 2? A:', 'Q:What is 2 plus 3? A:', 'Q:What is 2 plus 4? A:']);
    assert.deepEqual(zero.map((p) => p.item.x2), [1, 2, 3, 4]);
    // python: pool = [(a, b) for a in (0, 1, 3) for b in 1..4]; r = Random(1234); r.sample(pool, 2) per item:
    // [(1,4),(0,2)], [(0,1),(0,2)], [(3,2),(0,1)], [(3,3),(0,2)]
    const two = subtaskPrompts('pythia', plus, 2, 2, 1234).map((p) => p.prompt);
    assert.deepEqual(two, [
      'Q:What is 1 plus 4? A: 5\n\nQ:What is 0 plus 2? A: 2\n\nQ:What is 2 plus 1? A:',
      'Q:What is 0 plus 1? A: 1\n\nQ:What is 0 plus 2? A: 2\n\nQ:What is 2 plus 2? A:',
      'Q:What is 3 plus 2? A: 5\n\nQ:What is 0 plus 1? A: 1\n\nQ:What is 2 plus 3? A:',
      'Q:What is 3 plus 3? A: 6\n\nQ:What is 0 plus 2? A: 2\n\nQ:What is 2 plus 4? A:',
    ]);
    // Pythia's own ranges (x1 0..99, x2 1..50), x1 = 7: the large-population branch of sample().
    const times = subtaskPrompts('pythia', arithmeticItems('times', [0, 99], [1, 50]), 7, 2, 1234);
    assert.equal(times.length, 50);
    assert.equal(times[0].prompt, 'Q:What is 73 times 11? A: 803\n\nQ:What is 20 times 8? A: 160\n\nQ:What is 7 times 1? A:');
    assert.equal(times[1].prompt, 'Q:What is 1 times 12? A: 12\n\nQ:What is 15 times 43? A: 645\n\nQ:What is 7 times 2? A:');
  });

  it('synthetic template, 0 and 2 shots: the planted facts\' form', () => {
    assert.deepEqual(subtaskPrompts('synthetic', plus, 2, 0, 1234).map((p) => p.prompt)[0], '2 + 1 =');
    const two = subtaskPrompts('synthetic', plus, 2, 2, 1234).map((p) => p.prompt);
    assert.equal(two[0], '1 + 4 = 5.\n\n0 + 2 = 2.\n\n2 + 1 =');
    assert.equal(two[3], '3 + 3 = 6.\n\n0 + 2 = 2.\n\n2 + 4 =');
    assert.throws(() => arithmeticQuestion('synthetic', { operation: 'times', x1: 1, x2: 2, answer: 2 }), /sums only/);
  });

  it('few-shot examples never come from the sub-task\'s own x1', () => {
    for (const p of subtaskPrompts('pythia', plus, 1, 12, 99)) {
      const examples = p.prompt.split('\n\n').slice(0, -1);
      assert.equal(examples.length, 12);
      assert.ok(examples.every((e) => !e.startsWith('Q:What is 1 plus')), p.prompt);
    }
    assert.throws(() => subtaskPrompts('pythia', plus, 1, 13, 99), /13 shots need 13 examples, but the items of the other x1 values number 12/);
  });
});

describe('arithmetic answers', () => {
  it('the first 1-5 digit number is compared, as text, with the answer', () => {
    assert.equal(firstNumber(' 42'), '42');
    assert.equal(firstNumber(' about 7 or 8'), '7');
    assert.equal(firstNumber('1234567'), '12345');
    assert.equal(firstNumber(' none'), null);
    assert.equal(firstNumber('-3'), '3');
    assert.ok(isCorrect(' 12 apples', 12));
    assert.ok(isCorrect('12.', 12));
    assert.ok(!isCorrect(' 123', 12));
    assert.ok(!isCorrect(' 012', 12));
    assert.ok(!isCorrect(' twelve', 12));
    assert.ok(!isCorrect('123456', 123456), 'six digits are beyond the parse');
  });

  it('outputs are cut at the first stop string', () => {
    assert.equal(cutAtStops(' 7\n\nQ:What is 8', ['\n']), ' 7');
    assert.equal(cutAtStops(' 7. 8 + 1 = 9.', ['.', '\n']), ' 7');
    assert.equal(cutAtStops(' 7\n.', ['.', '\n']), ' 7');
    assert.equal(cutAtStops(' 7', ['\n']), ' 7');
  });

  it('bad parameters are reported with what to change', () => {
    assert.deepEqual(arithmeticParamErrors(PARAMS), []);
    const bad = (patch: Partial<ArithmeticParams>) => arithmeticParamErrors({ ...PARAMS, ...patch }).join('; ');
    assert.match(bad({ x1: [5, 3] }), /x1 range \[5, 3\]: lo must not exceed hi/);
    assert.match(bad({ x2: [-1, 3] }), /x2 must be \[lo, hi\] of non-negative integers/);
    assert.match(bad({ shots: [0, 13] }), /13 shots need 13 examples from the items of the other x1 values, but x1 0..3 × x2 1..4 leaves only 12/);
    assert.match(bad({ x1: [4, 4], shots: [1] }), /leaves only 0/);
    assert.match(bad({ shots: [2, 2] }), /shot counts repeat/);
    assert.match(bad({ shots: [-1] }), /non-negative integers/);
    assert.match(bad({ template: 'synthetic' }), /synthetic template asks sums only/);
    assert.deepEqual(arithmeticParamErrors({ ...PARAMS, template: 'synthetic', operations: ['plus'] }), []);
    assert.match(bad({ operations: [] }), /at least one of plus, times/);
    assert.match(bad({ operations: ['plus', 'plus'] }), /operations repeat/);
    assert.match(bad({ x1: [0, 999], x2: [1, 500] }), /times: answers up to 499500 exceed the 5 digits/);
    assert.match(bad({ maxNewTokens: 0 }), /maxNewTokens must be a positive integer/);
    assert.throws(() => checkArithmeticParams({ ...PARAMS, x1: [5, 3] }), /^Error: arithmetic parameters: x1 range/);
  });
});

/** Reads the last question of each prompt and answers it right when `knows(x1)`, else with a wrong number. */
function fakeGenerator(tokenizer: WordTokenizer, knows: (x1: number) => boolean): Generator & { calls: number } {
  const g = {
    calls: 0,
    async generate(prompts: number[][], maxNewTokens: number, stop: readonly number[] = []) {
      g.calls++;
      assert.equal(maxNewTokens, 8);
      assert.deepEqual(stop, [tokenizer.eodId]);
      return Promise.all(
        prompts.map(async (ids) => {
          const text = tokenizer.decode(ids);
          const m = /(?:Q:What is (\d+) (plus|times) (\d+)\? A:|(\d+) \+ (\d+) =)$/.exec(text);
          assert.ok(m, text);
          const [x1, x2] = m[1] ? [Number(m[1]), Number(m[3])] : [Number(m[4]), Number(m[5])];
          const answer = m[2] === 'times' ? x1 * x2 : x1 + x2;
          return tokenizer.encode(knows(x1) ? ` ${answer}.\n\nQ:What is` : ` ${answer + 1}\n`);
        }),
      );
    },
  };
  return g;
}

describe('evaluateArithmetic over a Generator', () => {
  it('rows and per-(operation, shots, x1) accuracy from what the generator answers', async () => {
    const tokenizer = new WordTokenizer();
    const generator = fakeGenerator(tokenizer, (x1) => x1 % 2 === 0);
    const progress: [number, number][] = [];
    const result = await evaluateArithmetic({ tokenizer, generator, params: PARAMS, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(generator.calls, 4, 'one generation call per (operation, shots)');
    assert.equal(result.rows.length, 2 * 2 * 4 * 4);
    assert.deepEqual(result.rows[0], { operation: 'plus', shots: 0, x1: 0, x2: 1, answer: 1, output: ' 1.', correct: true });
    assert.deepEqual(result.rows[4], { operation: 'plus', shots: 0, x1: 1, x2: 1, answer: 2, output: ' 3', correct: false });
    assert.deepEqual(result.rows.at(-1), { operation: 'times', shots: 2, x1: 3, x2: 4, answer: 12, output: ' 13', correct: false });
    assert.deepEqual(result.rows[16 * 3 + 8 + 1], { operation: 'times', shots: 2, x1: 2, x2: 2, answer: 4, output: ' 4.', correct: true });
    assert.equal(result.accuracy.length, 2 * 2 * 4);
    assert.deepEqual(result.accuracy.slice(0, 4), [0, 1, 2, 3].map((x1) => ({ operation: 'plus', shots: 0, x1, n: 4, correct: x1 % 2 === 0 ? 4 : 0, acc: x1 % 2 === 0 ? 1 : 0 })));
    assert.deepEqual(result.accuracy.map((a) => `${a.operation}/${a.shots}/${a.x1}=${a.acc}`).slice(4, 8), ['plus/2/0=1', 'plus/2/1=0', 'plus/2/2=1', 'plus/2/3=0']);
    assert.deepEqual(progress.at(-1), [64, 64]);
    assert.ok(progress.every(([d], i) => i === 0 || d >= progress[i - 1][0]), 'progress only grows');
  });

  it('the synthetic template stops at the period; a partial knower gets a fraction right', async () => {
    const tokenizer = new WordTokenizer();
    // knows x1 = 5 only for x2 ≤ 2: answers by x2 → half right
    let asked = 0;
    const generator: Generator = {
      async generate(prompts) {
        return Promise.all(
          prompts.map(async (ids) => {
            const [, a, b] = /(\d+) \+ (\d+) =$/.exec(tokenizer.decode(ids))!;
            asked++;
            return tokenizer.encode(Number(b) <= 2 ? ` ${Number(a) + Number(b)}. 1 + 1 = 2.` : ' 99.');
          }),
        );
      },
    };
    const result = await evaluateArithmetic({ tokenizer, generator, params: { ...PARAMS, template: 'synthetic', operations: ['plus'], shots: [4], x1: [5, 6] } });
    assert.equal(asked, 8);
    assert.deepEqual(result.rows.map((r) => r.output), [' 6', ' 7', ' 99', ' 99', ' 7', ' 8', ' 99', ' 99']);
    assert.deepEqual(result.accuracy, [
      { operation: 'plus', shots: 4, x1: 5, n: 4, correct: 2, acc: 0.5 },
      { operation: 'plus', shots: 4, x1: 6, n: 4, correct: 2, acc: 0.5 },
    ]);
  });

  it('generated ids beyond the tokenizer\'s vocabulary (a padded model vocabulary) decode to nothing', async () => {
    const words = new WordTokenizer();
    const tokenizer = Object.assign(words, { vocabSize: 1000 });
    const generator: Generator = {
      async generate(prompts) {
        return Promise.all(prompts.map(async () => [1000, ...(await words.encode(' 4')), 1003, ...(await words.encode('\n'))]));
      },
    };
    const result = await evaluateArithmetic({ tokenizer, generator, params: { ...PARAMS, operations: ['times'], shots: [0], x1: [2, 2], x2: [2, 2] } });
    assert.deepEqual(result.rows, [{ operation: 'times', shots: 0, x1: 2, x2: 2, answer: 4, output: ' 4', correct: true }]);
  });

  it('rejects bad parameters before generating anything', async () => {
    const tokenizer = new WordTokenizer();
    const generator = fakeGenerator(tokenizer, () => true);
    await assert.rejects(evaluateArithmetic({ tokenizer, generator, params: { ...PARAMS, shots: [16] } }), /16 shots need 16 examples/);
    assert.equal(generator.calls, 0);
  });
});
