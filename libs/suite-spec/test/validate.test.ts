import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const spec = { ...minimal, corpus: { kind: 'files', paths: [__filename, join(__dirname, 'no-such-corpus.txt')] } };
  validateSuiteSpec(spec); // a remote CLI cannot see the server's files
  assert.throws(
    () => validateSuiteSpec(spec, { checkPaths: { dataRoots: [__dirname] } }),
    (err: InvalidSuiteSpecError) => err.issues.length === 1 && err.issues[0].path === 'corpus.paths[1]' && /no such file or folder/.test(err.issues[0].message),
  );
});

describe('paths a spec names resolve inside the data roots, after .. and symlinks', () => {
  const base = mkdtempSync(join(tmpdir(), 'cohort-roots-'));
  const root = join(base, 'data');
  const outside = join(base, 'secret');
  mkdirSync(join(root, 'corpus'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'corpus', 'a.txt'), 'inside\n');
  writeFileSync(join(root, 'tokenizer.json'), '{}');
  writeFileSync(join(outside, 'passwd.txt'), 'outside\n');
  symlinkSync(join(outside, 'passwd.txt'), join(root, 'link.txt'));
  mkdirSync(join(root, 'folder-with-link'));
  writeFileSync(join(root, 'folder-with-link', 'ok.txt'), 'inside\n');
  symlinkSync(outside, join(root, 'folder-with-link', 'escape'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const roots = { dataRoots: [join(base, 'missing-root'), root] };
  const issuesFor = (spec: object) => {
    try {
      validateSuiteSpec({ ...minimal, ...spec }, { checkPaths: roots });
      return [];
    } catch (err) {
      return (err as InvalidSuiteSpecError).issues;
    }
  };

  test('inside: files, folders and a tokenizer file are accepted', () => {
    assert.deepEqual(issuesFor({ corpus: { kind: 'files', paths: [join(root, 'corpus'), join(root, 'corpus', 'a.txt')] }, tokenizer: { kind: 'file', path: join(root, 'tokenizer.json') } }), []);
  });

  for (const [label, path, why] of [
    ['an absolute path outside', join(outside, 'passwd.txt'), /is outside the data roots; allowed: /],
    ['/etc/passwd', '/etc/passwd', /is outside the data roots/],
    ['a .. out of a root', join(root, '..', 'secret', 'passwd.txt'), /is outside the data roots/],
    ['a symlink pointing out', join(root, 'link.txt'), /is outside the data roots \(it resolves to .*secret.passwd\.txt\)/],
    ['a folder holding a symlink that points out', join(root, 'folder-with-link'), /escape, inside .*folder-with-link, is outside the data roots/],
  ] as const) {
    test(`${label}: 400 at the field path`, () => {
      const corpus = issuesFor({ corpus: { kind: 'files', paths: [join(root, 'corpus'), path] } });
      assert.deepEqual(corpus.map((i) => i.path), ['corpus.paths[1]']);
      assert.match(corpus[0].message, why);
      if (path.endsWith('.txt')) {
        const tokenizer = issuesFor({ tokenizer: { kind: 'file', path } });
        assert.deepEqual(tokenizer.map((i) => i.path), ['tokenizer.path']);
      }
    });
  }

  test('a tokenizer path must name a file', () => {
    assert.match(issuesFor({ tokenizer: { kind: 'file', path: join(root, 'corpus') } })[0].message, /not a file/);
  });
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
