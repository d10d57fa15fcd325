import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CohortTokenizer, sha256File, sharedDataDir } from '@cohort/data';
import { engineScorer, evaluateTask, writeRequestRecords, type TaskDataSource, type TaskResult } from '@cohort/evals';
import { importHf, type GPTNeoX } from '@cohort/model';
import { evaluatedTasks, evaluationKey, recordEvaluations, type LineageClient } from '@cohort/lineage';
import type { ComputeActivities, EvalTaskRequest } from '@cohort/workflows';
import { inferenceOptions, type ComputeEngine } from '../compute-engine';
import type { Storage } from '../storage';

export interface EvaluateDeps {
  db: LineageClient;
  storage: Storage;
  engine: ComputeEngine;
  codeVersion: string;
}

/**
 * Evaluates one checkpoint: checks its weights against their lineage sha256, loads it once, and scores
 * every (task, shots) pair not yet recorded, recording each pair's metrics in one transaction as
 * soon as it is done. A retry (worker killed) starts at the first unrecorded pair; since scoring
 * is deterministic, its values equal those an uninterrupted evaluation would have recorded.
 */
export function evaluateCheckpointActivity(deps: EvaluateDeps): ComputeActivities['evaluateCheckpoint'] {
  return async ({ runId, step, tasks }) => {
    const run = await deps.db.run.findUniqueOrThrow({
      where: { id: runId },
      include: { checkpoints: { where: { step } }, dataOrder: { include: { dataset: { include: { tokenizer: true } } } } },
    });
    const checkpoint = run.checkpoints[0];
    if (!checkpoint) throw ApplicationFailure.nonRetryable(`run ${run.name} has no recorded checkpoint at step ${step}`, 'MissingCheckpoint');
    const done = await evaluatedTasks(deps.db, checkpoint.id);
    const todo = tasks.filter((t) => !done.has(evaluationKey(t.task, t.shots)));
    const summary = { runId, step, evaluated: todo.length, skipped: tasks.length - todo.length };
    if (todo.length === 0) return summary;

    const tokenizerPath = run.dataOrder?.dataset.tokenizer.uri;
    if (!tokenizerPath) throw ApplicationFailure.nonRetryable(`run ${run.name} has no tokenizer in lineage`, 'BadRun');
    const dir = deps.storage.checkpoint(runId, step);
    const model = loadVerified(dir, checkpoint.sha256, run.name, deps.engine);
    try {
      const tokenizer = CohortTokenizer.load(tokenizerPath);
      const manifest = deps.storage.syntheticManifest(run.suiteId);
      const data: TaskDataSource = { sharedDataDir: sharedDataDir(), ...(existsSync(manifest) ? { syntheticManifest: manifest } : {}) };
      const ctx = Context.current();
      const { workflowExecution } = ctx.info;
      for (const [i, t] of todo.entries()) {
        const result = await evaluate(t, { tokenizer, model, data, beat: (scored, total) => ctx.heartbeat({ task: t.task, shots: t.shots, scored, total, pair: i }) });
        const requestsPath = deps.storage.evaluationRequests(runId, step, t.task, t.shots);
        mkdirSync(dirname(requestsPath), { recursive: true });
        writeRequestRecords(requestsPath, result.requests);
        await recordEvaluations(
          deps.db,
          result.metrics.map((m) => ({
            checkpointId: checkpoint.id,
            task: result.task,
            metric: m.metric,
            shots: result.shots,
            value: m.value,
            stderr: m.stderr,
            n: result.n,
            taskVersion: result.version,
            dataSha256: result.dataSha256,
            limit: t.limit ?? null,
            requestsUri: `file://${requestsPath}`,
            codeVersion: deps.codeVersion,
            backend: deps.engine.backend,
            workflowId: workflowExecution?.workflowId,
            workflowRunId: workflowExecution?.runId,
          })),
        );
      }
    } finally {
      model.dispose(); // native memory: a worker evaluates checkpoint after checkpoint
    }
    return summary;
  };
}

/**
 * The checkpoint's weights, once their sha256 equals lineage's. Only the weights are hashed: the
 * optimizer state (twice their size) plays no part in an evaluation.
 */
export function loadVerified(dir: string, sha256: string, runName: string, engine: ComputeEngine): GPTNeoX {
  try {
    const weights = join(dir, 'model.safetensors');
    if (!existsSync(weights)) throw new Error(`checkpoint ${dir}: model.safetensors is missing`);
    const actual = sha256File(weights);
    if (actual !== sha256) throw new Error(`checkpoint ${dir}: model.safetensors sha256 ${actual} differs from lineage's ${sha256}`);
    return importHf(dir, inferenceOptions(engine));
  } catch (err) {
    // A damaged checkpoint does not heal on retry: fail the evaluation with the reason, write nothing.
    throw ApplicationFailure.nonRetryable(`run ${runName}: ${(err as Error).message}`, 'CorruptCheckpoint');
  }
}

interface EvalContext {
  tokenizer: CohortTokenizer;
  model: GPTNeoX;
  data: TaskDataSource;
  beat: (scored: number, total: number) => void;
}

async function evaluate(t: EvalTaskRequest, c: EvalContext): Promise<TaskResult> {
  try {
    return await evaluateTask(t.task, {
      tokenizer: c.tokenizer,
      scorer: engineScorer(c.model),
      data: c.data,
      shots: t.shots,
      limit: t.limit,
      onProgress: c.beat,
    });
  } catch (err) {
    // Unknown tasks, missing data files and impossible shot counts are spec errors, not transient.
    throw ApplicationFailure.nonRetryable(`${t.task} (${t.shots}-shot): ${(err as Error).message}`, 'EvaluationFailed');
  }
}
