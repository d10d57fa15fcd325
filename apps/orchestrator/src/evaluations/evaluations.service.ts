import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { listEvaluations, type EvaluationFilter, type LineageClient } from '@cohort/lineage';
import { InvalidSuiteSpecError, validateEvalsRequest, validateSuiteSpec, type EvalPlan } from '@cohort/suite-spec';
import { evaluateSuiteWorkflowId, type EvaluateSuiteInput } from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { findSuite } from '../common/find-suite';
import { requireUuid } from '../common/ids';
import { callDependency, unavailable } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { Page, requireCursorRow, type PageRequest } from '../common/pagination';
import { toEvaluationView, type EvaluationRequestView, type EvaluationView } from './evaluation.views';

/** Filters of the evaluation table, as query strings arrive (REST) or typed (GraphQL). */
export interface EvaluationQuery {
  task?: string;
  metric?: string;
  shots?: string | number;
  step?: string | number;
  run?: string;
}

/** Checkpoints evaluated at once by a re-evaluation request. */
const EVALUATE_CONCURRENCY = 2;

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
  ) {}

  async forSuite(suiteId: string, query: EvaluationQuery, page: PageRequest<string>): Promise<Page<EvaluationView>> {
    await findSuite(this.db, this.timeout, suiteId);
    return this.list({ ...this.filter(query), suiteId }, page);
  }

  async forRun(runId: string, query: EvaluationQuery, page: PageRequest<string>): Promise<Page<EvaluationView>> {
    requireUuid('run', runId);
    const run = await callDependency('postgres', this.timeout, () => this.db.run.findUnique({ where: { id: runId }, select: { id: true } }));
    if (!run) throw new NotFoundException(`run ${runId} not found`);
    return this.list({ ...this.filter(query), runId }, page);
  }

  forCheckpoint(checkpointId: string, page: PageRequest<string>): Promise<Page<EvaluationView>> {
    return this.list({ checkpointId }, page);
  }

  /**
   * Evaluates a suite's recorded checkpoints on more tasks (or more checkpoints) without
   * retraining: validates the request as an `evals` block against the suite, then starts an
   * EvaluateSuiteWorkflow that adds only the missing rows.
   */
  async evaluate(suiteId: string, body: unknown): Promise<EvaluationRequestView> {
    const suite = await findSuite(this.db, this.timeout, suiteId);
    let plan: EvalPlan;
    try {
      plan = validateEvalsRequest(body, validateSuiteSpec(suite.spec));
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'invalid evaluation request', issues: err.issues });
    }
    if (suite.status === 'pending') throw new ConflictException(`suite ${suiteId} has not started yet`);
    const workflowId = evaluateSuiteWorkflowId(suiteId, randomUUID());
    const input: EvaluateSuiteInput = {
      suiteId,
      orchestrationQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
      request: plan,
      maxConcurrent: EVALUATE_CONCURRENCY,
      heartbeatTimeoutSeconds: this.config.COHORT_HEARTBEAT_TIMEOUT_S,
    };
    try {
      await this.temporal.startWorkflow('EvaluateSuiteWorkflow', workflowId, input);
    } catch (err) {
      throw unavailable('temporal', err as Error);
    }
    return { workflowId, tasks: plan.tasks.map((t) => `${t.task}@${t.shots}`) };
  }

  /** A page of the tidy table; the cursor is the id of the previous page's last row. */
  private async list(filter: EvaluationFilter, { limit, after }: PageRequest<string>): Promise<Page<EvaluationView>> {
    const rows = await callDependency('postgres', this.timeout, () => listEvaluations(this.db, filter, { take: limit + 1, after }));
    await requireCursorRow(rows, after, 'evaluation', (id) =>
      callDependency('postgres', this.timeout, () => this.db.evaluation.findUnique({ where: { id }, select: { id: true } })),
    );
    return Page.of(rows.map(toEvaluationView), limit, (last) => last.id);
  }

  private filter(q: EvaluationQuery): EvaluationFilter {
    return { task: q.task, metric: q.metric, shots: integer('shots', q.shots), step: integer('step', q.step), runName: q.run };
  }

  private get timeout(): number {
    return this.config.COHORT_DEPENDENCY_TIMEOUT_MS;
  }
}

function integer(name: string, v: string | number | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestException(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}
