// Runs every compiled test file (apps/*/dist/test, libs/*/dist/test) and the manifest checks in
// k8s/test with node's test runner,
// one file at a time (integration tests share one Postgres and one Temporal server),
// and ends with the plain summary line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2]; // optional substring to select test files

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.js') ? [p] : [];
  });
}

const files = ['apps', 'libs']
  .flatMap((group) => readdirSync(join(root, group)).map((pkg) => join(root, group, pkg, 'dist', 'test')))
  .flatMap(testFiles)
  .concat(readdirSync(join(root, 'k8s', 'test')).filter((f) => f.endsWith('.test.mjs')).map((f) => join(root, 'k8s', 'test', f)))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/count-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
