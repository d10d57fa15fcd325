import { BadRequestException } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { SuiteView } from '../suites/suite.views';
import { AnalysisView, type AnalysisDetailView } from './analysis.views';
import { AnalysesService } from './analyses.service';
import { Role } from '../auth/role.decorator';
import { Audited } from '../audit/audited.decorator';

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

@Resolver(() => AnalysisView)
export class AnalysesResolver {
  constructor(private readonly service: AnalysesService) {}

  @Role('viewer')
  @Query(() => [AnalysisView], { description: "A suite's analyses, optionally of one kind or status" })
  suiteAnalyses(
    @Args('suiteId', { type: () => ID }) suiteId: string,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('status', { nullable: true, description: 'pending | running | completed | failed' }) status?: string,
  ): Promise<AnalysisDetailView[]> {
    return this.service.forSuiteDetailed(suiteId, { kind, status });
  }

  @Role('viewer')
  @Query(() => AnalysisView, { description: 'One analysis, with its result and artefacts' })
  analysis(@Args('id', { type: () => ID }) id: string): Promise<AnalysisDetailView> {
    return this.service.get(id);
  }

  @Role('operator')
  @Audited('suite.analyse', 'suite')
  @Mutation(() => [AnalysisView], {
    description: 'Run analyses of a suite: a list of entries (kinds, or kinds with parameters) as JSON or YAML text; idempotent',
  })
  async analyseSuite(
    @Args('suiteId', { type: () => ID }) suiteId: string,
    @Args('analyses', { description: 'e.g. ["memorization", {"kind": "term-frequency", "shots": [0, 4]}]' }) text: string,
  ): Promise<AnalysisView[]> {
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new GraphQLError(`analyses is not valid JSON/YAML: ${(err as Error).message}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const body = Array.isArray(parsed) ? { analyses: parsed } : typeof parsed === 'string' ? { analyses: [parsed] } : parsed;
    try {
      return await this.service.analyse(suiteId, body);
    } catch (err) {
      if (!(err instanceof BadRequestException)) throw err;
      const response = err.getResponse() as { issues?: unknown };
      throw new GraphQLError('invalid analyses request', { extensions: { code: 'BAD_USER_INPUT', issues: response.issues } });
    }
  }

  @ResolveField(() => String, { description: 'the entry with every default filled in, as JSON' })
  paramsJson(@Parent() a: AnalysisView): string {
    return JSON.stringify(a.params);
  }

  @ResolveField(() => String, { nullable: true, description: 'the result (headline `table`, `summary` lines, …) as JSON; null until completed' })
  async resultJson(@Parent() a: AnalysisView | AnalysisDetailView): Promise<string | null> {
    return json('result' in a ? a.result : (await this.service.get(a.id)).result);
  }

  @ResolveField(() => String, { nullable: true, description: 'the checkpoints and evaluations the result was computed from, as JSON' })
  async inputsJson(@Parent() a: AnalysisView | AnalysisDetailView): Promise<string | null> {
    return json('inputs' in a ? a.inputs : (await this.service.get(a.id)).inputs);
  }
}

@Resolver(() => SuiteView)
export class SuiteAnalysesResolver {
  constructor(private readonly service: AnalysesService) {}

  @ResolveField(() => [AnalysisView])
  analyses(@Parent() suite: SuiteView): Promise<AnalysisDetailView[]> {
    return this.service.forSuiteDetailed(suite.id, {});
  }
}
