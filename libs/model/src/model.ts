// GPTNeoX: the TypeScript face of one engine instance (weights + grads + optimizer moments live
// natively; every method is one coarse native call).
import { availableParallelism } from 'node:os';
import { type ModelConfig, toNativeConfig, validateConfig } from './config';
import { addon, type InitScheme, type NativeEngine, type NativeParam, type NativeScores, type Precision } from './native';
import { type LogLikelihood, logLikelihoodAt, scoreShared, scoreSharedAsync, type SharedContextGroup } from './scoring';

export type { InitScheme, LogLikelihood, Precision };

export type Backend = 'cpu' | 'cuda';

export interface CreateOptions {
  /** Seed for the weight init (integer, 0 <= seed < 2^53). Default 1234, Pythia's. */
  seed?: number;
  /** Weight init scheme (see InitScheme). Default 'neox', as Pythia used. */
  init?: InitScheme;
  /** Compute threads (OpenMP + OpenBLAS). Default: OMP_NUM_THREADS or the core count. */
  threads?: number;
  /** Default 'cpu' (see defaultBackend() for 'cuda' when a device is usable). */
  backend?: Backend;
  /** Default 'bf16' on cuda, 'fp32' on cpu (the only precision cpu has). */
  precision?: Precision;
}

export type ParamSpec = NativeParam;

export function defaultThreads(): number {
  const env = Number(process.env.OMP_NUM_THREADS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

export class GPTNeoX {
  readonly params: readonly ParamSpec[];
  readonly numParams: number;
  readonly threads: number;
  readonly backend: Backend;
  readonly precision: Precision;
  /** @internal used by Trainer/checkpoint IO. */
  readonly engine: NativeEngine;

  private constructor(readonly config: ModelConfig, opts: CreateOptions) {
    this.threads = opts.threads ?? defaultThreads();
    if (!Number.isInteger(this.threads) || this.threads < 1) throw new Error(`threads must be a positive integer, got ${this.threads}`);
    this.backend = opts.backend ?? 'cpu';
    this.precision = opts.precision ?? (this.backend === 'cuda' ? 'bf16' : 'fp32');
    this.engine = new (addon().Engine)(toNativeConfig(config), this.backend, this.threads, { precision: this.precision });
    this.params = this.engine.paramTable();
    this.numParams = this.params.reduce((s, p) => s + p.numel, 0);
  }

  /** A freshly initialised model (deterministic in the seed, independent of the thread count). */
  static create(config: ModelConfig, opts: CreateOptions = {}): GPTNeoX {
    validateConfig(config);
    const m = new GPTNeoX(config, opts);
    const seed = opts.seed ?? 1234;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer, got ${seed}`);
    m.engine.initWeights(seed, opts.init ?? 'neox', config.initializerRange);
    return m;
  }

  /** A model whose weights the caller sets (checkpoint import). */
  static empty(config: ModelConfig, opts: CreateOptions = {}): GPTNeoX {
    validateConfig(config);
    return new GPTNeoX(config, opts);
  }

  /**
   * Frees the native buffers now (weights, grads, moments, activations); the model is unusable
   * afterwards. Long-lived workers call it when done: V8 does not see native memory.
   */
  dispose(): void {
    this.engine.dispose();
  }

  getWeights(): Float32Array {
    return this.engine.getParams();
  }

  setWeights(w: Float32Array): void {
    this.engine.setParams(w);
  }

  param(name: string): ParamSpec {
    const p = this.params.find((q) => q.name === name);
    if (!p) throw new Error(`unknown parameter '${name}'`);
    return p;
  }

  /** Logits [batch, seqLen, vocab] (flat) for ids [batch, seqLen] (flat). */
  forward(ids: Int32Array, batch: number, seqLen: number): Float32Array {
    return this.engine.forward(ids, batch, seqLen);
  }

  forwardAsync(ids: Int32Array, batch: number, seqLen: number): Promise<Float32Array> {
    return this.engine.forwardAsync(ids, batch, seqLen);
  }

  /** Mean cross-entropy over the non-ignored targets of the batches, without gradients (validation loss). */
  evalLoss(batches: Batch[]): { loss: number; tokens: number } {
    return meanLoss(batches, batches.map((b) => this.engine.scoreTargets(b.ids, b.targets, b.batch, b.seqLen).logprobs));
  }

  async evalLossAsync(batches: Batch[]): Promise<{ loss: number; tokens: number }> {
    const lps: Float32Array[] = [];
    for (const b of batches) lps.push((await this.engine.scoreTargetsAsync(b.ids, b.targets, b.batch, b.seqLen)).logprobs);
    return meanLoss(batches, lps);
  }

  /** Greedy continuation of equal-length prompts with a KV cache: maxNewTokens ids per prompt. */
  generate(prompts: number[][], maxNewTokens: number): number[][] {
    const p = packPrompts(prompts);
    return p.B === 0 ? [] : unpackRows(this.engine.generate(p.ids, p.B, p.T0, maxNewTokens), maxNewTokens);
  }

  async generateAsync(prompts: number[][], maxNewTokens: number): Promise<number[][]> {
    const p = packPrompts(prompts);
    return p.B === 0 ? [] : unpackRows(await this.engine.generateAsync(p.ids, p.B, p.T0, maxNewTokens), maxNewTokens);
  }

  /**
   * Log-likelihood of each continuation given its context (the lm-eval-harness primitive), in one
   * right-padded batch; padding never influences earlier positions because attention is causal.
   */
  logLikelihood(pairs: ContinuationPair[]): LogLikelihood[] {
    const p = packPairs(pairs);
    return p.B === 0 ? [] : unpackScores(pairs, p.T, this.engine.scoreTargets(p.ids, p.targets, p.B, p.T));
  }

  async logLikelihoodAsync(pairs: ContinuationPair[]): Promise<LogLikelihood[]> {
    const p = packPairs(pairs);
    return p.B === 0 ? [] : unpackScores(pairs, p.T, await this.engine.scoreTargetsAsync(p.ids, p.targets, p.B, p.T));
  }

  /**
   * logLikelihood for continuations that share a context (the choices of a multiple-choice
   * question): each context runs once, then all its continuations in one batch, so a question costs
   * one context pass instead of one per choice. Contexts of one length go in one native call.
   * Returns out[group][continuation].
   */
  scoreShared(groups: SharedContextGroup[]): LogLikelihood[][] {
    return scoreShared(this.engine, groups);
  }

  scoreSharedAsync(groups: SharedContextGroup[]): Promise<LogLikelihood[][]> {
    return scoreSharedAsync(this.engine, groups);
  }
}

/** ids and targets [batch, seqLen] flat; target -100 is ignored. */
export interface Batch {
  ids: Int32Array;
  targets: Int32Array;
  batch: number;
  seqLen: number;
}

function meanLoss(batches: Batch[], logprobs: Float32Array[]): { loss: number; tokens: number } {
  let sum = 0, tokens = 0;
  batches.forEach((b, i) =>
    b.targets.forEach((t, k) => {
      if (t === -100) return;
      sum -= logprobs[i][k];
      tokens++;
    }),
  );
  if (tokens === 0) throw new Error('evalLoss: every target is ignored (-100)');
  return { loss: sum / tokens, tokens };
}

export interface ContinuationPair {
  context: number[];
  continuation: number[];
}

function packPrompts(prompts: number[][]): { ids: Int32Array; B: number; T0: number } {
  const T0 = prompts.length ? prompts[0].length : 0;
  if (prompts.length && (T0 === 0 || prompts.some((p) => p.length !== T0))) throw new Error('generate: prompts must be non-empty and of equal length');
  return { ids: Int32Array.from(prompts.flat()), B: prompts.length, T0 };
}

function unpackRows(flat: Int32Array, width: number): number[][] {
  return Array.from({ length: flat.length / width }, (_, b) => Array.from(flat.subarray(b * width, (b + 1) * width)));
}

function packPairs(pairs: ContinuationPair[]): { ids: Int32Array; targets: Int32Array; B: number; T: number } {
  const lens = pairs.map((p) => {
    if (p.context.length === 0 || p.continuation.length === 0) throw new Error('logLikelihood: context and continuation must be non-empty');
    return p.context.length + p.continuation.length - 1;
  });
  const T = lens.reduce((a, b) => Math.max(a, b), 0), B = pairs.length;
  const ids = new Int32Array(B * T), targets = new Int32Array(B * T).fill(-100);
  pairs.forEach((p, b) => {
    ids.set([...p.context, ...p.continuation].slice(0, lens[b]), b * T);
    // Position t predicts token t+1: score only the continuation's tokens.
    p.continuation.forEach((tok, k) => (targets[b * T + p.context.length - 1 + k] = tok));
  });
  return { ids, targets, B, T };
}

function unpackScores(pairs: ContinuationPair[], T: number, r: NativeScores): LogLikelihood[] {
  return pairs.map((p, b) => logLikelihoodAt(r, b * T + p.context.length - 1, p.continuation.length));
}
