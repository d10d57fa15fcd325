import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { createLineageClient, type LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const LINEAGE = Symbol('LINEAGE');

@Injectable()
class LineageLifecycle implements OnModuleDestroy {
  constructor(@Inject(LINEAGE) private readonly db: LineageClient) {}
  async onModuleDestroy(): Promise<void> {
    await this.db.$disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: LINEAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createLineageClient(config.DATABASE_URL),
    },
    LineageLifecycle,
  ],
  exports: [LINEAGE],
})
export class LineageModule {}
