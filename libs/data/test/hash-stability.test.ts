import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildTokenDataset } from '../src/corpus/build-dataset';
import { trainTokenizer } from '../src/tokenizer/tokenizer';
import { writeSmallCorpus } from './fixtures';
import { PACKAGE_ROOT, tempDir } from './helpers';

const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'cohort-data.js');
const cli = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' }));

test('tokenizer and dataset hashes are the same across processes and runs', async () => {
  const dir = tempDir('stable');
  const corpus = writeSmallCorpus(dir);
  const inProcess = await trainTokenizer({ corpus: { paths: [corpus] }, vocabSize: 330, outPath: path.join(dir, 't0.json') });
  const runs = [1, 2].map((i) => cli('train-tokenizer', '--corpus', corpus, '--vocab', '330', '--out', path.join(dir, `t${i}.json`)));
  assert.deepEqual(runs.map((r) => r.hash), [inProcess.hash, inProcess.hash]);

  const ds = await buildTokenDataset({ corpus: { paths: [corpus] }, tokenizerPath: inProcess.path, prefix: path.join(dir, 'd0') });
  const dsRuns = [1, 2].map((i) => cli('build-dataset', '--corpus', corpus, '--tokenizer', runs[0].path, '--prefix', path.join(dir, `d${i}`)));
  assert.deepEqual(dsRuns.map((r) => r.hash), [ds.hash, ds.hash]);
});

test('the CLI reports bad input as one clear line and exit status 1', () => {
  let err: { status: number; stderr: string } | null = null;
  try {
    execFileSync(process.execPath, [CLI, 'batch', '--order', '/nonexistent', '--tokenizer', 'x', '--step', '0'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    err = e as { status: number; stderr: string };
  }
  assert.equal(err?.status, 1);
  assert.equal(err?.stderr, 'error: /nonexistent: no order.json (not a data order directory)\n');
});
