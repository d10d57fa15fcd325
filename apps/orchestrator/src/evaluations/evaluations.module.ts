import { Module } from '@nestjs/common';
import { EvaluationsController } from './evaluations.controller';
import { CheckpointEvaluationsResolver, EvaluationsResolver, RunEvaluationsResolver } from './evaluations.resolver';
import { EvaluationsService } from './evaluations.service';

@Module({
  controllers: [EvaluationsController],
  providers: [EvaluationsService, EvaluationsResolver, RunEvaluationsResolver, CheckpointEvaluationsResolver],
})
export class EvaluationsModule {}
