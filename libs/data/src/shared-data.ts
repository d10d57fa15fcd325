import * as fs from 'node:fs';
import * as path from 'node:path';

/** The read-only shared data folder: $COHORT_SHARED_DATA, else <repo>/../shared/data; null when absent. */
export function sharedDataDir(): string | null {
  const dir = process.env.COHORT_SHARED_DATA ?? path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');
  return fs.existsSync(dir) ? dir : null;
}
