// @cohort/model: the GPT-NeoX engine (native addon) — config, model, training, checkpoints.
import { type ModelConfig, toNativeConfig, validateConfig } from './config';
import type { Backend } from './model';
import { addon, addonPath, type NativeBackendInfo, type Precision } from './native';

export interface BackendInfo extends NativeBackendInfo {
  /** OpenBLAS build config + the core kernel it selected at runtime. */
  blas: string;
  /** SIMD features detected at runtime. */
  simd: string[];
  addonPath: string;
}

/** What the loaded native addon runs on (served by the addon itself). */
export function backendInfo(): BackendInfo {
  return { ...addon().backendInfo(), addonPath: addonPath() };
}

/** 'cuda' when the addon has the CUDA backend and a usable device, else 'cpu'. */
export function defaultBackend(): Backend {
  return addon().backendInfo().backend === 'cuda' ? 'cuda' : 'cpu';
}

/**
 * Device bytes the CUDA engine needs to train `config` on [batch, seqLen] micro-batches: fp32
 * weights, grads and Adam moments, the training activations and scratch (batch*seqLen = 0: the
 * model alone). The engine checks the same number against free memory before it allocates.
 */
export function cudaMemoryEstimate(config: ModelConfig, batch: number, seqLen: number, precision: Precision = 'bf16'): number {
  validateConfig(config);
  return addon().cudaMemoryEstimate(toNativeConfig(config), batch, seqLen, precision);
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
export type { Backend, Batch, ContinuationPair, CreateOptions, InitScheme, LogLikelihood, ParamSpec, Precision } from './model';
export type { CudaDeviceInfo } from './native';
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
