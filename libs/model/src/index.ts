// @cohort/model: the GPT-NeoX engine (native addon) — config, model, training, checkpoints.
import { addon, addonPath } from './native';

export interface BackendInfo {
  backend: 'cpu' | 'cuda';
  threads: number;
  /** OpenBLAS build config + the core kernel it selected at runtime. */
  blas: string;
  /** SIMD features detected at runtime. */
  simd: string[];
  cudaDevice: string | null;
  addonPath: string;
}

/** What the loaded native addon runs on (served by the addon itself). */
export function backendInfo(): BackendInfo {
  return { ...addon().backendInfo(), addonPath: addonPath() };
}

/**
 * Measured fp32 GEMM throughput ([m,k]x[k,n]^T, GFLOP/s) of the BLAS the engine links, on the
 * current threads: the peak that benchmarks report MFU against.
 */
export function sgemmGflops(m: number, n: number, k: number, iters = 10): number {
  return addon().sgemmGflops(m, n, k, iters);
}

export * from './config';
export { GPTNeoX, defaultThreads } from './model';
export type { Backend, Batch, ContinuationPair, CreateOptions, InitScheme, LogLikelihood, ParamSpec } from './model';
export type { SharedContextGroup } from './scoring';
export * from './presets';
export * from './schedule';
export { Trainer, causalBatch, validateOptimizer } from './trainer';
export type { MicroBatch, OptimizerConfig, StepResult } from './trainer';
export * from './checkpoint';
export { encodeSafetensors, parseSafetensors, readSafetensors, toFloat32 } from './safetensors';
export type { DType, RawTensor, TensorIn } from './safetensors';
export { readTorchBin } from './torch-bin';
export type { TorchTensor } from './torch-bin';
export type { TorchDType } from './torch-pickle';
