import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { parseSuiteSpec, InvalidSuiteSpecError } from '@cohort/suite-spec';
import { GraphQLError } from 'graphql';
import { SuiteView } from './suite.views';
import { SuitesService } from './suites.service';

@Resolver(() => SuiteView)
export class SuitesResolver {
  constructor(private readonly service: SuitesService) {}

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
      parsed = parseSuiteSpec(specText);
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw new GraphQLError('invalid suite spec', {
        extensions: { code: 'BAD_USER_INPUT', issues: err.issues },
      });
    }
    return this.service.launch(parsed);
  }
}
