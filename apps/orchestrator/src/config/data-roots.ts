import { resolve } from 'node:path';
import { configuredDataRoots } from '@cohort/suite-spec';
import type { AppConfig } from './app-config';

/** The folders a spec or request may name files in (default: the data dir and the shared data folder). */
export function dataRoots(config: AppConfig): string[] {
  // The shared data folder as libs/data finds it, whether or not it exists here.
  const shared = process.env.COHORT_SHARED_DATA ?? resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');
  return configuredDataRoots(config.COHORT_DATA_ROOTS, [config.COHORT_DATA_DIR, shared]);
}
