import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { LineageClient } from '@cohort/lineage';
import {
  cancelSignal,
  pauseSignal,
  resumeSignal,
  runProgressQuery,
  suiteWorkflowId,
  type RunProgress,
} from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { callDependency, unavailable, withTimeout } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';

export type ControlAction = 'pause' | 'resume' | 'cancel';
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
    await this.signal(suiteWorkflowId(suiteId), action, `suite ${suiteId}`);
  }

  async signalRun(runId: string, action: ControlAction): Promise<void> {
    const run = await callDependency('postgres', this.timeout, () =>
      this.db.run.findUnique({ where: { id: runId }, select: { workflowId: true } }),
    );
    if (!run?.workflowId) throw new NotFoundException(`run ${runId} not found or not started`);
    await this.signal(run.workflowId, action, `run ${runId}`);
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
