import { Module } from '@nestjs/common';
import { SuitesController } from './suites.controller';
import { SuitesResolver } from './suites.resolver';
import { SuitesService } from './suites.service';

@Module({
  controllers: [SuitesController],
  providers: [SuitesService, SuitesResolver],
})
export class SuitesModule {}
