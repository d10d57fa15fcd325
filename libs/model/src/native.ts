// Loads the native addon (built by scripts/build-native.sh) and types its raw surface.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** 'neox': small_init + wang_init (Pythia 14m-2.8b); 'normal': HF N(0, range) everywhere;
 * 'scaled_normal': NeoX defaults, N(0, range) with outputs at range/sqrt(2L) (Pythia 6.9b/12b). */
export type InitScheme = 'neox' | 'normal' | 'scaled_normal';

export interface NativeParam {
  name: string;
  shape: number[];
  offset: number;
  numel: number;
  decay: boolean;
}

export interface NativeOptimizer {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global grad norm to this; 0 disables clipping. */
  maxGradNorm: number;
}

/** Per-position log-probs and argmax == target flags (0 where nothing was scored). */
export interface NativeScores {
  logprobs: Float32Array;
  greedy: Uint8Array;
}

export interface NativeEngine {
  paramTable(): NativeParam[];
  initWeights(seed: number, scheme: InitScheme, initializerRange: number): void;
  getParams(): Float32Array;
  setParams(p: Float32Array): void;
  getGrads(): Float32Array;
  getOptState(): { m: Float32Array; v: Float32Array };
  setOptState(m: Float32Array, v: Float32Array): void;
  forward(ids: Int32Array, batch: number, seqLen: number): Float32Array;
  forwardBackward(ids: Int32Array, targets: Int32Array, batch: number, seqLen: number, gradScale: number): number;
  zeroGrads(): void;
  step(opt: NativeOptimizer, t: number): number;
  scoreTargets(ids: Int32Array, targets: Int32Array, batch: number, seqLen: number): NativeScores;
  /**
   * Shared-prefix scoring: ctx [contexts, contextLen], continuation rows cont [rows, contWidth]
   * right-padded, row r extending context owner[r] with contLen[r] tokens; scores [rows, contWidth].
   */
  scoreShared(ctx: Int32Array, owner: Int32Array, cont: Int32Array, contLen: Int32Array, contexts: number, contextLen: number, rows: number, contWidth: number): NativeScores;
  generate(prompt: Int32Array, batch: number, promptLen: number, maxNewTokens: number): Int32Array;
  /** Frees native memory now; any later call throws. */
  dispose(): void;
  // The same calls on a libuv worker thread (the event loop stays free); while one runs, every
  // other call on this engine throws "engine is busy".
  forwardAsync(ids: Int32Array, batch: number, seqLen: number): Promise<Float32Array>;
  forwardBackwardAsync(ids: Int32Array, targets: Int32Array, batch: number, seqLen: number, gradScale: number): Promise<number>;
  stepAsync(opt: NativeOptimizer, t: number): Promise<number>;
  scoreTargetsAsync(ids: Int32Array, targets: Int32Array, batch: number, seqLen: number): Promise<NativeScores>;
  scoreSharedAsync(ctx: Int32Array, owner: Int32Array, cont: Int32Array, contLen: Int32Array, contexts: number, contextLen: number, rows: number, contWidth: number): Promise<NativeScores>;
  generateAsync(prompt: Int32Array, batch: number, promptLen: number, maxNewTokens: number): Promise<Int32Array>;
}

export interface NativeConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  rotaryDims: number;
  rotaryEmbBase: number;
  layerNormEps: number;
  useParallelResidual: boolean;
  geluTanh: boolean;
}

/** 'fp32': fp32 everywhere; 'bf16' (CUDA only): bf16 GEMM inputs with fp32 accumulation, fp32 master weights, grads and Adam state. */
export type Precision = 'fp32' | 'bf16';

/** The CUDA device the addon sees (device 0), whether or not it is usable. */
export interface CudaDeviceInfo {
  name: string;
  /** e.g. "9.0" */
  computeCapability: string;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  /** Devices visible. */
  count: number;
}

export interface NativeBackendInfo {
  /** 'cuda' when the CUDA backend is compiled in and a device is usable. */
  backend: 'cpu' | 'cuda';
  threads: number;
  blas: string;
  simd: string[];
  /** Whether this addon was compiled with the CUDA backend. */
  cudaBuilt: boolean;
  /** Architectures compiled in, e.g. ['sm_80', 'sm_90', 'sm_100', 'compute_100'] (SASS and PTX). */
  cudaArchs: string[];
  cudaDevice: CudaDeviceInfo | null;
  /** Why backend is not 'cuda' (no driver, no device, not built, ...); null when it is. */
  cudaUnavailableReason: string | null;
  /** The precision a model on `backend` gets by default: 'bf16' on cuda, 'fp32' on cpu. */
  defaultPrecision: Precision;
}

interface Addon {
  backendInfo(): NativeBackendInfo;
  Engine: new (config: NativeConfig, backend: string, threads: number, options?: { precision?: Precision }) => NativeEngine;
  sgemmGflops(m: number, n: number, k: number, iters: number): number;
  cudaMemoryEstimate(config: NativeConfig, batch: number, seqLen: number, precision: Precision): number;
}

/** Path of the compiled addon: $COHORT_MODEL_ADDON, else libs/model/native/build/cohort_model.node. */
export function addonPath(): string {
  return process.env.COHORT_MODEL_ADDON ?? resolve(join(__dirname, '..', '..', 'native', 'build', 'cohort_model.node'));
}

let cached: Addon | undefined;
export function addon(): Addon {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new Error(`@cohort/model: native addon not found at ${path}; build it with 'bash scripts/build-native.sh'`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached = require(path) as Addon;
  return cached;
}
