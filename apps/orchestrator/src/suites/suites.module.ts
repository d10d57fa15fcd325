import { Module } from '@nestjs/common';
import { SuiteControlController } from './suite-control.controller';
import { SuiteControlService } from './suite-control.service';
import { SuitesController } from './suites.controller';
import { SuitesResolver } from './suites.resolver';
import { SuitesService } from './suites.service';

@Module({
  controllers: [SuitesController, SuiteControlController],
  providers: [SuitesService, SuitesResolver, SuiteControlService],
})
export class SuitesModule {}
