import { Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CONTROL_ACTIONS as ACTIONS, SuiteControlService, type ControlAction } from './suite-control.service';
import { METRICS_PAGE } from '../common/page-sizes';
import { Paged, pageRequest } from '../common/pagination';
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

@ApiTags('control')
@Controller()
export class SuiteControlController {
  constructor(private readonly control: SuiteControlService) {}

  @Role('operator')
  @Audited('suite.:action', 'suite')
  @Post('suites/:id/:action')
  @HttpCode(202)
  @ApiParam({ name: 'action', enum: ACTIONS })
  @ApiConflictResponse({ description: 'the suite is not running' })
  async suite(
    @Param('id') id: string,
    @Param('action', new ParseEnumPipe(ACTIONS)) action: ControlAction,
  ): Promise<{ accepted: true }> {
    await this.control.signalSuite(id, action);
    return { accepted: true };
  }

  // Declared before runs/:id/:action, which would otherwise match it first.
  @Role('operator')
  @Audited('run.resume-from-checkpoint', 'run')
  @Post('runs/:id/resume-from-checkpoint')
  @HttpCode(201)
  @ApiConflictResponse({ description: 'the run is not cancelled or failed, or has no checkpoint' })
  resumeFromCheckpoint(@Param('id') id: string) {
    return this.control.resumeRun(id);
  }

  @Role('operator')
  @Audited('run.:action', 'run')
  @Post('runs/:id/:action')
  @HttpCode(202)
  @ApiParam({ name: 'action', enum: ACTIONS })
  @ApiConflictResponse({ description: 'the run is not running' })
  async run(
    @Param('id') id: string,
    @Param('action', new ParseEnumPipe(ACTIONS)) action: ControlAction,
  ): Promise<{ accepted: true }> {
    await this.control.signalRun(id, action);
    return { accepted: true };
  }

  @Role('viewer')
  @Get('runs/:id/metrics')
  @Paged(METRICS_PAGE)
  metrics(@Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    return this.control.lossCurve(id, pageRequest({ limit, cursor }, METRICS_PAGE, 'step'));
  }

  @Role('viewer')
  @Get('suites/:id/progress')
  progress(@Param('id') id: string) {
    return this.control.progress(id);
  }
}
