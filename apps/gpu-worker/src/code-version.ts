import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The code a worker runs, for lineage: COHORT_CODE_VERSION when set (container images carry no
 * .git), else `git describe` of the checkout; "unknown" when neither is available.
 */
export function codeVersion(env: NodeJS.ProcessEnv = process.env): string {
  if (env.COHORT_CODE_VERSION) return env.COHORT_CODE_VERSION;
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--tags'], {
      cwd: join(__dirname, '..', '..', '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}
