import { BadRequestException } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { RECORDED_KINDS, type LineageGraph } from '@cohort/lineage';
import { LineageService } from './lineage.service';
import { LineageGraphView, LineageNodeView } from './lineage.views';
import { Role } from '../auth/role.decorator';

@Resolver(() => LineageNodeView)
export class LineageResolver {
  constructor(private readonly service: LineageService) {}

  @Role('viewer')
  @Query(() => LineageGraphView, { nullable: true, description: 'What a recorded thing was computed from (upstream) and what was computed from it (downstream)' })
  async lineage(
    @Args('kind', { description: RECORDED_KINDS.join(' | ') }) kind: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<LineageGraph> {
    try {
      return await this.service.graph(kind, id);
    } catch (err) {
      // Bad input reads as the other resolvers' bad input; a 404 or 503 passes through as theirs do.
      if (err instanceof BadRequestException) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
      throw err;
    }
  }

  @ResolveField(() => String, { description: 'the attributes (hashes, steps, values, Temporal ids, …) as JSON' })
  attributesJson(@Parent() node: LineageNodeView): string {
    return JSON.stringify(node.attributes);
  }
}
