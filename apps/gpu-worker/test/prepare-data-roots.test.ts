import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createLineageClient } from '@cohort/lineage';
import { validateSuiteSpec } from '@cohort/suite-spec';
import { prepareDataActivity } from '../src/activities/prepare-data';
import { Storage } from '../src/storage';
import { tempDir } from './helpers';

// The data reader checks a spec's files against its own data roots before it opens any, as the
// API did at launch: a suite row written by other means, or a symlink changed since, cannot make
// a worker read outside them. Against the real test database.
const db = createLineageClient(process.env.TEST_DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort_test');
const dir = tempDir('roots');
const root = join(dir, 'root');
const outside = join(dir, 'outside');
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(outside, 'secret.txt'), 'not for training\n');
writeFileSync(join(root, 'fine.txt'), 'a corpus\n');
const suiteIds: string[] = [];

/** A suite whose corpus is `paths`, written straight into lineage (no API in between). */
async function suiteReading(paths: string[]): Promise<string> {
  const spec = validateSuiteSpec({
    name: 'roots',
    corpus: { kind: 'files', paths },
    seqLength: 16,
    globalBatch: 2,
    steps: 2,
    models: [{ preset: 'cpu-tiny' }],
  });
  const suite = await db.suite.create({ data: { name: `roots-${process.pid}`, spec: JSON.parse(JSON.stringify(spec)), specHash: 'h' } });
  suiteIds.push(suite.id);
  return suite.id;
}

after(async () => {
  await db.suite.deleteMany({ where: { id: { in: suiteIds } } });
  await db.$disconnect();
});

describe('prepareData and the data roots', () => {
  const prepare = prepareDataActivity(db, new Storage(join(dir, 'data')), [root]);

  test('a symlink inside the roots pointing out is refused before anything is read, naming the field', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    const suiteId = await suiteReading([join(root, 'link.txt')]);
    await assert.rejects(prepare({ suiteId }), (err: ApplicationFailure) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.nonRetryable, true);
      assert.equal(err.type, 'BadSpec');
      assert.match(err.message, /^spec: corpus\.paths\[0\]: .*link\.txt is outside the data roots \(it resolves to .*secret\.txt\)/);
      return true;
    });
  });

  test('an absolute path outside the roots is refused the same way', async () => {
    const suiteId = await suiteReading([join(outside, 'secret.txt')]);
    await assert.rejects(prepare({ suiteId }), /spec: corpus\.paths\[0\]: .*secret\.txt is outside the data roots/);
  });

  test('a file inside the roots passes the check (and the activity goes on to its work)', async () => {
    const suiteId = await suiteReading([join(root, 'fine.txt')]);
    // Past the check it heartbeats, which needs an activity context this test does not give it.
    await assert.rejects(prepare({ suiteId }), /^Error: Activity context not initialized$/);
  });
});
