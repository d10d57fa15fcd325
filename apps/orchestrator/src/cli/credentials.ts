import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the CLI looks for a token when COHORT_TOKEN is not set, first match wins. */
export function tokenFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    env.COHORT_TOKEN_FILE,
    join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'cohort', 'token'),
    // The admin token setup writes for the embedded deployment, in this checkout.
    join(env.COHORT_STATE ?? resolve(__dirname, '../../../../../.cohort'), 'admin-token'),
  ].filter((f): f is string => Boolean(f));
}

/**
 * The API token: COHORT_TOKEN, else the first token file that exists. A file others can read is
 * refused rather than used, since anyone who can read it can act with its role.
 */
export function resolveToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.COHORT_TOKEN) return env.COHORT_TOKEN.trim();
  const file = tokenFiles(env).find((f) => existsSync(f));
  if (!file) return undefined;
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`refusing to read the token in ${file}: it is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${file}`);
  }
  return readFileSync(file, 'utf8').trim() || undefined;
}
