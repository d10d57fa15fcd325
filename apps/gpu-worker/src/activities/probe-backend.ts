import { cpus, hostname } from 'node:os';
import { backendInfo } from '@cohort/model';
import { recordBackendProbe, type LineageClient } from '@cohort/lineage';
import type { BackendReport, ComputeActivities } from '@cohort/workflows';
import type { ComputeEngine } from '../compute-engine';

/** What this worker computes on: the engine it chose, with what the native addon reports (not what the node claims). */
export function describeBackend(taskQueue: string, engine: ComputeEngine): BackendReport {
  const info = backendInfo();
  const cores = cpus();
  return {
    hostname: hostname(),
    taskQueue,
    backend: engine.backend,
    threads: info.threads,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCores: cores.length,
    blas: info.blas,
    simd: info.simd,
    cudaDevice: engine.device,
  };
}

export function probeBackendActivity(
  db: LineageClient,
  taskQueue: string,
  engine: ComputeEngine,
): ComputeActivities['probeBackend'] {
  return async ({ suiteId }) => {
    const report = describeBackend(taskQueue, engine);
    await recordBackendProbe(db, {
      suiteId,
      taskQueue,
      hostname: report.hostname,
      info: { ...report },
    });
    return report;
  };
}
