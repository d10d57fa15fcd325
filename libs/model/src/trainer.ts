// Training loop primitive: one optimizer step over one or more micro-batches (gradient
// accumulation), AdamW with global-norm clipping, LR from a schedule.
import type { Batch, GPTNeoX } from './model';
import type { NativeOptimizer } from './native';
import { learningRate, type LrSchedule } from './schedule';

/** AdamW settings as the engine takes them (`lr` is the peak), plus the LR schedule. */
export interface OptimizerConfig extends NativeOptimizer {
  schedule: LrSchedule;
}

/** One micro-batch: ids and targets are [batch, seqLen] flat; target -100 is ignored. */
export type MicroBatch = Batch;

export interface StepResult {
  /** Optimizer steps completed after this one. */
  step: number;
  /** Mean cross-entropy over all non-ignored targets of the step. */
  loss: number;
  /** Global grad norm before clipping. */
  gradNorm: number;
  lr: number;
}

/** Builds (ids, targets) for next-token prediction from rows of seqLen+1 tokens. */
export function causalBatch(rows: ArrayLike<number>[], seqLen: number): MicroBatch {
  const ids = new Int32Array(rows.length * seqLen), targets = new Int32Array(rows.length * seqLen);
  rows.forEach((r, b) => {
    if (r.length !== seqLen + 1) throw new Error(`causalBatch: row ${b} has ${r.length} tokens, expected seqLen+1 = ${seqLen + 1}`);
    for (let t = 0; t < seqLen; t++) {
      ids[b * seqLen + t] = r[t];
      targets[b * seqLen + t] = r[t + 1];
    }
  });
  return { ids, targets, batch: rows.length, seqLen };
}

export function validateOptimizer(o: OptimizerConfig): void {
  const bad = (what: string, v: unknown) => new Error(`optimizer: ${what}, got ${String(v)}`);
  if (!(o.lr >= 0 && Number.isFinite(o.lr))) throw bad('lr must be a finite number >= 0', o.lr);
  for (const k of ['beta1', 'beta2'] as const) if (!(o[k] >= 0 && o[k] < 1)) throw bad(`${k} must be in [0, 1)`, o[k]);
  if (!(o.eps > 0)) throw bad('eps must be > 0', o.eps);
  if (!(o.weightDecay >= 0)) throw bad('weightDecay must be >= 0', o.weightDecay);
  if (!(o.maxGradNorm >= 0)) throw bad('maxGradNorm must be >= 0 (0 disables clipping)', o.maxGradNorm);
  learningRate(o.lr, o.schedule, 0); // rejects unknown schedule kinds
}

export class Trainer {
  /** Optimizer steps completed. */
  step = 0;

  constructor(
    readonly model: GPTNeoX,
    readonly optim: OptimizerConfig,
  ) {
    validateOptimizer(optim);
  }

  lrAt(step: number): number {
    return learningRate(this.optim.lr, this.optim.schedule, step);
  }

  /** One optimizer step over the micro-batches (their gradients accumulate). */
  trainStep(micro: MicroBatch[]): StepResult {
    const s = this.begin(micro);
    let lossSum = 0;
    try {
      for (const mb of micro) lossSum += this.model.engine.forwardBackward(mb.ids, mb.targets, mb.batch, mb.seqLen, s.scale);
    } catch (e) {
      throw this.fail(s.stepNo, e);
    }
    const lr = this.checkLoss(s.stepNo, lossSum * s.scale);
    try {
      return this.commit(s.stepNo, lossSum * s.scale, this.model.engine.step(this.native(lr), s.stepNo), lr);
    } catch (e) {
      throw this.fail(s.stepNo, e);
    }
  }

  /** trainStep on a worker thread: the event loop stays responsive (e.g. activity heartbeats). */
  async trainStepAsync(micro: MicroBatch[]): Promise<StepResult> {
    const s = this.begin(micro);
    let lossSum = 0;
    try {
      for (const mb of micro) lossSum += await this.model.engine.forwardBackwardAsync(mb.ids, mb.targets, mb.batch, mb.seqLen, s.scale);
    } catch (e) {
      throw this.fail(s.stepNo, e);
    }
    const lr = this.checkLoss(s.stepNo, lossSum * s.scale);
    try {
      return this.commit(s.stepNo, lossSum * s.scale, await this.model.engine.stepAsync(this.native(lr), s.stepNo), lr);
    } catch (e) {
      throw this.fail(s.stepNo, e);
    }
  }

  // Each micro-batch adds d(sum of its token losses)/count, so the accumulated gradient is exactly
  // that of the mean loss over all of the step's non-ignored tokens.
  private begin(micro: MicroBatch[]): { stepNo: number; scale: number } {
    const stepNo = this.step + 1;
    if (micro.length === 0) throw new Error(`step ${stepNo}: no micro-batches`);
    let count = 0;
    for (const mb of micro) for (const t of mb.targets) if (t !== -100) count++;
    if (count === 0) throw new Error(`step ${stepNo}: every target is ignored (-100)`);
    return { stepNo, scale: 1 / count };
  }

  private checkLoss(stepNo: number, loss: number): number {
    if (!Number.isFinite(loss)) throw this.fail(stepNo, new Error(`loss is not finite (${loss})`));
    return this.lrAt(this.step);
  }

  private native(lr: number): NativeOptimizer {
    const o = this.optim;
    return { lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm };
  }

  private commit(stepNo: number, loss: number, gradNorm: number, lr: number): StepResult {
    this.step = stepNo;
    return { step: stepNo, loss, gradNorm, lr };
  }

  /** Drops the step's partial gradients; the weights are still those after step `this.step`. */
  private fail(stepNo: number, e: unknown): Error {
    this.model.engine.zeroGrads();
    return new Error(`step ${stepNo}: ${(e as Error).message}; training stopped, weights left at step ${this.step}`);
  }
}
