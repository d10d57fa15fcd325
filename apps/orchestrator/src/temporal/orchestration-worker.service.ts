import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowsPath } from '@cohort/workflows';
import type { LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LINEAGE } from '../lineage/lineage.module';
import { createLineageActivities } from './lineage-activities';

const RECONNECT_DELAY_MS = 5_000;

/**
 * The orchestration worker: runs the workflows and the light lineage activities inside the
 * orchestrator process. If Temporal is down at boot it keeps retrying, so the API stays up.
 */
@Injectable()
export class OrchestrationWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrchestrationWorker');
  private worker?: Worker;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.COHORT_RUN_WORKER) this.running = this.runUntilStopped();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }

  private async runUntilStopped(): Promise<void> {
    while (!this.stopping) {
      try {
        const connection = await NativeConnection.connect({ address: this.config.TEMPORAL_ADDRESS });
        try {
          this.worker = await Worker.create({
            connection,
            namespace: this.config.TEMPORAL_NAMESPACE,
            taskQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
            workflowsPath,
            activities: createLineageActivities(this.db),
          });
          if (this.stopping) return;
          this.logger.log(`polling task queue "${this.config.COHORT_ORCHESTRATION_QUEUE}"`);
          await this.worker.run();
        } finally {
          await connection.close().catch(() => undefined);
        }
      } catch (err) {
        if (this.stopping) return;
        this.logger.warn(`worker stopped (${(err as Error).message}); retrying in ${RECONNECT_DELAY_MS} ms`);
        await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
      }
    }
  }
}
