import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { getSuite, latestMetrics, listSuiteSummaries, type LineageClient } from '@cohort/lineage';
import {
  InvalidSuiteSpecError,
  specHash,
  validateSuiteSpec,
  type SuiteSpec,
} from '@cohort/suite-spec';
import { suiteWorkflowId, type SuiteWorkflowInput } from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dataRoots } from '../config/data-roots';
import { requireUuid } from '../common/ids';
import { callDependency, unavailable, withTimeout } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { AuditService } from '../audit/audit.service';
import { Page, requireCursorRow, type PageRequest } from '../common/pagination';
import { toSuiteSummaryView, toSuiteView, type SuiteSummaryView, type SuiteView } from './suite.views';

@Injectable()
export class SuitesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
    private readonly audit: AuditService,
  ) {}

  /** Validates a spec or throws 400 with every bad field's path (files it names: only inside the data roots). */
  validate(input: unknown): SuiteSpec {
    try {
      return validateSuiteSpec(input, { checkPaths: { dataRoots: dataRoots(this.config) } });
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'invalid suite spec',
        issues: err.issues,
      });
    }
  }

  /**
   * Writes the Suite row and starts its workflow as one unit: the row is inserted in a
   * transaction that commits only once Temporal has accepted the workflow, so an outage of either
   * leaves nothing half-written (the workflow's first activity retries until the row is visible);
   * the launch's audit row is in the same transaction.
   */
  async launch(input: unknown): Promise<SuiteView> {
    const spec = this.validate(input);
    const id = randomUUID();
    const workflowId = suiteWorkflowId(id);
    const workflowInput: SuiteWorkflowInput = {
      suiteId: id,
      orchestrationQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
      dataQueue: spec.placement.data,
      computeQueues: this.computeQueues(spec),
      maxConcurrentRuns: spec.maxConcurrentRuns,
      heartbeatTimeoutSeconds: this.config.COHORT_HEARTBEAT_TIMEOUT_S,
    };
    const timeout = this.config.COHORT_DEPENDENCY_TIMEOUT_MS;
    let temporalError: Error | undefined;
    try {
      await withTimeout(
        this.db.$transaction(
          async (tx) => {
            await tx.suite.create({
              data: { id, name: spec.name, spec, specHash: specHash(spec), workflowId, status: 'pending' },
            });
            await this.audit.recordWithin(tx, id);
            try {
              await this.temporal.startWorkflow('SuiteWorkflow', workflowId, workflowInput);
            } catch (err) {
              temporalError = err as Error;
              throw err;
            }
          },
          { timeout: timeout * 2 },
        ),
        timeout * 3,
        'postgres',
      );
    } catch (err) {
      throw temporalError ? unavailable('temporal', temporalError) : unavailable('postgres', err as Error);
    }
    return this.get(id);
  }

  async get(id: string): Promise<SuiteView> {
    requireUuid('suite', id);
    const suite = await this.postgres(() => getSuite(this.db, id));
    if (!suite) throw new NotFoundException(`suite ${id} not found`);
    return toSuiteView(suite, await this.postgres(() => latestMetrics(this.db, suite.runs.map((r) => r.id))));
  }

  /** A page of suites, newest first; the cursor is the id of the previous page's last suite. */
  async list({ limit, after }: PageRequest<string>): Promise<Page<SuiteSummaryView>> {
    const suites = await this.postgres(() => listSuiteSummaries(this.db, limit + 1, after));
    await requireCursorRow(suites, after, 'suite', (id) => this.postgres(() => this.db.suite.findUnique({ where: { id }, select: { id: true } })));
    return Page.of(suites.map(toSuiteSummaryView), limit, (last) => last.id);
  }

  private postgres<T>(query: () => Promise<T>): Promise<T> {
    return callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, query);
  }

  /** Every compute queue the suite's runs are placed on (the spec's default, per-model overrides). */
  private computeQueues(spec: SuiteSpec): string[] {
    const queues = spec.models.map((m) => m.placement ?? spec.placement.default);
    return [...new Set(queues)].sort();
  }
}
