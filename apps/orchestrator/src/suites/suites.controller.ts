import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SuiteSummaryView, SuiteView } from './suite.views';
import { SuitesService } from './suites.service';
import { SUITE_PAGE } from '../common/page-sizes';
import { Page, Paged, pageRequest } from '../common/pagination';
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

@ApiTags('suites')
@ApiServiceUnavailableResponse({ description: 'Postgres or Temporal is down (the body names which)' })
@Controller('suites')
export class SuitesController {
  constructor(private readonly suites: SuitesService) {}

  @Role('operator')
  @Audited('suite.launch', 'suite')
  @Post()
  @HttpCode(201)
  @ApiBody({ description: 'a suite spec (see libs/suite-spec)', schema: { type: 'object' } })
  @ApiOkResponse({ type: SuiteView })
  @ApiBadRequestResponse({ description: 'invalid spec: `issues` lists each bad field path and why' })
  launch(@Body() body: unknown): Promise<SuiteView> {
    return this.suites.launch(body);
  }

  @Role('viewer')
  @Get()
  @Paged(SUITE_PAGE)
  @ApiOkResponse({ type: [SuiteSummaryView], description: 'newest first; each run without its checkpoints (GET /suites/:id has them)' })
  list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<SuiteSummaryView>> {
    return this.suites.list(pageRequest({ limit, cursor }, SUITE_PAGE, 'id'));
  }

  @Role('viewer')
  @Get(':id')
  @ApiOkResponse({ type: SuiteView })
  get(@Param('id') id: string): Promise<SuiteView> {
    return this.suites.get(id);
  }
}
