import type { LineageClient } from '@cohort/lineage';
import type { ComputeActivities } from '@cohort/workflows';
import { probeBackendActivity } from './probe-backend';

export function createComputeActivities(db: LineageClient, taskQueue: string): ComputeActivities {
  return { probeBackend: probeBackendActivity(db, taskQueue) };
}
