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

/** One (task, shots) pair to evaluate, with its document limit (lm-eval's --limit). */
export interface EvalTaskRequest {
  task: string;
  shots: number;
  limit?: number;
}

/** What a run evaluates as it trains: these tasks at these of its checkpoints, on this queue. */
export interface RunEvaluationPlan {
  steps: number[];
  tasks: EvalTaskRequest[];
  placement: string;
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
  evaluation?: RunEvaluationPlan;
}

/** One checkpoint to evaluate on some tasks (a `POST /suites/:id/evaluate` request, planned). */
export interface CheckpointEvaluation {
  runId: string;
  step: number;
  placement: string;
  tasks: EvalTaskRequest[];
}

export interface EvaluationSummary {
  runId: string;
  step: number;
  /** (task, shots) pairs evaluated by this call, and those found already recorded. */
  evaluated: number;
  skipped: number;
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
  /** The recorded checkpoints of a suite still missing some of the tasks (re-evaluation). */
  planEvaluations(input: { suiteId: string; evaluations: SuiteEvaluationRequest }): Promise<CheckpointEvaluation[]>;
}

/** Tasks to add to an existing suite: on which checkpoints (a spec `evals` block, validated). */
export interface SuiteEvaluationRequest {
  tasks: EvalTaskRequest[];
  /** `all`, `final`, `pythia`, `{ every }` or `{ steps }`, as in the spec. */
  checkpoints: unknown;
  placement?: string;
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
  /**
   * Evaluates a run's checkpoint on (task, shots) pairs, recording each pair's metrics in one
   * transaction as it finishes; pairs already recorded are skipped, so a retry after a killed
   * worker resumes at the first missing pair. A checkpoint failing its sha256 check fails here.
   */
  evaluateCheckpoint(input: { runId: string; step: number; tasks: EvalTaskRequest[] }): Promise<EvaluationSummary>;
}
