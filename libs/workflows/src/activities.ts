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
  /** The seed that shuffled this order (a suite with `seeds` has one order per variant and seed). */
  seed: number;
  dataOrderId: string;
  orderHash: string;
}

/** A suite's prepared data: one tokenizer, one order per variant (and per seed). */
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
  /** The spec's analyses of a suite as Analysis rows (created pending, idempotent), in spec order; completed ones left out. */
  ensureSpecAnalyses(input: { suiteId: string }): Promise<{ analysisId: string; kind: string }[]>;
  /**
   * Marks the analysis running under this execution and plans its work; an analysis whose inputs
   * are missing (no such checkpoint, no evaluations of the tasks it reads) fails here, saying which.
   */
  startAnalysis(input: { analysisId: string; workflowId: string; workflowRunId: string }): Promise<AnalysisPlan>;
  markAnalysisFailed(input: { analysisId: string; error: string }): Promise<void>;
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

/** Memorization scan settings (Pythia §4: 32-token prompt, 32-token greedy continuation). */
export interface MemorizationScanParams {
  prompt: number;
  continuation: number;
  /**
   * `sequence-start`: the first prompt+continuation tokens of every training sequence (Pythia's
   * rule); `planted`: a window at every occurrence of a synthetic corpus's planted sequences.
   */
  windows: 'sequence-start' | 'planted';
  /** `seen`: the sequences consumed up to the checkpoint; `all`: every sequence of the run. */
  sequences: 'seen' | 'all';
  batchSize: number;
  /** Windows per shard: the unit a killed worker resumes at. */
  shardSize: number;
}

/** One scan: a run's checkpoint, under one analysis. */
export interface MemorizationScanTarget {
  analysisId: string;
  runId: string;
  step: number;
  params: MemorizationScanParams;
}

export interface MemorizationScanPlan {
  windows: number;
  shards: number;
}

export interface MemorizationShardResult {
  shard: number;
  windows: number;
  memorized: number;
  /** True when the shard's scores were already on disk (a resumed scan does not rescan it). */
  resumed: boolean;
}

/** The term-frequency study's arithmetic tasks and counting rule (Pythia §5). */
export interface TermFrequencyParams {
  /** `pythia`: "Q:What is {x1} plus {x2}? A:"; `synthetic`: "{x1} + {x2} =" (the planted facts' form). */
  template: 'pythia' | 'synthetic';
  operations: ('plus' | 'times')[];
  shots: number[];
  /** Inclusive operand ranges: one sub-task per x1, its items x2 ∈ x2 range. */
  x1: [number, number];
  x2: [number, number];
  maxNewTokens: number;
  /** Counting rule: a number is counted when another number lies within this many words. */
  windowWords: number;
}

/** One run's term-frequency inputs: operand counts up to each step, arithmetic at each step. */
export interface TermFrequencyUnit {
  analysisId: string;
  runId: string;
  steps: number[];
  params: TermFrequencyParams;
}

/** What one analysis computes before its report: scans, term-frequency units, on which queue. */
export interface AnalysisPlan {
  analysisId: string;
  kind: string;
  /** Queue of the report (and of the units that name none): a CPU queue is enough. */
  placement: string;
  scans: { target: MemorizationScanTarget; placement: string }[];
  termFrequency: { unit: TermFrequencyUnit; placement: string }[];
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
  /** Lists the windows a scan scores (written once, idempotent) and how many shards they make. */
  planMemorizationScan(input: MemorizationScanTarget): Promise<MemorizationScanPlan>;
  /** Scores one shard's windows by batched greedy generation; a shard already on disk is kept. */
  scanMemorizationShard(input: MemorizationScanTarget & { shard: number }): Promise<MemorizationShardResult>;
  /** Cumulative operand counts of the run's training batches at each step boundary; idempotent. */
  countOperands(input: { analysisId: string; runId: string; steps: number[]; params: TermFrequencyParams }): Promise<{ uri: string }>;
  /** The arithmetic tasks at one checkpoint, every (operation, shots), per-item correctness; idempotent. */
  evaluateArithmetic(input: { analysisId: string; runId: string; step: number; params: TermFrequencyParams }): Promise<{ uri: string }>;
  /**
   * Computes an analysis's statistics from its units' results and the lineage rows it reads,
   * writes its tables and figures, and records result, inputs and artefacts in one transaction.
   */
  reportAnalysis(input: { plan: AnalysisPlan }): Promise<{ artifacts: number }>;
}
