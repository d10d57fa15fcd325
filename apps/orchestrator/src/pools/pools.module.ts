import { Global, Module } from '@nestjs/common';
import { PoolsController } from './pools.controller';
import { PoolsService } from './pools.service';

/** GPU node pools on Kubernetes: the scaler fed by Temporal's backlog, run Jobs, GET /pools. */
@Global()
@Module({
  controllers: [PoolsController],
  providers: [PoolsService],
  exports: [PoolsService],
})
export class PoolsModule {}
