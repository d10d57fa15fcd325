import { delimiter, resolve } from 'node:path';
import type { AppConfig } from './app-config';

/** The folders a spec or request may name files in (each resolved; symlinks are resolved when checked). */
export function dataRoots(config: AppConfig): string[] {
  if (config.COHORT_DATA_ROOTS) return config.COHORT_DATA_ROOTS.split(delimiter).filter(Boolean).map((r) => resolve(r));
  // The shared data folder as libs/data finds it, whether or not it exists here.
  const shared = process.env.COHORT_SHARED_DATA ?? resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');
  return [resolve(config.COHORT_DATA_DIR), resolve(shared)];
}
