import { BadRequestException } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { parseSuiteSpec, InvalidSuiteSpecError } from '@cohort/suite-spec';
import { GraphQLError } from 'graphql';
import { SuiteSummaryView, SuiteView } from './suite.views';
import { SuitesService } from './suites.service';
import { SUITE_PAGE } from '../common/page-sizes';
import { pageRequest } from '../common/pagination';
import { CONTROL_ACTIONS, SuiteControlService, type ControlAction } from './suite-control.service';
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

@Resolver(() => SuiteView)
export class SuitesResolver {
  constructor(
    private readonly service: SuitesService,
    private readonly control: SuiteControlService,
  ) {}

  @Role('operator')
  @Audited('suite.:action', 'suite')
  @Mutation(() => Boolean, { description: 'Pause, resume or cancel every run of a suite' })
  async controlSuite(
    @Args('id', { type: () => ID }) id: string,
    @Args('action', { type: () => String, description: 'pause | resume | cancel' }) action: string,
  ): Promise<boolean> {
    if (!CONTROL_ACTIONS.includes(action as ControlAction)) {
      throw new GraphQLError(`action must be one of ${CONTROL_ACTIONS.join(', ')}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    await this.control.signalSuite(id, action as ControlAction);
    return true;
  }

  @Role('viewer')
  @Query(() => [SuiteSummaryView], { description: `A page of suites, newest first (each run without its checkpoints)` })
  async suites(
    @Args('limit', { type: () => Int, nullable: true, description: `1–${SUITE_PAGE.max}, default ${SUITE_PAGE.byDefault}` }) limit?: number,
    @Args('after', { type: () => ID, nullable: true, description: 'the id of the last suite of the previous page' }) after?: string,
  ): Promise<SuiteSummaryView[]> {
    return (await this.service.list(pageRequest({ limit, cursor: after }, SUITE_PAGE, 'id'))).items;
  }

  @Role('viewer')
  @Query(() => SuiteView)
  suite(@Args('id', { type: () => ID }) id: string): Promise<SuiteView> {
    return this.service.get(id);
  }

  @Role('operator')
  @Audited('suite.launch', 'suite')
  @Mutation(() => SuiteView, { description: 'Validate a suite spec (YAML or JSON text) and launch it' })
  async launchSuite(@Args('spec') specText: string): Promise<SuiteView> {
    const invalid = (issues: unknown) => new GraphQLError('invalid suite spec', { extensions: { code: 'BAD_USER_INPUT', issues } });
    let parsed: unknown;
    try {
      parsed = parseSuiteSpec(specText);
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw invalid(err.issues);
    }
    // The service checks the files the spec names (inside the data roots), as for REST.
    try {
      return await this.service.launch(parsed);
    } catch (err) {
      if (!(err instanceof BadRequestException)) throw err;
      throw invalid((err.getResponse() as { issues?: unknown }).issues);
    }
  }
}
