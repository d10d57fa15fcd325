import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { EvaluationRecord } from '@cohort/lineage';

/** One row of the tidy evaluation table (REST and GraphQL share the class, as suites do). */
@ObjectType('Evaluation')
export class EvaluationView {
  @Field(() => ID) @ApiProperty() id!: string;
  @Field(() => ID) @ApiProperty() runId!: string;
  @Field() @ApiProperty() run!: string;
  @Field() @ApiProperty() model!: string;
  @Field() @ApiProperty() variant!: string;
  @Field(() => Int) @ApiProperty() seed!: number;
  @Field(() => ID) @ApiProperty() checkpointId!: string;
  @Field(() => Int) @ApiProperty() step!: number;
  @Field(() => Float) @ApiProperty() tokens!: number;
  @Field() @ApiProperty() task!: string;
  @Field() @ApiProperty() metric!: string;
  @Field(() => Int) @ApiProperty() shots!: number;
  @Field(() => Float) @ApiProperty() value!: number;
  @Field(() => Float, { nullable: true }) @ApiProperty({ nullable: true, type: Number }) stderr!: number | null;
  @Field(() => Int, { description: 'documents scored' }) @ApiProperty({ description: 'documents scored' }) n!: number;
  @Field(() => Int, { nullable: true }) @ApiProperty({ nullable: true, type: Number }) limit!: number | null;
  @Field() @ApiProperty() taskVersion!: string;
  @Field({ description: "sha256 of the task's data files" }) @ApiProperty() dataSha256!: string;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) backend!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) codeVersion!: string | null;
  @Field() @ApiProperty() createdAt!: Date;
}

@ObjectType('EvaluationRequest')
export class EvaluationRequestView {
  @Field() @ApiProperty() workflowId!: string;
  @Field(() => [String], { description: 'the (task, shots) pairs requested, as task@shots' })
  @ApiProperty({ type: [String] })
  tasks!: string[];
}

export function toEvaluationView(e: EvaluationRecord): EvaluationView {
  const { run } = e.checkpoint;
  return {
    id: e.id,
    runId: run.id,
    run: run.name,
    model: run.modelName,
    variant: run.variant,
    seed: run.seed,
    checkpointId: e.checkpointId,
    step: e.checkpoint.step,
    tokens: Number(e.checkpoint.tokensSeen),
    task: e.task,
    metric: e.metric,
    shots: e.shots,
    value: e.value,
    stderr: e.stderr,
    n: e.n,
    limit: e.limit,
    taskVersion: e.taskVersion,
    dataSha256: e.dataSha256,
    backend: e.backend,
    codeVersion: e.codeVersion,
    createdAt: e.createdAt,
  };
}
