import { createHash } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import { ensureRun, setAnalysisStatus, setRunStatus, setSuiteStatus, type LineageClient } from '@cohort/lineage';
import { canonicalJson, expandEvals, validateSuiteSpec } from '@cohort/suite-spec';
import type { LineageActivities, RunPlan } from '@cohort/workflows';
import { ensureEntry, planAnalysis } from './analysis-planner';
import { planMissingEvaluations } from './evaluation-planner';
import { parameterCount, planSuiteRuns, runEvaluation } from './run-planner';

const toJson = (value: object): Prisma.InputJsonObject => JSON.parse(JSON.stringify(value));

export function createLineageActivities(db: LineageClient): LineageActivities {
  return {
    async markSuiteStatus({ suiteId, status, error }) {
      await setSuiteStatus(db, suiteId, status, error);
    },

    async markRunStatus({ runId, status, error, workflowId }) {
      await setRunStatus(db, runId, status, { error, workflowId });
    },

    async planRuns({ suiteId, data }) {
      const suite = await db.suite.findUniqueOrThrow({ where: { id: suiteId } });
      const spec = validateSuiteSpec(suite.spec);
      const planned = planSuiteRuns(spec, data);
      const evals = expandEvals(spec.evals);
      const ids = new Map<string, string>();
      const plans: RunPlan[] = [];
      for (const p of planned) {
        const configJson = canonicalJson(p.model);
        const configHash = createHash('sha256').update(configJson).digest('hex');
        const modelConfig = await db.modelConfig.upsert({
          where: { configHash },
          create: {
            name: p.modelName,
            config: JSON.parse(configJson),
            configHash,
            parameters: BigInt(parameterCount(p.model)),
          },
          update: {},
        });
        const run = await ensureRun(db, {
          suiteId,
          name: p.name,
          modelName: p.modelName,
          variant: p.variant,
          training: toJson(p.training),
          checkpointSteps: p.checkpointSteps,
          modelConfigId: modelConfig.id,
          dataOrderId: p.dataOrderId,
          seed: p.seed,
          placement: p.placement,
          parentRunId: p.parentName ? ids.get(p.parentName) : undefined,
          branchStep: p.branchStep,
          transform: p.transform,
        });
        ids.set(p.name, run.id);
        const evaluation = runEvaluation(evals, p, spec.steps);
        plans.push({
          runId: run.id,
          name: p.name,
          placement: p.placement,
          checkpointSteps: p.checkpointSteps,
          ...(p.parentName ? { parentRunName: p.parentName, branchStep: p.branchStep } : {}),
          ...(evaluation ? { evaluation } : {}),
        });
      }
      return plans;
    },

    async ensureSpecAnalyses({ suiteId }) {
      const suite = await db.suite.findUniqueOrThrow({ where: { id: suiteId } });
      const rows = [];
      for (const entry of validateSuiteSpec(suite.spec).analyses) rows.push(await ensureEntry(db, suiteId, entry));
      // A completed analysis (asked for through the API while the suite trained) is not redone.
      return rows.filter((r) => r.status !== 'completed').map((r) => ({ analysisId: r.id, kind: r.kind }));
    },

    async startAnalysis({ analysisId, workflowId, workflowRunId }) {
      await setAnalysisStatus(db, analysisId, 'running', { workflowId, workflowRunId });
      return planAnalysis(db, analysisId);
    },

    async markAnalysisFailed({ analysisId, error }) {
      await setAnalysisStatus(db, analysisId, 'failed', { error });
    },

    planEvaluations({ suiteId, evaluations }) {
      return planMissingEvaluations(db, suiteId, evaluations);
    },
  };
}
