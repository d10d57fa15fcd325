import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** The Temporal client. The connection is lazy so the API starts (and reports) while Temporal is down. */
@Injectable()
export class TemporalClientService implements OnModuleDestroy {
  readonly connection: Connection;
  readonly client: Client;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    this.client = new Client({ connection: this.connection, namespace: config.TEMPORAL_NAMESPACE });
  }

  /** Resolves when the frontend answers its gRPC health check. */
  async checkHealth(): Promise<void> {
    await this.connection.healthService.check({});
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
