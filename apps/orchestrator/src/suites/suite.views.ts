import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { SuiteRecord, SuiteSummaryRecord } from '@cohort/lineage';

/**
 * The read model of a suite, shared by REST (OpenAPI) and GraphQL (code-first): one class per
 * type, decorated for both, so the two APIs cannot drift apart.
 */

@ObjectType('Checkpoint')
export class CheckpointView {
  @Field(() => ID) @ApiProperty() id!: string;
  @Field(() => Int) @ApiProperty() step!: number;
  @Field(() => Float) @ApiProperty() tokensSeen!: number;
  @Field() @ApiProperty() uri!: string;
  @Field() @ApiProperty() sha256!: string;
  @Field(() => Float) @ApiProperty() bytes!: number;
  @Field(() => String, { nullable: true, description: 'sha256 of the token ids the segment ending here consumed' })
  @ApiProperty({ nullable: true, type: String })
  consumedSha256!: string | null;
  @Field(() => Float, { nullable: true }) @ApiProperty({ nullable: true, type: Number }) meanLoss!: number | null;
  @Field() @ApiProperty() createdAt!: Date;
}

@ObjectType('Run')
export class RunView {
  @Field(() => ID) @ApiProperty() id!: string;
  @Field() @ApiProperty() name!: string;
  @Field() @ApiProperty() modelName!: string;
  @Field() @ApiProperty() variant!: string;
  @Field() @ApiProperty() status!: string;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @Field(() => Int) @ApiProperty() seed!: number;
  @Field() @ApiProperty() placement!: string;
  @Field(() => ID, { nullable: true }) @ApiProperty({ nullable: true, type: String }) parentRunId!: string | null;
  @Field(() => Int, { nullable: true }) @ApiProperty({ nullable: true, type: Number }) branchStep!: number | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) transform!: string | null;
  @Field(() => [Int]) @ApiProperty({ type: [Number] }) checkpointSteps!: number[];
  @Field(() => Int, { description: 'the last recorded optimiser step (0 before the first)' })
  @ApiProperty({ description: 'the last recorded optimiser step (0 before the first)' })
  step!: number;
  @Field(() => Int) @ApiProperty() totalSteps!: number;
  @Field(() => Float, { nullable: true, description: 'the loss at `step`' })
  @ApiProperty({ nullable: true, type: Number, description: 'the loss at `step`' })
  lastLoss!: number | null;
  @Field(() => Float, { nullable: true, description: "the model's parameter count, once its config is recorded" })
  @ApiProperty({ nullable: true, type: Number })
  parameters!: number | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) workflowId!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) backend!: string | null;
  @Field(() => String, { nullable: true, description: 'fp32, or bf16 (mixed precision), once training started' })
  @ApiProperty({ nullable: true, type: String, description: 'fp32, or bf16 (mixed precision), once training started' })
  precision!: string | null;
  @Field(() => String, { nullable: true, description: 'the accelerator that trained it (null on CPU)' })
  @ApiProperty({ nullable: true, type: String, description: 'the accelerator that trained it (null on CPU)' })
  device!: string | null;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) codeVersion!: string | null;
  @Field(() => [CheckpointView]) @ApiProperty({ type: [CheckpointView] }) checkpoints!: CheckpointView[];
}

@ObjectType('BackendProbe')
export class BackendProbeView {
  @Field() @ApiProperty() taskQueue!: string;
  @Field() @ApiProperty() hostname!: string;
  @Field() @ApiProperty() backend!: string;
  @Field() @ApiProperty() blas!: string;
  @Field(() => Int) @ApiProperty() threads!: number;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) cudaDevice!: string | null;
  @Field() @ApiProperty() createdAt!: Date;
}

@ObjectType('SuiteSummary', { description: 'a suite as the list shows it: how far its training has got, not its runs' })
export class SuiteSummaryView {
  @Field(() => ID) @ApiProperty() id!: string;
  @Field() @ApiProperty() name!: string;
  @Field() @ApiProperty({ enum: ['pending', 'running', 'completed', 'failed', 'cancelled'] }) status!: string;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @Field() @ApiProperty() specHash!: string;
  @Field(() => String, { nullable: true }) @ApiProperty({ nullable: true, type: String }) workflowId!: string | null;
  @Field() @ApiProperty() createdAt!: Date;
  @Field() @ApiProperty() updatedAt!: Date;
  @Field(() => Int, { description: 'runs planned so far' }) @ApiProperty({ description: 'runs planned so far' }) runCount!: number;
  @Field(() => Int, { description: "Σ each run's last recorded step" }) @ApiProperty({ description: "Σ each run's last recorded step" }) step!: number;
  @Field(() => Int, { description: "Σ each run's planned steps" }) @ApiProperty({ description: "Σ each run's planned steps" }) totalSteps!: number;
}

@ObjectType('Suite')
export class SuiteView extends SuiteSummaryView {
  @Field({ description: 'the validated spec (defaults filled in), as JSON' })
  @ApiProperty({ description: 'the validated spec (defaults filled in), as JSON' })
  specJson!: string;
  @Field(() => [RunView]) @ApiProperty({ type: [RunView] }) runs!: RunView[];
  @Field(() => [BackendProbeView]) @ApiProperty({ type: [BackendProbeView] }) probes!: BackendProbeView[];
}

type LatestMetrics = ReadonlyMap<string, { step: number; loss: number }>;

/** Only the summary's fields: a SuiteRecord passed here carries its spec and runs too. */
export function toSuiteSummaryView(s: SuiteSummaryRecord): SuiteSummaryView {
  const { id, name, status, error, specHash, workflowId, createdAt, updatedAt, runCount, step, totalSteps } = s;
  return { id, name, status, error, specHash, workflowId, createdAt, updatedAt, runCount, step, totalSteps };
}

/** `latest`: each run's last recorded step and loss (see latestMetrics). */
export function toSuiteView(s: SuiteRecord, latest: LatestMetrics): SuiteView {
  const runs: RunView[] = s.runs.map((r) => ({
    id: r.id,
    name: r.name,
    modelName: r.modelName,
    variant: r.variant,
    status: r.status,
    error: r.error,
    seed: r.seed,
    placement: r.placement,
    parentRunId: r.parentRunId,
    branchStep: r.branchStep,
    transform: r.transform,
    checkpointSteps: r.checkpointSteps,
    step: latest.get(r.id)?.step ?? 0,
    totalSteps: (r.training as { steps: number }).steps,
    lastLoss: latest.get(r.id)?.loss ?? null,
    parameters: r.modelConfig ? Number(r.modelConfig.parameters) : null,
    workflowId: r.workflowId,
    backend: r.backend,
    precision: r.precision,
    device: r.device,
    codeVersion: r.codeVersion,
    checkpoints: r.checkpoints.map((c) => ({
      id: c.id,
      step: c.step,
      tokensSeen: Number(c.tokensSeen),
      uri: c.uri,
      sha256: c.sha256,
      bytes: Number(c.bytes),
      consumedSha256: c.consumedSha256,
      meanLoss: c.meanLoss,
      createdAt: c.createdAt,
    })),
  }));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    ...toSuiteSummaryView({ ...s, runCount: runs.length, step: sum(runs.map((r) => r.step)), totalSteps: sum(runs.map((r) => r.totalSteps)) }),
    specJson: JSON.stringify(s.spec),
    runs,
    probes: s.probes.map((p) => {
      const info = p.info as { backend?: string; blas?: string; threads?: number; cudaDevice?: string | null };
      return {
        taskQueue: p.taskQueue,
        hostname: p.hostname,
        backend: info.backend ?? 'unknown',
        blas: info.blas ?? 'unknown',
        threads: info.threads ?? 0,
        cudaDevice: info.cudaDevice ?? null,
        createdAt: p.createdAt,
      };
    }),
  };
}
