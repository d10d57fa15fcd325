// Seed-to-seed variation: the band a metric spans across runs that differ only in their seed, and
// the runs that fall outside it.
import { mean, range, sampleStd } from './descriptive';
import { studentTSf } from './distributions';

export interface RunValue {
  run: string;
  value: number;
}

export interface SeedBand {
  n: number;
  mean: number;
  /** Sample standard deviation (ddof=1); NaN for a single seed. */
  std: number;
  min: number;
  max: number;
}

export interface Outlier extends RunValue {
  /** Mean and standard deviation of the other seeds: the band this run is judged against. */
  othersMean: number;
  othersStd: number;
  /** (value − othersMean) / (othersStd·√(1 + 1/m)), m others; ±Infinity when they agree exactly. */
  t: number;
  /** Two-sided P(|T| ≥ |t|), T Student t with m − 1 df: how surprising the run is as one more seed. */
  pValue: number;
}

export interface CurveOutlier {
  run: string;
  /** Steps every curve has. */
  sharedSteps: number;
  outsideSteps: number;
  /** outsideSteps / sharedSteps; NaN with fewer than 3 curves or no shared step. */
  fraction: number;
  /** Outside the band at more than half of the shared steps. */
  flagged: boolean;
}

function checkUniqueRuns(runs: readonly string[]): void {
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run)) throw new RangeError(`stability: run ${run} appears twice`);
    seen.add(run);
  }
}

export function seedBand(values: readonly RunValue[]): SeedBand {
  const xs = values.map((v) => v.value);
  return { n: xs.length, mean: mean(xs), std: sampleStd(xs), ...range(xs) };
}

/**
 * Runs outside the other seeds' (1 − α) prediction interval. Each run is judged against the others
 * only (leave-one-out), so an outlier cannot widen the band that should catch it. For seeds drawn
 * from one normal distribution, (value − othersMean)/(othersStd·√(1 + 1/m)) is Student t with
 * m − 1 df (m others), so a healthy run is flagged with probability α whatever the number of
 * seeds: a fixed "k standard deviations" rule would flag healthy runs far more often when the
 * others' standard deviation rests on 2 or 4 values. Needs 3 seeds (2 others); fewer flag nothing.
 */
export function flagOutliers(values: readonly RunValue[], { alpha = 0.05 }: { alpha?: number } = {}): Outlier[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`stability: alpha must lie in (0, 1), got ${alpha}`);
  checkUniqueRuns(values.map((v) => v.run));
  if (values.length < 3) return [];
  const outliers: Outlier[] = [];
  values.forEach(({ run, value }, i) => {
    const others = values.filter((_, j) => j !== i).map((v) => v.value);
    const othersMean = mean(others);
    const othersStd = sampleStd(others);
    const gap = value - othersMean;
    const t = gap === 0 ? 0 : gap / (othersStd * Math.sqrt(1 + 1 / others.length));
    const pValue = Number.isFinite(t) ? 2 * studentTSf(Math.abs(t), others.length - 1) : 0;
    if (pValue < alpha) outliers.push({ run, value, othersMean, othersStd, t, pValue });
  });
  return outliers;
}

/**
 * Per run, the share of steps at which its curve lies outside the leave-one-out band of the other
 * seeds (as flagOutliers, step by step). Only steps that every curve has count, so each step's
 * band is built from the same seeds. A run is flagged when it is outside at more than half of
 * them: a persistently different run, not one noisy evaluation.
 */
export function curveOutliers(
  curves: readonly { run: string; points: readonly { step: number; value: number }[] }[],
  { alpha = 0.05 }: { alpha?: number } = {},
): CurveOutlier[] {
  checkUniqueRuns(curves.map((c) => c.run));
  const byStep = curves.map(({ run, points }) => {
    const values = new Map<number, number>();
    for (const p of points) {
      if (values.has(p.step)) throw new RangeError(`stability: run ${run} has step ${p.step} twice`);
      values.set(p.step, p.value);
    }
    return values;
  });
  const shared = curves.length === 0 ? [] : [...byStep[0].keys()].filter((step) => byStep.every((m) => m.has(step)));
  const outside = new Map<string, number>(curves.map((c) => [c.run, 0]));
  for (const step of shared) {
    const atStep = curves.map((c, i) => ({ run: c.run, value: byStep[i].get(step)! }));
    for (const o of flagOutliers(atStep, { alpha })) outside.set(o.run, outside.get(o.run)! + 1);
  }
  return curves.map(({ run }) => {
    const outsideSteps = outside.get(run)!;
    const fraction = curves.length < 3 ? NaN : outsideSteps / shared.length;
    return { run, sharedSteps: shared.length, outsideSteps, fraction, flagged: fraction > 0.5 };
  });
}
