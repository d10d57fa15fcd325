import { Global, Module } from '@nestjs/common';
import { OrchestrationWorkerService } from './orchestration-worker.service';
import { TemporalClientService } from './temporal-client.service';

@Global()
@Module({
  providers: [TemporalClientService, OrchestrationWorkerService],
  exports: [TemporalClientService],
})
export class TemporalModule {}
