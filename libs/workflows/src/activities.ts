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

/** Light activities on the orchestration queue: they only touch the lineage database. */
export interface LineageActivities {
  markSuiteStatus(input: { suiteId: string; status: 'running' | 'completed' | 'failed'; error?: string }): Promise<void>;
}

/** Heavy activities on a compute queue (one gpu-worker process per GPU or CPU node). */
export interface ComputeActivities {
  /** Reports the worker's compute backend and records it in lineage (idempotent per suite+queue). */
  probeBackend(input: { suiteId: string }): Promise<BackendReport>;
}
