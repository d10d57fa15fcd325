import { cpus, hostname } from 'node:os';
import { backendInfo } from '@cohort/model';
import { recordBackendProbe, type LineageClient } from '@cohort/lineage';
import type { BackendReport, ComputeActivities } from '@cohort/workflows';

/** What this worker computes on, as the native engine reports it (not what the node claims). */
export function describeBackend(taskQueue: string): BackendReport {
  const info = backendInfo();
  const cores = cpus();
  return {
    hostname: hostname(),
    taskQueue,
    backend: info.backend,
    threads: info.threads,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCores: cores.length,
    blas: info.blas,
    simd: info.simd,
    cudaDevice: info.cudaDevice,
  };
}

export function probeBackendActivity(
  db: LineageClient,
  taskQueue: string,
): ComputeActivities['probeBackend'] {
  return async ({ suiteId }) => {
    const report = describeBackend(taskQueue);
    await recordBackendProbe(db, {
      suiteId,
      taskQueue,
      hostname: report.hostname,
      info: { ...report },
    });
    return report;
  };
}
