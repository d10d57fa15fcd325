import { Module } from '@nestjs/common';
import { SuiteControlController } from './suite-control.controller';
import { SuiteControlService } from './suite-control.service';
import { SuiteEventsController } from './suite-events.controller';
import { SuiteEventsService } from './suite-events.service';
import { SuitesController } from './suites.controller';
import { SuitesResolver } from './suites.resolver';
import { SuitesService } from './suites.service';

@Module({
  controllers: [SuitesController, SuiteControlController, SuiteEventsController],
  providers: [SuitesService, SuitesResolver, SuiteControlService, SuiteEventsService],
})
export class SuitesModule {}
