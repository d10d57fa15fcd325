import type { LineageClient } from '@cohort/lineage';
import type { ComputeActivities } from '@cohort/workflows';
import type { ComputeEngine } from '../compute-engine';
import type { Storage } from '../storage';
import { createBatchSource } from './batch-source';
import { evaluateCheckpointActivity } from './evaluate-checkpoint';
import { planMemorizationScanActivity, scanMemorizationShardActivity } from './memorization-scan';
import { prepareDataActivity } from './prepare-data';
import { probeBackendActivity } from './probe-backend';
import { reportAnalysisActivity } from './report-analysis';
import { countOperandsActivity, evaluateArithmeticActivity } from './term-frequency';
import { trainSegmentActivity } from './train-segment';

export interface ComputeDeps {
  db: LineageClient;
  storage: Storage;
  taskQueue: string;
  engine: ComputeEngine;
  /** Where a spec's corpus and tokenizer files may be read from. */
  dataRoots: readonly string[];
  codeVersion: string;
}

export function createComputeActivities(deps: ComputeDeps): ComputeActivities {
  const engine = { db: deps.db, storage: deps.storage, engine: deps.engine };
  return {
    probeBackend: probeBackendActivity(deps.db, deps.taskQueue, deps.engine),
    prepareData: prepareDataActivity(deps.db, deps.storage, deps.dataRoots),
    trainSegment: trainSegmentActivity({
      db: deps.db,
      storage: deps.storage,
      engine: deps.engine,
      batches: createBatchSource(),
      codeVersion: deps.codeVersion,
    }),
    evaluateCheckpoint: evaluateCheckpointActivity({
      db: deps.db,
      storage: deps.storage,
      engine: deps.engine,
      codeVersion: deps.codeVersion,
    }),
    planMemorizationScan: planMemorizationScanActivity(engine),
    scanMemorizationShard: scanMemorizationShardActivity(engine),
    countOperands: countOperandsActivity(engine),
    evaluateArithmetic: evaluateArithmeticActivity(engine),
    reportAnalysis: reportAnalysisActivity({ db: deps.db, storage: deps.storage, codeVersion: deps.codeVersion }),
  };
}
