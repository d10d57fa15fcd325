import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSuiteSpec, parseSuiteSpec, specHash, InvalidSuiteSpecError } from '../src';

const minimal = {
  name: 'tiny',
  corpus: { kind: 'synthetic' },
  steps: 16,
  models: [{ preset: 'cpu-tiny' }],
};

test('a minimal spec gets its defaults', () => {
  const spec = validateSuiteSpec(minimal);
  assert.equal(spec.seed, 1234);
  assert.deepEqual(spec.variants, ['standard']);
  assert.deepEqual(spec.checkpoints, { kind: 'pythia' });
  assert.equal(spec.placement.default, 'cpu');
});

test('YAML and JSON of the same spec hash the same, whatever the key order', () => {
  const yaml = 'steps: 16\nname: tiny\nmodels:\n  - preset: cpu-tiny\ncorpus:\n  kind: synthetic\n';
  assert.equal(specHash(parseSuiteSpec(yaml)), specHash(validateSuiteSpec(minimal)));
  assert.notEqual(specHash(validateSuiteSpec({ ...minimal, seed: 7 })), specHash(validateSuiteSpec(minimal)));
});

const badSpecs: Array<[string, unknown, string]> = [
  ['not an object', 42, ''],
  ['missing name', { ...minimal, name: undefined }, 'name'],
  ['bad name characters', { ...minimal, name: 'a b' }, 'name'],
  ['steps not a number', { ...minimal, steps: 'ten' }, 'steps'],
  ['zero steps', { ...minimal, steps: 0 }, 'steps'],
  ['no models', { ...minimal, models: [] }, 'models'],
  ['model without preset', { ...minimal, models: [{ name: 'a' }] }, 'models[0].preset'],
  ['unknown corpus kind', { ...minimal, corpus: { kind: 'web' } }, 'corpus.kind'],
  ['files corpus without paths', { ...minimal, corpus: { kind: 'files', paths: [] } }, 'corpus.paths'],
  ['tiny vocabulary', { ...minimal, tokenizer: { kind: 'train', vocabSize: 10 } }, 'tokenizer.vocabSize'],
  ['micro batch not dividing', { ...minimal, globalBatch: 8, microBatch: 3 }, 'microBatch'],
  ['checkpoint beyond the end', { ...minimal, checkpoints: { kind: 'list', steps: [0, 99] } }, 'checkpoints.steps[1]'],
  ['unknown variant', { ...minimal, variants: ['shuffled'] }, 'variants[0]'],
  ['repeated variant', { ...minimal, variants: ['standard', 'standard'] }, 'variants'],
  ['unknown field', { ...minimal, colour: 'red' }, ''],
  ['negative seed', { ...minimal, seed: -1 }, 'seed'],
  ['duplicate model names', { ...minimal, models: [{ preset: 'cpu-tiny' }, { preset: 'cpu-tiny' }] }, 'models[1].name'],
  ['unknown preset', { ...minimal, models: [{ preset: 'gpt-5' }] }, 'models[0].preset'],
  [
    'intervention on unknown parent',
    { ...minimal, interventions: [{ name: 'iv', parent: 'nope', transform: 'pronoun-swap', lastFraction: 0.07 }] },
    'interventions[0].parent',
  ],
  [
    'intervention fraction out of range',
    { ...minimal, interventions: [{ name: 'iv', parent: 'cpu-tiny', transform: 'pronoun-swap', lastFraction: 1.5 }] },
    'interventions[0].lastFraction',
  ],
  ['bands not dividing permutations', { ...minimal, dedup: { numPerm: 128, bands: 10 } }, 'dedup.bands'],
  ['unknown order mode', { ...minimal, orderMode: 'random' }, 'orderMode'],
  ['every-K schedule with K=0', { ...minimal, checkpoints: { kind: 'every', every: 0 } }, 'checkpoints.every'],
];

for (const [label, input, path] of badSpecs) {
  test(`rejects: ${label} (at "${path}")`, () => {
    assert.throws(
      () => validateSuiteSpec(input),
      (err: unknown) => {
        assert.ok(err instanceof InvalidSuiteSpecError);
        assert.ok(
          err.issues.some((i) => i.path === path),
          `expected an issue at "${path}", got ${JSON.stringify(err.issues)}`,
        );
        return true;
      },
    );
  });
}

test('unparseable YAML is a spec error, not a crash', () => {
  assert.throws(() => parseSuiteSpec('name: [unclosed'), InvalidSuiteSpecError);
});
