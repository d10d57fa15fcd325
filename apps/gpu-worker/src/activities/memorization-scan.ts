// The memorization scan's two compute activities (Pythia §4): planning lists a checkpoint's windows
// once (written to the scan directory, so every shard reads them instead of recomputing), and each
// shard scores its windows by batched greedy generation on the checkpoint, verified against its
// lineage sha256. A shard whose scores are already on disk is returned as is (resumed).
import { existsSync, readFileSync } from 'node:fs';
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CohortTokenizer, openRunOrder, type DataOrder, type SyntheticManifest, type TransformedOrder } from '@cohort/data';
import type { GPTNeoX } from '@cohort/model';
import type { LineageClient } from '@cohort/lineage';
import type { ComputeActivities, MemorizationScanParams } from '@cohort/workflows';
import type { ComputeEngine } from '../compute-engine';
import type { Storage } from '../storage';
import {
  MAX_CONTINUATION,
  plantedPatterns,
  plantedWindows,
  readScanPlan,
  readShard,
  sampleSource,
  saveWindowList,
  scanShard,
  sequenceCount,
  sequenceStartWindows,
  settingsMismatch,
  shardRange,
  memorizedCount,
  type ScanSettings,
  type WindowList,
} from '../memorization';
import { loadVerified } from './evaluate-checkpoint';

export interface MemorizationDeps {
  db: LineageClient;
  storage: Storage;
  engine: ComputeEngine;
}

const bad = (message: string) => ApplicationFailure.nonRetryable(message, 'BadMemorizationParams');
const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Errors of the parameters on their own (the sequence length is checked against the run's order). */
export function memorizationParamErrors(p: MemorizationScanParams): string[] {
  const errors: string[] = [];
  if (!isPositiveInt(p.prompt)) errors.push(`prompt must be an integer >= 1, got ${p.prompt}`);
  if (!isPositiveInt(p.continuation)) errors.push(`continuation must be an integer >= 1, got ${p.continuation}`);
  else if (p.continuation > MAX_CONTINUATION) errors.push(`continuation must be at most ${MAX_CONTINUATION} (scores are one byte), got ${p.continuation}`);
  if (p.windows !== 'sequence-start' && p.windows !== 'planted') errors.push(`windows must be 'sequence-start' or 'planted', got ${JSON.stringify(p.windows)}`);
  if (p.sequences !== 'seen' && p.sequences !== 'all') errors.push(`sequences must be 'seen' or 'all', got ${JSON.stringify(p.sequences)}`);
  if (!isPositiveInt(p.batchSize)) errors.push(`batchSize must be an integer >= 1, got ${p.batchSize}`);
  if (!isPositiveInt(p.shardSize)) errors.push(`shardSize must be an integer >= 1, got ${p.shardSize}`);
  return errors;
}

function checkParams(p: MemorizationScanParams, step: number): ScanSettings {
  const errors = memorizationParamErrors(p);
  if (!Number.isInteger(step) || step < 0) errors.push(`step must be a non-negative integer, got ${step}`);
  if (errors.length) throw bad(`memorization scan parameters: ${errors.join('; ')}`);
  return { prompt: p.prompt, continuation: p.continuation, windows: p.windows, sequences: p.sequences, shardSize: p.shardSize };
}

/** A window is one training sequence's prompt + continuation: it must fit seqLength + 1 tokens and the model's positions. */
function checkFits(p: MemorizationScanParams, runName: string, seqLength: number, maxPositions?: number): void {
  const L = p.prompt + p.continuation;
  if (L > seqLength + 1) {
    throw bad(`run ${runName}: prompt ${p.prompt} + continuation ${p.continuation} = ${L} tokens exceed its training sequences (seqLength ${seqLength} + 1 = ${seqLength + 1} tokens)`);
  }
  if (maxPositions !== undefined && L - 1 > maxPositions) {
    throw bad(`run ${runName}: prompt + continuation - 1 = ${L - 1} positions exceed the model's max_position_embeddings ${maxPositions}`);
  }
}

function checkPlan(dir: string, settings: ScanSettings, step: number) {
  const plan = readScanPlan(dir);
  if (!plan) return null;
  const mismatch = settingsMismatch(plan, settings) || (plan.step !== step ? `step ${plan.step} on disk, ${step} asked` : '');
  if (mismatch) throw bad(`${dir} already holds a scan planned with other settings (${mismatch}); use a new analysis id`);
  return plan;
}

const runQuery = (runId: string, step: number) =>
  ({
    where: { id: runId },
    include: { checkpoints: { where: { step } }, modelConfig: true, dataOrder: { include: { dataset: { include: { tokenizer: true } } } } },
  }) as const;

/**
 * Lists the windows of a run's checkpoint (in training order, through the run's order with its
 * intervention transform) and writes them to the scan directory; idempotent: a planned directory
 * answers from its plan.
 */
export function planMemorizationScanActivity(deps: MemorizationDeps): ComputeActivities['planMemorizationScan'] {
  return async ({ analysisId, runId, step, params }) => {
    const settings = checkParams(params, step);
    const dir = deps.storage.memorizationScan(analysisId, runId, step);
    const existing = checkPlan(dir, settings, step);
    if (existing) return { windows: existing.count, shards: existing.shards };

    const run = await deps.db.run.findUniqueOrThrow(runQuery(runId, step));
    if (!run.checkpoints[0]) throw ApplicationFailure.nonRetryable(`run ${run.name} has no recorded checkpoint at step ${step}`, 'MissingCheckpoint');
    const orderRow = run.dataOrder;
    if (!orderRow) throw ApplicationFailure.nonRetryable(`run ${run.name} has no data order`, 'BadRun');
    const maxPositions = (run.modelConfig?.config as { maxPositionEmbeddings?: number } | undefined)?.maxPositionEmbeddings;
    checkFits(params, run.name, orderRow.seqLength, maxPositions);

    // The tokenizer is needed by an intervention's transform and to encode planted sequences.
    let tokenizer: CohortTokenizer | undefined;
    let order: DataOrder | TransformedOrder;
    try {
      const transformed = run.transform && run.branchStep !== null;
      if (transformed || params.windows === 'planted') tokenizer = CohortTokenizer.load(orderRow.dataset.tokenizer.uri);
      order = openRunOrder({
        orderDir: orderRow.uri,
        transform: transformed && tokenizer ? { name: run.transform!, fromStep: run.branchStep!, tokenizer } : undefined,
      });
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`run ${run.name}: ${(err as Error).message}`, 'BadData');
    }
    const base = 'order' in order ? order.order : order;
    try {
      const src = sampleSource(order);
      const runSteps = (run.training as { steps?: number } | null)?.steps;
      let count: number;
      try {
        count = sequenceCount(src, params.sequences, step, runSteps);
      } catch (err) {
        throw bad(`run ${run.name}: ${(err as Error).message}`);
      }
      const ctx = Context.current();
      const beat = (done: number, total: number) => ctx.heartbeat({ phase: 'plan', sequences: done, total });
      let list: WindowList;
      let planted: { plantedSequences: number; patterns: number } | undefined;
      if (params.windows === 'sequence-start') {
        list = await sequenceStartWindows(src, count, params.prompt, params.continuation, beat);
      } else {
        const manifestPath = deps.storage.syntheticManifest(run.suiteId);
        if (!existsSync(manifestPath)) throw bad(`run ${run.name}: planted windows need a synthetic corpus, and its suite has no manifest (${manifestPath})`);
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SyntheticManifest;
        const sequences = manifest.repeatedSequences ?? [];
        if (sequences.length === 0) throw bad(`run ${run.name}: the suite's synthetic corpus plants no repeated sequences (${manifestPath})`);
        let patterns;
        try {
          patterns = await plantedPatterns(tokenizer!, sequences, params.prompt, params.continuation);
        } catch (err) {
          throw bad(`run ${run.name}: ${(err as Error).message}`);
        }
        list = await plantedWindows(src, count, patterns, params.prompt, params.continuation, beat);
        planted = { plantedSequences: sequences.length, patterns: patterns.length };
      }
      const plan = saveWindowList(dir, list, {
        ...settings,
        step,
        sequencesScanned: count,
        orderHash: 'hash' in order ? order.hash : order.manifest.hash,
        ...planted,
      });
      return { windows: plan.count, shards: plan.shards };
    } finally {
      base.close();
    }
  };
}

/**
 * Scores one shard of a planned scan on the checkpoint (weights checked against lineage's sha256
 * first), heartbeating per batch; a shard already complete on disk is returned without loading
 * anything (resumed).
 */
export function scanMemorizationShardActivity(deps: MemorizationDeps): ComputeActivities['scanMemorizationShard'] {
  return async ({ analysisId, runId, step, params, shard }) => {
    const settings = checkParams(params, step);
    const dir = deps.storage.memorizationScan(analysisId, runId, step);
    const plan = checkPlan(dir, settings, step);
    if (!plan) throw ApplicationFailure.nonRetryable(`${dir}: the scan of run ${runId} at step ${step} was not planned (planMemorizationScan first)`, 'NotPlanned');
    let range: { from: number; to: number };
    try {
      range = shardRange(plan, shard);
    } catch (err) {
      throw bad(`${dir}: ${(err as Error).message}`);
    }
    const done = readShard(dir, plan, shard);
    if (done) return { shard, windows: range.to - range.from, memorized: memorizedCount(done, plan.continuation), resumed: true };

    const run = await deps.db.run.findUniqueOrThrow(runQuery(runId, step));
    const checkpoint = run.checkpoints[0];
    if (!checkpoint) throw ApplicationFailure.nonRetryable(`run ${run.name} has no recorded checkpoint at step ${step}`, 'MissingCheckpoint');
    const ctx = Context.current();
    let model: GPTNeoX | undefined;
    try {
      const result = await scanShard(dir, shard, {
        model: () => (model = loadVerified(deps.storage.checkpoint(runId, step), checkpoint.sha256, run.name, deps.engine)),
        batchSize: params.batchSize,
        onBatch: (scored, total) => {
          ctx.heartbeat({ shard, scored, total });
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`memorization scan of run ${run.name} step ${step} cancelled in shard ${shard}`);
        },
      }).catch((err: unknown) => {
        if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
        if ((err as NodeJS.ErrnoException).code) throw err; // file-system trouble (ENOSPC, EIO): a retry may succeed
        // Settings the model cannot run (positions beyond its context) do not heal on retry.
        throw ApplicationFailure.nonRetryable(`run ${run.name} step ${step} shard ${shard}: ${(err as Error).message}`, 'ScanFailed');
      });
      return { shard, windows: result.windows, memorized: result.memorized, resumed: result.resumed };
    } finally {
      model?.dispose(); // native memory: a worker scans checkpoint after checkpoint
    }
  };
}
