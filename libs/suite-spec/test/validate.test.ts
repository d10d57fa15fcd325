import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSuiteSpec, parseSuiteSpec, specHash, InvalidSuiteSpecError } from '../src';
import { badSpecs, minimal } from './bad-specs';


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

test('training length in tokens becomes whole steps', () => {
  const spec = validateSuiteSpec({ ...minimal, steps: undefined, tokens: 10_000, seqLength: 128, globalBatch: 8 });
  assert.equal(spec.steps, 10); // ceil(10000 / 1024)
});

test('explicit model config fields override the preset', () => {
  const spec = validateSuiteSpec({ ...minimal, models: [{ preset: 'cpu-tiny', config: { numLayers: 3, hiddenAct: 'gelu_new' } }] });
  assert.deepEqual(spec.models[0].config, { numLayers: 3, hiddenAct: 'gelu_new' });
  assert.deepEqual(spec.lrSchedule, { kind: 'neox', warmupFraction: 0.01, minLrRatio: 0.1 });
});

test('files the spec names must exist when asked to check', () => {
  const spec = { ...minimal, corpus: { kind: 'files', paths: [__filename, '/no/such/corpus.txt'] } };
  validateSuiteSpec(spec); // a remote CLI cannot see the server's files
  assert.throws(
    () => validateSuiteSpec(spec, { checkPaths: true }),
    (err: InvalidSuiteSpecError) => err.issues.length === 1 && err.issues[0].path === 'corpus.paths[1]',
  );
});

test('unparseable YAML is a spec error, not a crash', () => {
  assert.throws(() => parseSuiteSpec('name: [unclosed'), InvalidSuiteSpecError);
});

test('a validated spec validates again to itself (the stored spec is re-read by workflows)', () => {
  for (const input of [minimal, { ...minimal, steps: undefined, tokens: 10_000 }]) {
    const once = validateSuiteSpec(input);
    assert.deepEqual(validateSuiteSpec(JSON.parse(JSON.stringify(once))), once);
  }
  assert.equal(validateSuiteSpec({ ...minimal, steps: undefined, tokens: 10_000 }).steps, 10);
});
