import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { BadRequestException } from '@nestjs/common';
import { CheckpointView, RunView } from '../suites/suite.views';
import { EvaluationRequestView, EvaluationView } from './evaluation.views';
import { EvaluationsService } from './evaluations.service';
import { EVALUATION_PAGE } from '../common/page-sizes';
import { pageRequest } from '../common/pagination';

/** GraphQL's page arguments of an evaluation list: `after` is the id of the previous page's last row. */
const limitArg = { type: () => Int, nullable: true, description: `1–${EVALUATION_PAGE.max}, default ${EVALUATION_PAGE.byDefault}` };
const afterArg = { type: () => ID, nullable: true, description: 'the id of the last evaluation of the previous page' };
const page = (limit?: number, after?: string) => pageRequest({ limit, cursor: after }, EVALUATION_PAGE, 'id');
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

@Resolver(() => EvaluationView)
export class EvaluationsResolver {
  constructor(private readonly service: EvaluationsService) {}

  @Role('viewer')
  @Query(() => [EvaluationView], { description: "A suite's evaluations as one tidy table, optionally filtered" })
  async suiteEvaluations(
    @Args('suiteId', { type: () => ID }) suiteId: string,
    @Args('task', { nullable: true }) task?: string,
    @Args('metric', { nullable: true }) metric?: string,
    @Args('shots', { type: () => Int, nullable: true }) shots?: number,
    @Args('run', { nullable: true }) run?: string,
    @Args('limit', limitArg) limit?: number,
    @Args('after', afterArg) after?: string,
  ): Promise<EvaluationView[]> {
    return (await this.service.forSuite(suiteId, { task, metric, shots, run }, page(limit, after))).items;
  }

  @Role('operator')
  @Audited('suite.evaluate', 'suite')
  @Mutation(() => EvaluationRequestView, { description: 'Evaluate a suite on more tasks or checkpoints (an evals block, YAML or JSON)' })
  async evaluateSuite(@Args('id', { type: () => ID }) id: string, @Args('request') text: string): Promise<EvaluationRequestView> {
    let body: unknown;
    try {
      body = parseYaml(text);
    } catch (err) {
      throw new GraphQLError(`request is not valid YAML/JSON: ${(err as Error).message}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    try {
      return await this.service.evaluate(id, body);
    } catch (err) {
      if (!(err instanceof BadRequestException)) throw err;
      const response = err.getResponse() as { issues?: unknown };
      throw new GraphQLError('invalid evaluation request', { extensions: { code: 'BAD_USER_INPUT', issues: response.issues } });
    }
  }
}

@Resolver(() => RunView)
export class RunEvaluationsResolver {
  constructor(private readonly service: EvaluationsService) {}

  @ResolveField(() => [EvaluationView])
  async evaluations(
    @Parent() run: RunView,
    @Args('limit', limitArg) limit?: number,
    @Args('after', afterArg) after?: string,
  ): Promise<EvaluationView[]> {
    return (await this.service.forRun(run.id, {}, page(limit, after))).items;
  }
}

@Resolver(() => CheckpointView)
export class CheckpointEvaluationsResolver {
  constructor(private readonly service: EvaluationsService) {}

  @ResolveField(() => [EvaluationView])
  async evaluations(
    @Parent() checkpoint: CheckpointView,
    @Args('limit', limitArg) limit?: number,
    @Args('after', afterArg) after?: string,
  ): Promise<EvaluationView[]> {
    return (await this.service.forCheckpoint(checkpoint.id, page(limit, after))).items;
  }
}
