import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { PoolStatus } from '@cohort/cluster';
import { Role } from '../auth/role.decorator';
import { PoolsService } from './pools.service';

@ApiTags('pools')
@Controller('pools')
export class PoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Role('viewer')
  @Get()
  @ApiOkResponse({ description: 'each configured pool: its config, replicas, load, Pods (scheduled, unschedulable) and recent scaling decisions, newest first' })
  list(): { pools: PoolStatus[] } {
    return { pools: this.pools.status() };
  }
}
