import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { AnalysisRecord } from '@cohort/lineage';

/**
 * The read model of an analysis, shared by REST and GraphQL as suites and evaluations are. JSON
 * values (params, result, inputs) are objects over REST and JSON text over GraphQL
 * (`paramsJson`, `resultJson`, `inputsJson`, resolved from them), as a suite's `specJson` is.
 */

@ObjectType('AnalysisArtifact')
export class ArtifactView {
  @Field() @ApiProperty() name!: string;
  @Field() @ApiProperty({ description: 'table, figure, scores, …' }) kind!: string;
  @Field() @ApiProperty() mediaType!: string;
  @Field(() => Float) @ApiProperty() bytes!: number;
  @Field() @ApiProperty() sha256!: string;
  @Field({ description: 'where the artefact is stored (file://…)' }) @ApiProperty() uri!: string;
  @Field({ description: 'GET this path of the API to download it' })
  @ApiProperty({ description: 'GET this path of the API to download it' })
  downloadPath!: string;
  @Field() @ApiProperty() createdAt!: Date;
}

@ObjectType('Analysis')
export class AnalysisView {
  @Field(() => ID) @ApiProperty() id!: string;
  @Field(() => ID) @ApiProperty() suiteId!: string;
  @Field() @ApiProperty({ enum: ['memorization', 'term-frequency', 'bias', 'stability'] }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the entry with every default filled in' })
  params!: Record<string, unknown>;
  @Field() @ApiProperty({ enum: ['pending', 'running', 'completed', 'failed'] }) status!: string;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) workflowId!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) workflowRunId!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) codeVersion!: string | null;
  @Field() @ApiProperty() createdAt!: Date;
  @Field() @ApiProperty() updatedAt!: Date;
  @Field(() => Date, { nullable: true }) @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
  @Field(() => [ArtifactView]) @ApiProperty({ type: [ArtifactView] }) artifacts!: ArtifactView[];
}

/** One analysis in full: its result (headline `table`, `summary` lines, …) and what it read. */
export class AnalysisDetailView extends AnalysisView {
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'the result: `table` (rows), `summary` (lines), …' })
  result!: unknown;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: '{ checkpoints: id[], evaluations: id[] }' })
  inputs!: unknown;
}

export const artifactDownloadPath = (analysisId: string, name: string): string =>
  `/analyses/${analysisId}/artifacts/${encodeURIComponent(name)}`;

export function toAnalysisView(a: AnalysisRecord): AnalysisView {
  return {
    id: a.id,
    suiteId: a.suiteId,
    kind: a.kind,
    params: a.params as Record<string, unknown>,
    status: a.status,
    error: a.error,
    workflowId: a.workflowId,
    workflowRunId: a.workflowRunId,
    codeVersion: a.codeVersion,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    completedAt: a.completedAt,
    artifacts: a.artifacts.map((f) => ({
      name: f.name ?? '',
      kind: f.kind,
      mediaType: f.mediaType ?? 'application/octet-stream',
      bytes: Number(f.bytes),
      sha256: f.sha256,
      uri: f.uri,
      downloadPath: artifactDownloadPath(a.id, f.name ?? ''),
      createdAt: f.createdAt,
    })),
  };
}

export function toAnalysisDetailView(a: AnalysisRecord): AnalysisDetailView {
  return { ...toAnalysisView(a), result: a.result ?? null, inputs: a.inputs ?? null };
}
