import { applyDecorators } from '@nestjs/common';
import { Field, ID, ObjectType, type ReturnTypeFunc } from '@nestjs/graphql';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { DOWNSTREAM_LIMIT, LINEAGE_KINDS, type LineageEdge, type LineageGraph, type LineageKind, type LineageNode } from '@cohort/lineage';

/**
 * The lineage graph, shared by REST (OpenAPI) and GraphQL as suites are. A node's attributes are
 * an object over REST and JSON text over GraphQL (`attributesJson`, resolved from them), as an
 * analysis's params are.
 */

/** A field of both APIs, described once (the GraphQL type, when not the TypeScript one; OpenAPI extras). */
const Both = (description?: string, graphqlType?: ReturnTypeFunc, openApi: ApiPropertyOptions = {}) =>
  applyDecorators(graphqlType ? Field(graphqlType, { description }) : Field({ description }), ApiProperty({ description, ...openApi }));

@ObjectType('LineageNode')
export class LineageNodeView implements LineageNode {
  @Both('`kind:id`, what edges refer to') key!: string;
  @Both(LINEAGE_KINDS.join(' | '), () => String, { enum: [...LINEAGE_KINDS] }) kind!: LineageKind;
  @Both('a row id; the path of a file, the version of code', () => ID) id!: string;
  @Both('a short human label, e.g. "checkpoint step 64"') label!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true },
    description: 'the facts of the node: hashes, steps, values, Temporal ids, …',
  })
  attributes!: Record<string, string | number | boolean | null>;
}

@ObjectType('LineageEdge')
export class LineageEdgeView implements LineageEdge {
  @Both('key of the node derived from, or depending on, `to`') from!: string;
  @Both() to!: string;
  @Both('e.g. "evaluated", "written by", "branched from", "read"') relation!: string;
}

@ObjectType('LineageGraph')
export class LineageGraphView implements LineageGraph {
  @Both('key of the node asked for') root!: string;
  @Both(undefined, () => [LineageNodeView], { type: [LineageNodeView] }) nodes!: LineageNodeView[];
  @Both('what the root was computed from, down to the corpus files, the tokenizer file, the code versions and the configuration', () => [LineageEdgeView], { type: [LineageEdgeView] })
  upstream!: LineageEdgeView[];
  @Both('what was computed from the root, transitively', () => [LineageEdgeView], { type: [LineageEdgeView] }) downstream!: LineageEdgeView[];
  @Both(`the downstream was cut at ${DOWNSTREAM_LIMIT} nodes`) truncated!: boolean;
}
