import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poissonBinTest } from '../src/poisson-test';
import { close, reference } from './helpers';

function flagsOf(c: { sequences: number; memorizedAt: number[] }): Uint8Array {
  const flags = new Uint8Array(c.sequences);
  for (const i of c.memorizedAt) flags[i] = 1;
  return flags;
}

test('poisson bin test equals numpy/scipy: bins, dispersion test, pooled chi-square, Q–Q', () => {
  for (const c of reference.poissonTest) {
    const r = poissonBinTest(flagsOf(c), c.binSize);
    assert.deepEqual(r.bins, c.bins, c.name);
    assert.equal(r.droppedSequences, c.droppedSequences, c.name);
    close(r.lambda, c.lambda, 1e-15, 0, c.name);
    assert.equal(r.dispersion.df, c.dispersion.df);
    close(r.dispersion.statistic, c.dispersion.statistic, 1e-13, 0, `${c.name}: D`);
    // The p-values move ~300× faster than D (1e-102 in the bunched case), so D's last-bit
    // difference from numpy's pairwise sum shows at ~1e-13.
    close(r.dispersion.pValue, c.dispersion.pValue, 1e-11, 0, `${c.name}: p`);
    close(r.dispersion.pValueTwoSided, c.dispersion.pValueTwoSided, 1e-11, 0, `${c.name}: two-sided p`);
    close(r.dispersion.varianceToMean, c.dispersion.statistic / c.dispersion.df, 1e-13);
    const cells = r.chiSquare.pooledCells;
    assert.deepEqual(
      cells.map(({ lo, hi, observed }) => [lo, hi, observed]),
      c.chiSquare.pooledCells.map((e: any) => [e.lo, e.hi ?? Infinity, e.observed]),
      c.name,
    );
    cells.forEach((cell, i) => close(cell.expected, c.chiSquare.pooledCells[i].expected, 1e-13, 0, `${c.name}: expected`));
    assert.equal(r.chiSquare.df, c.chiSquare.df);
    if (c.chiSquare.pValue === null) {
      assert.ok(Number.isNaN(r.chiSquare.statistic) && Number.isNaN(r.chiSquare.pValue), c.name);
    } else {
      close(r.chiSquare.statistic, c.chiSquare.statistic, 1e-12, 0, `${c.name}: X²`);
      close(r.chiSquare.pValue, c.chiSquare.pValue, 1e-11, 0, `${c.name}: X² p`);
    }
    assert.deepEqual(r.qq.theoretical, c.qq.theoretical, c.name);
    assert.deepEqual(r.qq.sample, c.qq.sample, c.name);
  }
});

test('the bunched case is flagged: overdispersion p < 1e-100, the evenly spread one is not', () => {
  const [uniform, bunched] = reference.poissonTest;
  assert.ok(poissonBinTest(flagsOf(bunched), bunched.binSize).dispersion.pValue < 1e-100);
  assert.ok(poissonBinTest(flagsOf(uniform), uniform.binSize).dispersion.pValue > 0.05);
});

test('pooled cells cover 0…∞ without gaps, each expecting ≥ 5 bins, n in all', () => {
  for (const c of reference.poissonTest) {
    const { bins, chiSquare } = poissonBinTest(flagsOf(c), c.binSize);
    const cells = chiSquare.pooledCells;
    assert.equal(cells[0].lo, 0);
    assert.equal(cells.at(-1)!.hi, Infinity);
    cells.slice(1).forEach((cell, i) => assert.equal(cell.lo, cells[i].hi + 1));
    for (const cell of cells) assert.ok(cell.expected >= 5);
    close(cells.reduce((s, cell) => s + cell.expected, 0), bins.length, 1e-13);
    assert.equal(cells.reduce((s, cell) => s + cell.observed, 0), bins.length);
  }
});

test('poisson bin test by hand: six bins of four, three sequences dropped', () => {
  const bins = [1, 3, 0, 2, 4, 2];
  const flags = bins.flatMap((k) => [1, 1, 1, 1].map((_, i) => (i < k ? 1 : 0))).concat([1, 1, 0]);
  const r = poissonBinTest(flags, 4);
  assert.deepEqual(r.bins, bins);
  assert.equal(r.droppedSequences, 3);
  assert.equal(r.lambda, 2);
  // Σ(x − 2)² = 1 + 1 + 4 + 0 + 4 + 0 = 10, D = 10 / 2 = 5 on 5 df: variance equals the mean.
  assert.equal(r.dispersion.statistic, 5);
  assert.equal(r.dispersion.df, 5);
  assert.equal(r.dispersion.varianceToMean, 1);
  close(r.dispersion.pValue, 0.4158801869955079, 1e-14); // scipy.stats.chi2.sf(5, 5)
  // D is above χ²(5)'s median (4.35), so the upper tail is the smaller one and is doubled.
  close(r.dispersion.pValueTwoSided, 2 * 0.4158801869955079, 1e-14);
  // Six bins expect < 5 beyond one count cell, so the fit has one cell and nothing to test.
  assert.equal(r.chiSquare.pooledCells.length, 1);
  assert.equal(r.chiSquare.df, -1);
  assert.ok(Number.isNaN(r.chiSquare.statistic) && Number.isNaN(r.chiSquare.pValue));
  // Hazen positions 1/12, 3/12, …, 11/12 against cdf(0…4; 2) = .135, .406, .677, .857, .947.
  assert.deepEqual(r.qq.theoretical, [0, 1, 2, 2, 3, 4]);
  assert.deepEqual(r.qq.sample, [0, 1, 2, 2, 3, 4]);
});

test('nothing memorized (λ = 0): NaN statistics, Q–Q points at 0', () => {
  const r = poissonBinTest(new Uint8Array(3 * 512));
  assert.deepEqual(r.bins, [0, 0, 0]);
  assert.equal(r.lambda, 0);
  for (const v of [r.dispersion.statistic, r.dispersion.pValue, r.dispersion.pValueTwoSided, r.chiSquare.statistic, r.chiSquare.pValue]) {
    assert.ok(Number.isNaN(v));
  }
  assert.deepEqual(r.qq, { theoretical: [0, 0, 0], sample: [0, 0, 0] });
});

test('poisson bin test rejects fewer than two complete bins, flags other than 0/1, a bad bin size', () => {
  assert.throws(() => poissonBinTest(new Uint8Array(1023)), /at least 2 complete bins, got 1 \(1023 sequences, bin size 512\)/);
  assert.throws(() => poissonBinTest([0, 1, 2, 0], 2), /memorized\[2\] is 2, not 0 or 1/);
  assert.throws(() => poissonBinTest([0, 1, 0, 0], 1.5), /positive integer/);
});
