import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interventionDeltas } from '../src/bias';

test('intervention deltas by hand: child against parent at shared (metric, step), in the child’s row order', () => {
  const rows = [
    { run: 'base', step: 1000, metric: 'winobias', value: 0.6 },
    { run: 'base', step: 2000, metric: 'winobias', value: 0.5 },
    { run: 'base', step: 2000, metric: 'lambada', value: 0 },
    { run: 'swap', parent: 'base', step: 2000, metric: 'winobias', value: 0.4 },
    { run: 'swap', parent: 'base', step: 3000, metric: 'winobias', value: 0.3 }, // the parent has no step 3000
    { run: 'swap', parent: 'base', step: 2000, metric: 'lambada', value: 0.1 }, // parent 0: no relative change
    { run: 'swap', parent: 'base', step: 1000, metric: 'winobias', value: 0.75 },
    { run: 'orphan', parent: 'missing', step: 1000, metric: 'winobias', value: 0.1 },
  ];
  const deltas = interventionDeltas(rows);
  assert.deepEqual(
    deltas.map(({ run, parent, step, metric, value, parentValue }) => ({ run, parent, step, metric, value, parentValue })),
    [
      { run: 'swap', parent: 'base', step: 2000, metric: 'winobias', value: 0.4, parentValue: 0.5 },
      { run: 'swap', parent: 'base', step: 2000, metric: 'lambada', value: 0.1, parentValue: 0 },
      { run: 'swap', parent: 'base', step: 1000, metric: 'winobias', value: 0.75, parentValue: 0.6 },
    ],
  );
  assert.deepEqual(
    deltas.map((d) => [d.delta, d.relative]),
    [
      [0.4 - 0.5, (0.4 - 0.5) / 0.5],
      [0.1, NaN],
      [0.75 - 0.6, (0.75 - 0.6) / 0.6],
    ],
  );
});

test('a negative parent value keeps the sign of the change; inconsistent or repeated rows are rejected', () => {
  const [d] = interventionDeltas([
    { run: 'p', step: 0, metric: 'm', value: -2 },
    { run: 'c', parent: 'p', step: 0, metric: 'm', value: -1 },
  ]);
  assert.deepEqual([d.delta, d.relative], [1, 0.5]);
  assert.throws(
    () => interventionDeltas([{ run: 'c', parent: 'p', step: 0, metric: 'm', value: 1 }, { run: 'c', parent: 'q', step: 1, metric: 'm', value: 1 }]),
    /run c has rows with parents p and q/,
  );
  assert.throws(
    () => interventionDeltas([{ run: 'c', step: 0, metric: 'm', value: 1 }, { run: 'c', step: 0, metric: 'm', value: 2 }]),
    /run c reports m at step 0 twice/,
  );
});
