import { setSuiteStatus, type LineageClient } from '@cohort/lineage';
import type { LineageActivities } from '@cohort/workflows';

export function createLineageActivities(db: LineageClient): LineageActivities {
  return {
    async markSuiteStatus({ suiteId, status, error }) {
      await setSuiteStatus(db, suiteId, status, error);
    },
  };
}
