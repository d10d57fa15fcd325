import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveOutliers, flagOutliers, seedBand } from '../src/stability';
import { close, reference } from './helpers';

const seeds = (values: number[]) => values.map((value, i) => ({ run: `seed${i}`, value }));

test('seed band by hand: n, mean, sample std, min, max', () => {
  assert.deepEqual(seedBand(seeds([1, 2, 3, 6])), { n: 4, mean: 3, std: Math.sqrt(14 / 3), min: 1, max: 6 });
  const one = seedBand(seeds([0.5]));
  assert.deepEqual([one.n, one.mean, one.min, one.max], [1, 0.5, 0.5, 0.5]);
  assert.ok(Number.isNaN(one.std));
});

test('leave-one-out outliers by hand: the outlier is judged against the others only', () => {
  // With 0.60 included the band would be wide enough to hide it. Against the others (mean 0.48,
  // std 0.0158) it is t = 0.12/(0.0158·√1.2) = 6.93 with 4 df, p = 0.0023; none of the others is flagged.
  const values = seeds([0.48, 0.5, 0.46, 0.47, 0.49, 0.6]);
  const outliers = flagOutliers(values);
  assert.equal(outliers.length, 1);
  const [o] = outliers;
  assert.equal(o.run, 'seed5');
  close(o.othersMean, 0.48, 1e-15);
  close(o.othersStd, Math.sqrt(0.001 / 4), 1e-14);
  close(o.t, 0.12 / (Math.sqrt(0.001 / 4) * Math.sqrt(1.2)), 1e-13);
  close(o.t, reference.stability.t, 1e-12);
  close(o.pValue, reference.stability.pValue, 1e-10);
  assert.deepEqual(flagOutliers(values, { alpha: 0.001 }), []);
});

test('outliers need three seeds; identical others flag any difference; runs must be unique', () => {
  assert.deepEqual(flagOutliers(seeds([0.1, 0.9])), []);
  const [o] = flagOutliers(seeds([1, 1, 1, 2]));
  assert.deepEqual([o.run, o.othersStd, o.t, o.pValue], ['seed3', 0, Infinity, 0]);
  assert.throws(() => flagOutliers([{ run: 'a', value: 1 }, { run: 'a', value: 2 }, { run: 'b', value: 3 }]), /run a appears twice/);
});

test('curve outliers by hand: the fraction of shared steps outside the band, flagged above one half', () => {
  const steps = [0, 1000, 2000, 3000];
  const curve = (run: string, values: number[]) => ({ run, points: values.map((value, i) => ({ step: steps[i], value })) });
  // Healthy seeds sit at −0.1, −0.06, 0, +0.06, +0.1 around the step's level; each stays inside the
  // 95% prediction interval of the other four (the closest call: t = 1.6 with 3 df).
  const healthy = [curve('a', [0.9, 1.9, 2.9, 3.9]), curve('b', [0.94, 1.94, 2.94, 3.94]), curve('c', [1.06, 2.06, 3.06, 4.06])];
  const offAtTheEnd = curve('d', [1, 2, 9, 9]);
  const withoutLastStep = curve('e', [1.1, 2.1, 3.1]); // no step 3000, so only 0…2000 are shared
  const result = curveOutliers([...healthy, offAtTheEnd, withoutLastStep]);
  assert.deepEqual(
    result.map((r) => [r.run, r.sharedSteps, r.outsideSteps, r.flagged]),
    [
      ['a', 3, 0, false],
      ['b', 3, 0, false],
      ['c', 3, 0, false],
      ['d', 3, 1, false], // outside at 2000 only: 1/3 is not a persistent difference
      ['e', 3, 0, false],
    ],
  );
  close(result[3].fraction, 1 / 3, 1e-15);
  const persistent = curveOutliers([...healthy, curve('d', [9, 2, 9, 9]), curve('e', [1.1, 2.1, 3.1, 4.1])]);
  assert.deepEqual(
    persistent.map((r) => [r.run, r.outsideSteps, r.fraction, r.flagged]),
    [
      ['a', 0, 0, false],
      ['b', 0, 0, false],
      ['c', 0, 0, false],
      ['d', 3, 0.75, true],
      ['e', 0, 0, false],
    ],
  );
  const few = curveOutliers(healthy.slice(0, 2));
  assert.ok(few.every((r) => Number.isNaN(r.fraction) && !r.flagged));
  assert.throws(() => curveOutliers([{ run: 'a', points: [{ step: 0, value: 1 }, { step: 0, value: 2 }] }]), /run a has step 0 twice/);
});
