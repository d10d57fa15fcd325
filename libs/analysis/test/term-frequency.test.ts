import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deltaPerformance, logFrequencyBins } from '../src/term-frequency';
import { close, reference } from './helpers';

test("log-frequency bins match numpy: geomspace(1e5, 2e8, 21) edges, np.histogram's counts", () => {
  const { frequency, correct, edges, n, correctPerBin } = reference.termFrequency;
  const items = frequency.map((f: number, i: number) => ({ frequency: f, correct: correct[i] === 1 }));
  const bins = logFrequencyBins(items, { min: 1e5, max: 2e8 });
  assert.equal(bins.length, 20);
  bins.forEach((b, j) => {
    close(b.lo, edges[j], 1e-14);
    close(b.hi, edges[j + 1], 1e-14);
    assert.equal(b.n, n[j], `bin ${j}`);
    if (n[j] > 0) close(b.accuracy, correctPerBin[j] / n[j], 1e-15);
    else assert.ok(Number.isNaN(b.accuracy));
  });
  // The data reach beyond [1e5, 2e8] on both sides: those items are outside every bin.
  assert.ok(bins.reduce((s, b) => s + b.n, 0) < items.length);
});

test('log-frequency bins by hand: edges 1, 10, 100, 1000; zero frequency left out; top edge closed', () => {
  const items = [
    { frequency: 0, correct: 1 }, // no place on a log axis
    { frequency: 1, correct: 1 },
    { frequency: 9.99, correct: 0 },
    { frequency: 10, correct: 1 }, // a bin's lower edge belongs to it
    { frequency: 500, correct: 0.5 },
    { frequency: 1000, correct: true }, // the last bin is closed at the top
  ];
  const bins = logFrequencyBins(items, { bins: 3 });
  assert.deepEqual(
    bins.map((b) => [b.n, b.accuracy]),
    [
      [2, 0.5],
      [1, 1],
      [2, 0.75],
    ],
  );
  assert.equal(bins[0].lo, 1);
  close(bins[1].lo, 10, 1e-15);
  close(bins[2].lo, 100, 1e-15);
  assert.equal(bins[2].hi, 1000);
  assert.throws(() => logFrequencyBins([{ frequency: 0, correct: 1 }]), /need 0 < min < max/);
  assert.throws(() => logFrequencyBins(items, { bins: 0 }), /positive integer/);
});

test('Δ-performance by hand: top-k minus bottom-k accuracy ×100, frequency ties by x1 ascending', () => {
  const rows = [
    { x1: 0, frequency: 900, accuracy: 0.9 },
    { x1: 1, frequency: 800, accuracy: 0.7 },
    { x1: 2, frequency: 800, accuracy: 0.5 }, // ties with x1 = 1 for second place: x1 = 1 wins
    { x1: 3, frequency: 50, accuracy: 0.3 },
    { x1: 4, frequency: 10, accuracy: 0.2 },
    { x1: 5, frequency: 10, accuracy: 0.0 }, // ties with x1 = 4 for least frequent: x1 = 4 comes first
  ];
  // top 2: x1 0, 1 → 0.8; bottom 2: x1 4, 5 → 0.1; Δ = 70.
  close(deltaPerformance(rows, 2), 70, 1e-13);
  // k = 1: x1 0 (0.9) against x1 4 (0.2).
  close(deltaPerformance(rows, 1), 70, 1e-13);
  // k = 3: top x1 0, 1, 2 → 0.7; bottom x1 4, 5, 3 → 0.5/3.
  close(deltaPerformance(rows, 3), (0.7 - 0.5 / 3) * 100, 1e-13);
  assert.throws(() => deltaPerformance(rows), /at least 20 x1 values for k=10, got 6/);
  assert.throws(() => deltaPerformance([...rows, { x1: 0, frequency: 1, accuracy: 0 }], 1), /x1 values repeat/);
});
