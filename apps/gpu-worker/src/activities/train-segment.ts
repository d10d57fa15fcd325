import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  GPTNeoX,
  Trainer,
  causalBatch,
  loadCheckpoint,
  saveCheckpoint,
  verifyCheckpoint,
  type InitScheme,
  type Manifest,
  type ModelConfig,
  type OptimizerConfig,
  type Precision,
} from '@cohort/model';
import {
  getRunForTraining,
  recordCheckpoint,
  recordMetrics,
  type LineageClient,
  type MetricRow,
  type RunForTraining,
} from '@cohort/lineage';
import type { ComputeActivities, SegmentResult } from '@cohort/workflows';
import { trainingOptions, trainingPrecision, type ComputeEngine } from '../compute-engine';
import type { Storage } from '../storage';
import type { BatchSource } from './batch-source';

/** The training fields of a Run row (written by the orchestrator's run planner). */
interface RunTraining {
  init: InitScheme;
  optimizer: OptimizerConfig;
  globalBatch: number;
  microBatch: number;
  seqLength: number;
  seed: number;
  precision?: 'auto' | Precision;
}

export interface TrainSegmentDeps {
  db: LineageClient;
  storage: Storage;
  /** Recorded on the run with the code version: the backend, precision and device that trained it. */
  engine: ComputeEngine;
  batches: BatchSource;
  codeVersion: string;
}

interface CheckpointExtra {
  consumedSha256: string;
  meanLoss: number | null;
}

export function trainSegmentActivity(deps: TrainSegmentDeps): ComputeActivities['trainSegment'] {
  return async ({ runId, fromStep, toStep }) => {
    const run = await getRunForTraining(deps.db, runId);
    const training = run.training as unknown as RunTraining;
    const config = run.modelConfig?.config as unknown as ModelConfig | undefined;
    if (!config) throw ApplicationFailure.nonRetryable(`run ${run.name} has no model config`, 'BadRun');
    if (toStep < fromStep) throw ApplicationFailure.nonRetryable(`segment ${fromStep}→${toStep} runs backwards`, 'BadRun');

    const target = deps.storage.checkpoint(runId, toStep);
    // Idempotency: a retry after the checkpoint was written (e.g. the worker died while recording
    // it) re-records the verified files instead of training again.
    if (existsSync(target)) return record(deps.db, run, toStep, target, writtenCheckpoint(run, target), [], 0);

    const precision = trainingPrecision(training.precision, deps.engine, run.name);
    await deps.db.run.update({
      where: { id: runId },
      data: { codeVersion: deps.codeVersion, backend: deps.engine.backend, precision, device: deps.engine.device },
    });
    const started = process.hrtime.bigint();
    const consumed = createHash('sha256');
    const metrics: MetricRow[] = [];
    const ctx = Context.current();
    const { model, trainer } = startingPoint(deps, run, training, config, fromStep, precision);
    let written: WrittenCheckpoint;
    try {
      for (let step = fromStep; step < toStep; step++) {
        const rows = await deps.batches(run, step);
        for (const row of rows) consumed.update(Buffer.from(row.buffer, row.byteOffset, row.byteLength));
        const micro = [];
        for (let i = 0; i < rows.length; i += training.microBatch) {
          micro.push(causalBatch(rows.slice(i, i + training.microBatch), training.seqLength));
        }
        let result;
        try {
          // Off the event loop: heartbeats and cancellation keep flowing during a long step.
          result = await trainer.trainStepAsync(micro);
        } catch (err) {
          // Bad numerics or bad data do not get better on retry: fail the run with the step named.
          throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'TrainingFailed');
        }
        metrics.push({ step: result.step, loss: result.loss, lr: result.lr, gradNorm: result.gradNorm });
        ctx.heartbeat({ step: result.step, loss: result.loss });
        if (ctx.cancellationSignal.aborted) {
          throw new CancelledFailure(`run ${run.name} cancelled at step ${result.step}; last checkpoint kept`);
        }
      }
      const meanLoss = metrics.length ? metrics.reduce((s, m) => s + m.loss, 0) / metrics.length : null;
      const extra: CheckpointExtra = { consumedSha256: consumed.digest('hex'), meanLoss };
      const manifest = saveCheckpoint(target, model, {
        trainer,
        seed: training.seed,
        dataPosition: toStep * training.globalBatch,
        extra: { ...extra },
      });
      written = { manifest, extra };
    } finally {
      model.dispose(); // free native memory now: a worker trains segment after segment
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return record(deps.db, run, toStep, target, written, metrics, seconds);
  };
}

/** The model and optimiser at `fromStep`: a fresh init, the run's checkpoint, or its parent's. */
function startingPoint(
  deps: TrainSegmentDeps,
  run: RunForTraining,
  training: RunTraining,
  config: ModelConfig,
  fromStep: number,
  precision: Precision,
): { model: GPTNeoX; trainer: Trainer } {
  const opts = trainingOptions(deps.engine, precision);
  if (fromStep === 0 && !run.parentRunId) {
    const model = GPTNeoX.create(config, { ...opts, seed: training.seed, init: training.init });
    return { model, trainer: new Trainer(model, training.optimizer) };
  }
  const owner = run.parentRunId && fromStep === run.branchStep ? run.parentRunId : run.id;
  const dir = deps.storage.checkpoint(owner, fromStep);
  if (!existsSync(dir)) {
    throw ApplicationFailure.nonRetryable(`run ${run.name}: no checkpoint at step ${fromStep} (${dir})`, 'MissingCheckpoint');
  }
  let loaded;
  try {
    loaded = loadCheckpoint(dir, opts);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'CorruptCheckpoint');
  }
  if (!loaded.trainer) throw ApplicationFailure.nonRetryable(`${dir} has no training state`, 'CorruptCheckpoint');
  return { model: loaded.model, trainer: loaded.trainer };
}

/** A checkpoint's manifest (sha256 of every file) and the facts of the segment that wrote it. */
interface WrittenCheckpoint {
  manifest: Manifest;
  extra: CheckpointExtra;
}

/** A checkpoint found on disk (a retried segment): verified in full, its segment facts re-read. */
function writtenCheckpoint(run: RunForTraining, dir: string): WrittenCheckpoint {
  try {
    const manifest = verifyCheckpoint(dir);
    const state = JSON.parse(readFileSync(join(dir, 'training_state.json'), 'utf8'));
    return { manifest, extra: state.extra as CheckpointExtra };
  } catch (err) {
    // Writes are atomic, so a bad checkpoint was damaged afterwards: never train over it silently.
    throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'CorruptCheckpoint');
  }
}

/**
 * Records a written checkpoint in lineage (idempotent) with the segment's loss curve. The
 * checkpoint's sha256 is that of its weights file, which anyone can check with `sha256sum`.
 */
async function record(
  db: LineageClient,
  run: RunForTraining,
  step: number,
  dir: string,
  { manifest, extra }: WrittenCheckpoint,
  metrics: MetricRow[],
  seconds: number,
): Promise<SegmentResult> {
  const { consumedSha256, meanLoss } = extra;
  const training = run.training as unknown as RunTraining;
  const stepTokens = training.globalBatch * training.seqLength;
  const weightsSha256 = manifest.files['model.safetensors'].sha256;
  const { workflowExecution } = Context.current().info;
  await recordMetrics(db, run.id, metrics);
  await recordCheckpoint(db, {
    runId: run.id,
    step,
    tokensSeen: BigInt(step) * BigInt(stepTokens),
    uri: `file://${dir}`,
    sha256: weightsSha256,
    bytes: BigInt(Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0)),
    consumedSha256,
    meanLoss,
    workflowId: workflowExecution?.workflowId,
    workflowRunId: workflowExecution?.runId,
  });
  return {
    step,
    checkpointSha256: weightsSha256,
    consumedSha256,
    meanLoss,
    tokensPerSecond: seconds > 0 ? (metrics.length * stepTokens) / seconds : null,
    seconds,
  };
}
