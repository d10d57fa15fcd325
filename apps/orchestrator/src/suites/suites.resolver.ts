import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { parseSuiteSpec, InvalidSuiteSpecError } from '@cohort/suite-spec';
import { GraphQLError } from 'graphql';
import { SuiteView } from './suite.views';
import { SuitesService } from './suites.service';
import { CONTROL_ACTIONS, SuiteControlService, type ControlAction } from './suite-control.service';

@Resolver(() => SuiteView)
export class SuitesResolver {
  constructor(
    private readonly service: SuitesService,
    private readonly control: SuiteControlService,
  ) {}

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

  @Query(() => [SuiteView])
  suites(): Promise<SuiteView[]> {
    return this.service.list();
  }

  @Query(() => SuiteView)
  suite(@Args('id', { type: () => ID }) id: string): Promise<SuiteView> {
    return this.service.get(id);
  }

  @Mutation(() => SuiteView, { description: 'Validate a suite spec (YAML or JSON text) and launch it' })
  launchSuite(@Args('spec') specText: string): Promise<SuiteView> {
    let parsed: unknown;
    try {
      parsed = parseSuiteSpec(specText, { checkPaths: true });
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw new GraphQLError('invalid suite spec', {
        extensions: { code: 'BAD_USER_INPUT', issues: err.issues },
      });
    }
    return this.service.launch(parsed);
  }
}
