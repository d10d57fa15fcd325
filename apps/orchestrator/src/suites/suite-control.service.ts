import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { LineageClient } from '@cohort/lineage';
import { expandEvals, validateSuiteSpec } from '@cohort/suite-spec';
import {
  cancelSignal,
  pauseSignal,
  resumeSignal,
  runProgressQuery,
  suiteWorkflowId,
  trainRunWorkflowId,
  type RunProgress,
  type TrainRunInput,
} from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { requireUuid } from '../common/ids';
import { callDependency, unavailable, withTimeout } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { runEvaluation } from '../temporal/run-planner';
import { Page, type PageRequest } from '../common/pagination';

/** A loss-curve row: small, so its pages are large (a long run has one per optimiser step). */
export interface LossPoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

const TERMINAL: string[] = ['completed', 'failed', 'cancelled'];

export const CONTROL_ACTIONS = ['pause', 'resume', 'cancel'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
const SIGNALS = { pause: pauseSignal, resume: resumeSignal, cancel: cancelSignal } as const;

/** Pause, resume and cancel suites or single runs, and read live progress, through Temporal. */
@Injectable()
export class SuiteControlService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
  ) {}

  async signalSuite(suiteId: string, action: ControlAction): Promise<void> {
    requireUuid('suite', suiteId);
    const suite = await callDependency('postgres', this.timeout, () =>
      this.db.suite.findUnique({ where: { id: suiteId }, select: { status: true } }),
    );
    if (!suite) throw new NotFoundException(`suite ${suiteId} not found`);
    // Lineage says first: the workflow may still be closing after recording a terminal state.
    if (TERMINAL.includes(suite.status)) throw new ConflictException(`suite ${suiteId} is ${suite.status}`);
    await this.signal(suiteWorkflowId(suiteId), action, `suite ${suiteId}`);
  }

  async signalRun(runId: string, action: ControlAction): Promise<void> {
    requireUuid('run', runId);
    const run = await callDependency('postgres', this.timeout, () =>
      this.db.run.findUnique({ where: { id: runId }, select: { workflowId: true, status: true } }),
    );
    if (!run?.workflowId) throw new NotFoundException(`run ${runId} not found or not started`);
    if (TERMINAL.includes(run.status)) throw new ConflictException(`run ${runId} is ${run.status}`);
    await this.signal(run.workflowId, action, `run ${runId}`);
  }

  /**
   * Continues a stopped run (cancelled or failed) from its last checkpoint as a new run whose
   * parent is the stopped one: same model, data order, schedule and transform; lineage records
   * the parent and the branch step.
   */
  async resumeRun(runId: string): Promise<{ runId: string; name: string; branchStep: number; workflowId: string }> {
    requireUuid('run', runId);
    const timeout = this.timeout;
    const parent = await callDependency('postgres', timeout, () =>
      this.db.run.findUnique({ where: { id: runId }, include: { suite: true, checkpoints: { orderBy: { step: 'desc' }, take: 1 } } }),
    );
    if (!parent) throw new NotFoundException(`run ${runId} not found`);
    if (!['cancelled', 'failed'].includes(parent.status)) {
      throw new ConflictException(`run ${parent.name} is ${parent.status}; only a cancelled or failed run can be resumed`);
    }
    const last = parent.checkpoints[0];
    if (!last) throw new ConflictException(`run ${parent.name} has no checkpoint to resume from`);
    const siblings = await callDependency('postgres', timeout, () =>
      this.db.run.count({ where: { suiteId: parent.suiteId, parentRunId: parent.id } }),
    );
    const name = `${parent.name}-resumed${siblings + 1}`;
    const run = await callDependency('postgres', timeout, () =>
      this.db.run.create({
        data: {
          suiteId: parent.suiteId,
          name,
          modelName: parent.modelName,
          variant: parent.variant,
          training: parent.training ?? {},
          checkpointSteps: parent.checkpointSteps,
          transform: parent.transform,
          modelConfigId: parent.modelConfigId,
          dataOrderId: parent.dataOrderId,
          seed: parent.seed,
          placement: parent.placement,
          parentRunId: parent.id,
          branchStep: last.step,
        },
      }),
    );
    const input: TrainRunInput = {
      runId: run.id,
      placement: run.placement,
      orchestrationQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
      checkpointSteps: run.checkpointSteps,
      startStep: last.step,
      startCheckpointed: true,
      heartbeatTimeoutSeconds: this.config.COHORT_HEARTBEAT_TIMEOUT_S,
    };
    const spec = validateSuiteSpec(parent.suite.spec);
    const evaluation = runEvaluation(expandEvals(spec.evals), run, spec.steps);
    if (evaluation) input.evaluation = evaluation; // the suite's evals cover the resumed run too
    const workflowId = trainRunWorkflowId(parent.suiteId, name);
    try {
      await this.temporal.startWorkflow('TrainRunWorkflow', workflowId, input);
    } catch (err) {
      await this.db.run.delete({ where: { id: run.id } }).catch(() => undefined); // leave nothing half-made
      throw unavailable('temporal', err as Error);
    }
    return { runId: run.id, name, branchStep: last.step, workflowId };
  }

  /** A page of a run's loss curve (loss, learning rate and gradient norm by optimiser step); the cursor is the last step. */
  async lossCurve(runId: string, page: PageRequest<number>): Promise<Page<LossPoint>> {
    requireUuid('run', runId);
    const rows = await callDependency('postgres', this.timeout, () =>
      this.db.runMetric.findMany({
        where: { runId, step: page.after === undefined ? undefined : { gt: page.after } },
        orderBy: { step: 'asc' },
        take: page.limit + 1,
        select: { step: true, loss: true, lr: true, gradNorm: true },
      }),
    );
    // Only an empty page can mean "no such run": the usual page needs no second query.
    if (rows.length === 0 && !(await callDependency('postgres', this.timeout, () => this.db.run.findUnique({ where: { id: runId }, select: { id: true } })))) {
      throw new NotFoundException(`run ${runId} not found`);
    }
    return Page.of(rows, page.limit, (last) => last.step);
  }

  /** Live progress of every started run of a suite (step, loss, tokens/s, ETA). */
  async progress(suiteId: string): Promise<(RunProgress & { name: string })[]> {
    const runs = await callDependency('postgres', this.timeout, () =>
      this.db.run.findMany({ where: { suiteId, workflowId: { not: null } }, orderBy: { name: 'asc' } }),
    );
    return callDependency('temporal', this.timeout, () =>
      Promise.all(
        runs.map(async (r) => ({
          name: r.name,
          ...(await this.temporal.client.workflow.getHandle(r.workflowId as string).query(runProgressQuery)),
        })),
      ),
    );
  }

  private get timeout(): number {
    return this.config.COHORT_DEPENDENCY_TIMEOUT_MS;
  }

  private async signal(workflowId: string, action: ControlAction, what: string): Promise<void> {
    try {
      await withTimeout(
        this.temporal.client.workflow.getHandle(workflowId).signal(SIGNALS[action]),
        this.timeout,
        'temporal',
      );
    } catch (err) {
      // Temporal answers "not found" for finished executions too: nothing left to control.
      if (err instanceof WorkflowNotFoundError) throw new ConflictException(`${what} is not running`);
      throw unavailable('temporal', err as Error);
    }
  }
}
