/**
 * Activity contracts. Workflows import only these types; the implementations live in the apps
 * (lineage activities in the orchestrator, compute activities in the gpu-worker), so workflow code
 * never pulls in Node-only modules.
 */

export interface BackendReport {
  hostname: string;
  taskQueue: string;
  backend: 'cpu' | 'cuda';
  threads: number;
  cpuModel: string;
  cpuCores: number;
  blas: string;
  simd: string[];
  cudaDevice: string | null;
}

/** One data variant of a suite, ready to train on: every run of the variant reads this order. */
export interface PreparedVariant {
  variant: 'standard' | 'deduplicated';
  dataOrderId: string;
  orderHash: string;
}

/** A suite's prepared data: one tokenizer, one order per variant. */
export interface PreparedData {
  vocabSize: number;
  variants: PreparedVariant[];
}

/** A run the suite will train, as recorded in lineage. */
export interface RunPlan {
  runId: string;
  name: string;
  placement: string;
  checkpointSteps: number[];
  /** Interventions: the run they branch from, and the step they branch at. */
  parentRunName?: string;
  branchStep?: number;
}

export interface SegmentResult {
  step: number;
  checkpointSha256: string;
  /** sha256 over the token ids consumed by the segment (empty segment: of nothing). */
  consumedSha256: string;
  meanLoss: number | null;
  tokensPerSecond: number | null;
  /** Wall time of the segment's training, for progress estimates. */
  seconds: number;
}

export type RunStatusUpdate = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** Light activities on the orchestration queue: they only touch the lineage database. */
export interface LineageActivities {
  markSuiteStatus(input: { suiteId: string; status: 'running' | 'completed' | 'failed' | 'cancelled'; error?: string }): Promise<void>;
  /** Creates (idempotently) the suite's Run rows: models × variants, then interventions. */
  planRuns(input: { suiteId: string; data: PreparedData }): Promise<RunPlan[]>;
  markRunStatus(input: { runId: string; status: RunStatusUpdate; error?: string; workflowId?: string }): Promise<void>;
}

/** Heavy activities on a compute queue (one gpu-worker process per GPU or CPU node). */
export interface ComputeActivities {
  /** Reports the worker's compute backend and records it in lineage (idempotent per suite+queue). */
  probeBackend(input: { suiteId: string }): Promise<BackendReport>;
  /** Tokenizer, datasets (standard, deduplicated) and data orders of a suite; idempotent. */
  prepareData(input: { suiteId: string }): Promise<PreparedData>;
  /**
   * Trains a run from the checkpoint at `fromStep` to `toStep` and writes the checkpoint there
   * (fromStep = toStep = 0: initialise and write step 0). Heartbeats its step; a retry restarts
   * from the checkpoint at `fromStep`, so the result is bit-identical to an uninterrupted run.
   */
  trainSegment(input: { runId: string; fromStep: number; toStep: number }): Promise<SegmentResult>;
}
