import { Module } from '@nestjs/common';
import { AnalysesController } from './analyses.controller';
import { AnalysesResolver, SuiteAnalysesResolver } from './analyses.resolver';
import { AnalysesService } from './analyses.service';

@Module({
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysesResolver, SuiteAnalysesResolver],
})
export class AnalysesModule {}
