// The REST API's shapes as this page reads them (apps/orchestrator/src/**/*.views.ts). Dates
// arrive as ISO strings.

export type SuiteStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type RunStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface CheckpointView {
  id: string;
  step: number;
  tokensSeen: number;
  uri: string;
  sha256: string;
  bytes: number;
  consumedSha256: string | null;
  meanLoss: number | null;
  createdAt: string;
}

export interface RunView {
  id: string;
  name: string;
  modelName: string;
  variant: string;
  status: RunStatus;
  error: string | null;
  seed: number;
  placement: string;
  parentRunId: string | null;
  branchStep: number | null;
  transform: string | null;
  checkpointSteps: number[];
  checkpoints: CheckpointView[];
  /** The last recorded optimiser step (0 before the first). */
  step: number;
  totalSteps: number;
  /** The loss at `step`. */
  lastLoss: number | null;
  parameters: number | null;
  workflowId: string | null;
  backend: string | null;
  /** fp32, or bf16 (mixed precision), once training started. */
  precision: string | null;
  /** The accelerator that trained it (null on CPU). */
  device: string | null;
  codeVersion: string | null;
}

export interface BackendProbeView {
  taskQueue: string;
  hostname: string;
  backend: string;
  blas: string;
  threads: number;
  cudaDevice: string | null;
  createdAt: string;
}

/** A suite as `GET /suites` lists it: how far its training has got, not its runs. */
export interface SuiteSummaryView {
  id: string;
  name: string;
  status: SuiteStatus;
  error: string | null;
  specHash: string;
  workflowId: string | null;
  createdAt: string;
  updatedAt: string;
  runCount: number;
  /** Σ each run's last recorded step. */
  step: number;
  /** Σ each run's planned steps. */
  totalSteps: number;
}

export interface SuiteView extends SuiteSummaryView {
  /** The validated spec (defaults filled in), as JSON text. */
  specJson: string;
  runs: RunView[];
  probes: BackendProbeView[];
}

/** A live run as the suite's event stream (or its progress endpoint) reports it. */
export interface LiveRun {
  runId: string;
  name: string;
  status: string;
  step: number;
  totalSteps: number;
  lastLoss: number | null;
  tokensPerSecond: number | null;
  etaSeconds: number | null;
}

/** `GET /suites/:id/progress`: the same facts under the workflow's own word for the status. */
export type RunProgressView = Omit<LiveRun, 'status'> & { state: string };

/** The `progress` event of `GET /suites/:id/events`. */
export interface SuiteProgressEvent {
  status: SuiteStatus;
  runs: LiveRun[];
}

export interface LossPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

export interface EvaluationView {
  id: string;
  runId: string;
  run: string;
  model: string;
  variant: string;
  seed: number;
  checkpointId: string;
  step: number;
  tokens: number;
  task: string;
  metric: string;
  shots: number;
  value: number;
  stderr: number | null;
  n: number;
}

export interface EvaluationRequestView {
  workflowId: string;
  /** The (task, shots) pairs requested, as task@shots. */
  tasks: string[];
}

export type AnalysisStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface ArtifactView {
  name: string;
  /** table, figure, chart-spec, scores, … */
  kind: string;
  mediaType: string;
  bytes: number;
  sha256: string;
  uri: string;
  /** GET this path of the API for the bytes. */
  downloadPath: string;
}

export interface AnalysisView {
  id: string;
  suiteId: string;
  kind: string;
  params: Record<string, unknown>;
  status: AnalysisStatus;
  error: string | null;
  workflowId: string | null;
  codeVersion: string | null;
  updatedAt: string;
  completedAt: string | null;
  artifacts: ArtifactView[];
}

export type TableCell = string | number | boolean | null;

export interface AnalysisResult {
  /** The headline table. */
  table?: Record<string, TableCell>[];
  /** Its columns, in order. */
  columns?: string[];
  summary?: string[];
}

export interface AnalysisDetailView extends AnalysisView {
  result: AnalysisResult | null;
}

export interface ResumedRunView {
  runId: string;
  name: string;
  branchStep: number;
  workflowId: string;
}

// The lineage graph's contract is libs/lineage's own file (pure: no imports), shared with the server.
export { LEAF_KINDS, LINEAGE_KINDS } from '@cohort/lineage/graph-contract';
export type { LineageEdge, LineageGraph, LineageKind, LineageNode } from '@cohort/lineage/graph-contract';
