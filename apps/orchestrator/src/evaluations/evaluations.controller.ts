import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EvaluationRequestView, EvaluationView } from './evaluation.views';
import { EvaluationsService, type EvaluationQuery } from './evaluations.service';
import { EVALUATION_PAGE } from '../common/page-sizes';
import { Page, Paged, pageRequest } from '../common/pagination';

/** The filters, and a page's `limit` and `cursor`. */
type EvaluationListQuery = EvaluationQuery & { limit?: string; cursor?: string };
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

const filters = ['task', 'metric', 'shots', 'step', 'run'] as const;
const FilterQueries = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  for (const name of filters) ApiQuery({ name, required: false })(target, key, descriptor);
};

@ApiTags('evaluations')
@Controller()
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationsService) {}

  @Role('viewer')
  @Get('suites/:id/evaluations')
  @FilterQueries()
  @Paged(EVALUATION_PAGE)
  @ApiOkResponse({ type: [EvaluationView], description: 'one tidy table: run, model, variant, step, tokens, task, metric, shots, value, stderr' })
  suite(@Param('id') id: string, @Query() query: EvaluationListQuery): Promise<Page<EvaluationView>> {
    return this.evaluations.forSuite(id, query, pageRequest(query, EVALUATION_PAGE, 'id'));
  }

  @Role('viewer')
  @Get('runs/:id/evaluations')
  @FilterQueries()
  @Paged(EVALUATION_PAGE)
  @ApiOkResponse({ type: [EvaluationView] })
  run(@Param('id') id: string, @Query() query: EvaluationListQuery): Promise<Page<EvaluationView>> {
    return this.evaluations.forRun(id, query, pageRequest(query, EVALUATION_PAGE, 'id'));
  }

  @Role('operator')
  @Audited('suite.evaluate', 'suite')
  @Post('suites/:id/evaluate')
  @HttpCode(202)
  @ApiBody({ description: 'an `evals` block of the suite spec: tasks, shots, limit, checkpoints, placement', schema: { type: 'object' } })
  @ApiAcceptedResponse({ type: EvaluationRequestView })
  @ApiBadRequestResponse({ description: 'invalid request: `issues` lists each bad field path and why' })
  evaluate(@Param('id') id: string, @Body() body: unknown): Promise<EvaluationRequestView> {
    return this.evaluations.evaluate(id, body);
  }
}
