import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { kubeClients, PoolScaler, type PoolStatus } from '@cohort/cluster';
import type { LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { poolLoad, poolRuns } from './pool-load';

/** The pool scaler, when pools are configured; with none, nothing talks to Kubernetes. */
@Injectable()
export class PoolsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('pools');
  readonly scaler?: PoolScaler;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LINEAGE) db: LineageClient,
    temporal: TemporalClientService,
  ) {
    if (config.COHORT_POOLS.length === 0) return;
    this.scaler = new PoolScaler(
      config.COHORT_POOLS,
      kubeClients(),
      (pool) => poolLoad(temporal, config.TEMPORAL_NAMESPACE, db, pool),
      (pool) => poolRuns(db, pool),
      {
        intervalMs: config.COHORT_POOLS_INTERVAL_MS,
        minChangeIntervalMs: config.COHORT_POOLS_MIN_CHANGE_INTERVAL_MS,
        scaleDownDelayMs: config.COHORT_POOLS_SCALE_DOWN_DELAY_MS,
        requestTimeoutMs: config.COHORT_KUBE_TIMEOUT_MS,
        historySize: 50,
      },
    );
  }

  onModuleInit(): void {
    if (!this.scaler) return;
    this.logger.log(`scaling pools ${this.scaler.pools.map((p) => `${p.name} (${p.mode}, queue ${p.taskQueue})`).join(', ')}`);
    this.scaler.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.scaler?.stop();
  }

  status(): PoolStatus[] {
    return this.scaler?.status() ?? [];
  }
}
