import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { createLineageClient, type LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LineageController } from './lineage.controller';
import { LineageResolver } from './lineage.resolver';
import { LineageService } from './lineage.service';

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
  controllers: [LineageController],
  providers: [
    {
      provide: LINEAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createLineageClient(config.DATABASE_URL),
    },
    LineageLifecycle,
    {
      provide: LineageService,
      inject: [LINEAGE, APP_CONFIG],
      useFactory: (db: LineageClient, config: AppConfig) => new LineageService(db, config.COHORT_DEPENDENCY_TIMEOUT_MS),
    },
    LineageResolver,
  ],
  exports: [LINEAGE],
})
export class LineageModule {}
