import { getPreset, type LrSchedule, type ModelConfig, type OptimizerConfig } from '@cohort/model';
import { checkpointSteps, evalSteps, modelConfigOf, pythiaReferenceSteps, type EvalPlan, type SuiteSpec } from '@cohort/suite-spec';
import type { PreparedData, PreparedVariant, RunEvaluationPlan } from '@cohort/workflows';

/** Everything a training segment needs besides the model config (stored as Run.training). */
export interface RunTraining {
  preset: string;
  init: string;
  optimizer: OptimizerConfig;
  globalBatch: number;
  microBatch: number;
  seqLength: number;
  steps: number;
  seed: number;
  /** As the spec asks; the worker resolves `auto` for its backend (absent: planned before precisions, fp32). */
  precision?: SuiteSpec['precision'];
}

export interface PlannedRun {
  name: string;
  modelName: string;
  variant: PreparedVariant['variant'];
  dataOrderId: string;
  placement: string;
  seed: number;
  training: RunTraining;
  model: ModelConfig;
  checkpointSteps: number[];
  parentName?: string;
  branchStep?: number;
  transform?: string;
}

function scheduleFor(kind: SuiteSpec['lrSchedule']['kind'], warmupSteps: number, steps: number, minLr: number): LrSchedule {
  switch (kind) {
    case 'constant':
      return { kind };
    case 'cosine':
      return { kind, warmupSteps, totalSteps: steps, minLr };
    case 'neox':
      // GPT-NeoX's first step has LR 0 when warming up; at least one warmup step, as Pythia had.
      return { kind, warmupSteps: Math.max(1, warmupSteps), decaySteps: steps, minLr };
  }
}

/** Parameters of a GPT-NeoX (untied embeddings, biases everywhere HF has them). */
export function parameterCount(c: ModelConfig): number {
  const d = c.hiddenSize;
  const f = c.intermediateSize;
  const perLayer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * f + f) + (f * d + d);
  return 2 * c.vocabSize * d + c.numLayers * perLayer + 2 * d;
}

/** Embedding rows are padded to a multiple of 128, as Pythia pads 50,277 tokens to 50,304. */
export const paddedVocab = (tokenizerVocab: number): number => Math.ceil(tokenizerVocab / 128) * 128;

/**
 * The runs of a suite: every model on every data variant and seed (one data order per variant and
 * seed, shared by every size, so sizes are comparable), then each intervention branched from its
 * parent's runs at the last checkpoint at or before (1 − lastFraction) of training. With one seed
 * a run is `model-variant`; with `seeds`, `model-variant-seedN`.
 */
export function planSuiteRuns(spec: SuiteSpec, { variants, vocabSize }: PreparedData): PlannedRun[] {
  const steps = checkpointSteps(spec.checkpoints, spec.steps);
  const base = spec.models.flatMap((m) => {
    const preset = getPreset(m.preset);
    const lr = m.learningRate ?? preset.optimizer.lr;
    const warmupSteps = Math.round(spec.steps * spec.lrSchedule.warmupFraction);
    const minLr = spec.lrSchedule.minLrRatio * lr;
    const modelName = m.name ?? m.preset;
    const training: Omit<RunTraining, 'seed'> = {
      preset: preset.name,
      init: preset.init,
      optimizer: {
        ...preset.optimizer,
        lr,
        schedule: scheduleFor(spec.lrSchedule.kind, warmupSteps, spec.steps, minLr),
      },
      globalBatch: spec.globalBatch,
      microBatch: spec.microBatch ?? spec.globalBatch,
      seqLength: spec.seqLength,
      steps: spec.steps,
      precision: spec.precision,
    };
    const model: ModelConfig = {
      ...modelConfigOf(m),
      vocabSize: paddedVocab(vocabSize),
      maxPositionEmbeddings: Math.max(preset.model.maxPositionEmbeddings, spec.seqLength),
    };
    return variants.map((v) => ({
      name: spec.seeds ? `${modelName}-${v.variant}-seed${v.seed}` : `${modelName}-${v.variant}`,
      modelName,
      variant: v.variant,
      dataOrderId: v.dataOrderId,
      placement: m.placement ?? spec.placement.default,
      seed: v.seed,
      training: { ...training, seed: v.seed },
      model,
      checkpointSteps: steps,
    }));
  });
  const branches = spec.interventions.flatMap((iv) => {
    const target = Math.floor(spec.steps * (1 - iv.lastFraction));
    const branchStep = Math.max(...steps.filter((s) => s <= target));
    return base
      .filter((r) => r.modelName === iv.parent)
      .map((parent) => ({
        ...parent,
        name: `${iv.name}${parent.name.slice(parent.modelName.length)}`,
        parentName: parent.name,
        branchStep,
        transform: iv.transform,
      }));
  });
  return [...base, ...branches];
}

/**
 * What a run evaluates while it trains: the plan's tasks at the plan's checkpoints, on the plan's
 * queue or else the run's own. None when the plan has no tasks.
 */
export function runEvaluation(
  plan: EvalPlan,
  run: { checkpointSteps: number[]; placement: string },
  trainingSteps: number,
): RunEvaluationPlan | undefined {
  if (plan.tasks.length === 0) return undefined;
  return {
    steps: evalSteps(plan, run.checkpointSteps, pythiaReferenceSteps(trainingSteps)),
    tasks: plan.tasks,
    placement: plan.placement ?? run.placement,
  };
}
