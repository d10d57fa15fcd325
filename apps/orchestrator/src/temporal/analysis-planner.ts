import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '@prisma/client';
import { ensureAnalysis, type LineageClient } from '@cohort/lineage';
import {
  biasMeasures,
  canonicalJson,
  pythiaReferenceSteps,
  selectCheckpoints,
  termFrequencyOperations,
  validateSuiteSpec,
  type AnalysisEntry,
  type EvalsBlock,
  type SuiteSpec,
} from '@cohort/suite-spec';
import type { AnalysisPlan } from '@cohort/workflows';

/** The Analysis row of an entry: its parameters are the entry with every default filled in. */
export function ensureEntry(db: LineageClient, suiteId: string, entry: AnalysisEntry) {
  const json = canonicalJson(entry);
  return ensureAnalysis(db, {
    suiteId,
    kind: entry.kind,
    params: JSON.parse(json) as Prisma.InputJsonObject,
    paramsHash: createHash('sha256').update(json).digest('hex'),
  });
}

type SuiteRuns = Awaited<ReturnType<typeof loadRuns>>;

function loadRuns(db: LineageClient, suiteId: string) {
  return db.run.findMany({
    where: { suiteId },
    orderBy: { name: 'asc' },
    include: { checkpoints: { select: { id: true, step: true }, orderBy: { step: 'asc' } } },
  });
}

/** An analysis input that is not there: permanent until someone trains or evaluates more. */
const missing = (message: string) => ApplicationFailure.nonRetryable(message, 'MissingAnalysisInput');

/**
 * The work of one analysis: which checkpoints to scan or test, on which queues. Every checkpoint
 * the analysis selects must be recorded; the first one that is not is named in the failure.
 */
export async function planAnalysis(db: LineageClient, analysisId: string): Promise<AnalysisPlan> {
  const row = await db.analysis.findUniqueOrThrow({ where: { id: analysisId }, include: { suite: true } });
  const spec = validateSuiteSpec(row.suite.spec);
  const entry = row.params as unknown as AnalysisEntry;
  const runs = await loadRuns(db, row.suiteId);
  const placement = ('placement' in entry && entry.placement) || spec.placement.data;
  const plan: AnalysisPlan = { analysisId, kind: entry.kind, placement, scans: [], termFrequency: [] };
  switch (entry.kind) {
    case 'memorization': {
      const { prompt, continuation, windows, sequences, batchSize, shardSize } = entry;
      for (const run of runs) {
        const steps = selectedSteps(entry.checkpoints, run, spec);
        if (entry.early !== undefined && !steps.includes(entry.early)) steps.unshift(entry.early);
        requireCheckpoints(run, steps, 'memorization');
        for (const step of steps) {
          plan.scans.push({
            target: { analysisId, runId: run.id, step, params: { prompt, continuation, windows, sequences, batchSize, shardSize } },
            placement: entry.placement ?? run.placement,
          });
        }
      }
      return plan;
    }
    case 'term-frequency': {
      const { template, shots, x1, x2, maxNewTokens, windowWords } = entry;
      const params = { template, operations: termFrequencyOperations(entry), shots, x1, x2, maxNewTokens, windowWords };
      for (const run of runs) {
        const steps = selectedSteps(entry.checkpoints, run, spec);
        requireCheckpoints(run, steps, 'term-frequency');
        plan.termFrequency.push({ unit: { analysisId, runId: run.id, steps, params }, placement: entry.placement ?? run.placement });
      }
      return plan;
    }
    case 'bias': {
      const tasks = biasMeasures.map((m) => m.task);
      const found = await db.evaluation.count({ where: { task: { in: tasks }, checkpoint: { run: { suiteId: row.suiteId } } } });
      if (found === 0) {
        throw missing(`bias reads evaluations of ${tasks.join(', ')}; none are recorded for this suite: add one to its evals or POST /suites/${row.suiteId}/evaluate`);
      }
      return plan;
    }
    case 'stability': {
      if ((spec.seeds?.length ?? 1) < 2) throw missing('stability compares seeds: this suite was trained with one seed');
      return plan;
    }
  }
}

/** The run's checkpoints a selector picks; a branch (intervention) has its own after its branch step (the one there is its parent's). */
function selectedSteps(selector: EvalsBlock['checkpoints'], run: SuiteRuns[number], spec: SuiteSpec): number[] {
  const own = run.checkpointSteps.filter((s) => run.branchStep === null || s > run.branchStep);
  return selectCheckpoints(selector, own, pythiaReferenceSteps(spec.steps));
}

function requireCheckpoints(run: SuiteRuns[number], steps: number[], kind: string): void {
  const recorded = new Set(run.checkpoints.map((c) => c.step));
  const absent = steps.filter((s) => !recorded.has(s));
  if (absent.length > 0) throw missing(`${kind} needs run ${run.name}'s checkpoints at steps ${absent.join(', ')}, which are not recorded (status ${run.status})`);
}
