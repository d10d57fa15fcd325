import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSuiteSpec } from '@cohort/suite-spec';
import { getPreset } from '@cohort/model';
import { paddedVocab, parameterCount, planSuiteRuns } from '../src/temporal/run-planner';

const data = {
  vocabSize: 4100,
  variants: [
    { variant: 'standard' as const, seed: 1234, dataOrderId: 'order-std', orderHash: 'a' },
    { variant: 'deduplicated' as const, seed: 1234, dataOrderId: 'order-dedup', orderHash: 'b' },
  ],
};

const spec = validateSuiteSpec({
  name: 'plan',
  corpus: { kind: 'synthetic' },
  steps: 1000,
  models: [
    { name: 'tiny', preset: 'cpu-tiny' },
    { name: 'wide', preset: 'cpu-tiny', config: { hiddenSize: 128 }, learningRate: 3e-4, placement: 'gpu-h100' },
  ],
  checkpoints: { kind: 'every', every: 100 },
  interventions: [{ name: 'swap7', parent: 'tiny', transform: 'pronoun-swap', lastFraction: 0.07 }],
});

test('every model on every variant, then the interventions on each of their parent runs', () => {
  const runs = planSuiteRuns(spec, data);
  assert.deepEqual(
    runs.map((r) => [r.name, r.dataOrderId, r.placement]),
    [
      ['tiny-standard', 'order-std', 'cpu'],
      ['tiny-deduplicated', 'order-dedup', 'cpu'],
      ['wide-standard', 'order-std', 'gpu-h100'],
      ['wide-deduplicated', 'order-dedup', 'gpu-h100'],
      ['swap7-standard', 'order-std', 'cpu'],
      ['swap7-deduplicated', 'order-dedup', 'cpu'],
    ],
  );
});

test("an intervention branches at the last checkpoint before its share of training", () => {
  const swap = planSuiteRuns(spec, data).find((r) => r.name === 'swap7-standard');
  // 7% of 1000 steps starts at step 930; the last checkpoint at or before it is 900.
  assert.equal(swap?.branchStep, 900);
  assert.equal(swap?.parentName, 'tiny-standard');
  assert.equal(swap?.transform, 'pronoun-swap');
});

test('model configs: preset + explicit fields, the embedding padded to a multiple of 128', () => {
  const [tiny, , wide] = planSuiteRuns(spec, data);
  assert.equal(paddedVocab(4100), 4224);
  assert.equal(tiny.model.vocabSize, 4224);
  assert.equal(wide.model.hiddenSize, 128);
  assert.equal(wide.model.numLayers, getPreset('cpu-tiny').model.numLayers);
  assert.equal(wide.training.optimizer.lr, 3e-4);
  assert.deepEqual(wide.training.optimizer.schedule, { kind: 'neox', warmupSteps: 10, decaySteps: 1000, minLr: 0.1 * 3e-4 });
});

test('with seeds, every model × variant × seed is a run with its own order and initialisation seed', () => {
  const seeded = validateSuiteSpec({ ...spec, name: 'seeded', seeds: [1, 2], analyses: ['stability'] });
  const orders = { vocabSize: 4100, variants: [1, 2].map((seed) => ({ variant: 'standard' as const, seed, dataOrderId: `order-${seed}`, orderHash: `h${seed}` })) };
  const runs = planSuiteRuns(seeded, orders);
  assert.deepEqual(
    runs.map((r) => [r.name, r.dataOrderId, r.seed, r.training.seed, r.parentName ?? null]),
    [
      ['tiny-standard-seed1', 'order-1', 1, 1, null],
      ['tiny-standard-seed2', 'order-2', 2, 2, null],
      ['wide-standard-seed1', 'order-1', 1, 1, null],
      ['wide-standard-seed2', 'order-2', 2, 2, null],
      ['swap7-standard-seed1', 'order-1', 1, 1, 'tiny-standard-seed1'],
      ['swap7-standard-seed2', 'order-2', 2, 2, 'tiny-standard-seed2'],
    ],
  );
});

test("parameter counts match Pythia's published sizes", () => {
  assert.equal(parameterCount(getPreset('pythia-70m').model), 70_426_624);
  assert.equal(parameterCount(getPreset('pythia-14m').model), 14_067_712);
});
