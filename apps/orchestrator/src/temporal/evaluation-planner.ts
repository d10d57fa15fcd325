import { evaluationKey, type LineageClient } from '@cohort/lineage';
import { validateSuiteSpec, type EvalPlan } from '@cohort/suite-spec';
import type { CheckpointEvaluation, SuiteEvaluationRequest } from '@cohort/workflows';
import { runEvaluation } from './run-planner';

/**
 * The recorded checkpoints of a suite that still miss some of the requested (task, shots) pairs,
 * each with only its missing pairs: re-evaluating a suite adds rows, it never recomputes them.
 */
export async function planMissingEvaluations(
  db: LineageClient,
  suiteId: string,
  request: SuiteEvaluationRequest,
): Promise<CheckpointEvaluation[]> {
  const suite = await db.suite.findUniqueOrThrow({
    where: { id: suiteId },
    include: {
      runs: {
        orderBy: { name: 'asc' },
        include: { checkpoints: { orderBy: { step: 'asc' }, include: { evaluations: { select: { task: true, shots: true } } } } },
      },
    },
  });
  const spec = validateSuiteSpec(suite.spec);
  // The request was validated by the API as an `evals` block, so its checkpoints have that shape.
  const plan: EvalPlan = { tasks: request.tasks, checkpoints: request.checkpoints as EvalPlan['checkpoints'], placement: request.placement };
  return suite.runs.flatMap((run) => {
    const evaluation = runEvaluation(plan, run, spec.steps);
    if (!evaluation) return [];
    const wanted = new Set(evaluation.steps);
    return run.checkpoints
      .filter((cp) => wanted.has(cp.step))
      .flatMap((cp) => {
        const done = new Set(cp.evaluations.map((e) => evaluationKey(e.task, e.shots)));
        const tasks = plan.tasks.filter((t) => !done.has(evaluationKey(t.task, t.shots)));
        return tasks.length ? [{ runId: run.id, step: cp.step, placement: evaluation.placement, tasks }] : [];
      });
  });
}
