import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowIdReusePolicy } from '@temporalio/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withTimeout } from '../common/dependency';

/** The Temporal client. The connection is lazy so the API starts (and reports) while Temporal is down. */
@Injectable()
export class TemporalClientService implements OnModuleDestroy {
  readonly connection: Connection;
  readonly client: Client;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    this.client = new Client({ connection: this.connection, namespace: config.TEMPORAL_NAMESPACE });
  }

  /**
   * Starts a workflow on the orchestration queue, failing within the dependency timeout. While an
   * execution of `workflowId` is running this rejects with WorkflowExecutionAlreadyStartedError;
   * `workflowIdReusePolicy` says whether a closed one may be started again.
   */
  async startWorkflow(
    type: 'SuiteWorkflow' | 'TrainRunWorkflow' | 'EvaluateSuiteWorkflow' | 'AnalysisWorkflow',
    workflowId: string,
    input: object,
    options: { workflowIdReusePolicy?: WorkflowIdReusePolicy } = {},
  ): Promise<void> {
    await withTimeout(
      this.client.workflow.start(type, {
        workflowId,
        taskQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
        args: [input],
        ...options,
      }),
      this.config.COHORT_DEPENDENCY_TIMEOUT_MS,
      'temporal',
    );
  }

  /** Resolves when the frontend answers its gRPC health check. */
  async checkHealth(): Promise<void> {
    await this.connection.healthService.check({});
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
