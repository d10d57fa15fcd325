import type { LineageClient } from '@cohort/lineage';
import type { ComputeActivities } from '@cohort/workflows';
import type { Storage } from '../storage';
import { createBatchSource } from './batch-source';
import { evaluateCheckpointActivity } from './evaluate-checkpoint';
import { planMemorizationScanActivity, scanMemorizationShardActivity } from './memorization-scan';
import { prepareDataActivity } from './prepare-data';
import { describeBackend, probeBackendActivity } from './probe-backend';
import { reportAnalysisActivity } from './report-analysis';
import { countOperandsActivity, evaluateArithmeticActivity } from './term-frequency';
import { trainSegmentActivity } from './train-segment';

export interface ComputeDeps {
  db: LineageClient;
  storage: Storage;
  taskQueue: string;
  threads?: number;
  codeVersion: string;
}

export function createComputeActivities(deps: ComputeDeps): ComputeActivities {
  const backend = describeBackend(deps.taskQueue).backend;
  const engine = { db: deps.db, storage: deps.storage, threads: deps.threads };
  return {
    probeBackend: probeBackendActivity(deps.db, deps.taskQueue),
    prepareData: prepareDataActivity(deps.db, deps.storage),
    trainSegment: trainSegmentActivity({
      db: deps.db,
      storage: deps.storage,
      threads: deps.threads,
      batches: createBatchSource(),
      codeVersion: deps.codeVersion,
      backend,
    }),
    evaluateCheckpoint: evaluateCheckpointActivity({
      db: deps.db,
      storage: deps.storage,
      threads: deps.threads,
      codeVersion: deps.codeVersion,
      backend,
    }),
    planMemorizationScan: planMemorizationScanActivity(engine),
    scanMemorizationShard: scanMemorizationShardActivity(engine),
    countOperands: countOperandsActivity(engine),
    evaluateArithmetic: evaluateArithmeticActivity(engine),
    reportAnalysis: reportAnalysisActivity({ db: deps.db, storage: deps.storage, codeVersion: deps.codeVersion }),
  };
}
