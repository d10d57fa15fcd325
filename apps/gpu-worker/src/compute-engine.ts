import { ApplicationFailure } from '@temporalio/common';
import { backendInfo, type Backend, type CreateOptions, type CudaDeviceInfo, type Precision } from '@cohort/model';

/** What this worker process computes on: chosen once at startup, the same for every activity. */
export interface ComputeEngine {
  backend: Backend;
  /** CPU threads (OpenMP + BLAS); unset: OMP_NUM_THREADS or the core count. */
  threads?: number;
  /** One line naming the accelerator (null on CPU), recorded on every run it trains. */
  device: string | null;
}

export type BackendChoice = 'auto' | Backend;

/**
 * `auto`: CUDA when the addon has it and a device answers, else CPU. `cuda` on a machine without
 * one is refused at startup with the addon's reason, rather than each run failing later.
 */
export function chooseEngine(choice: BackendChoice, threads?: number): ComputeEngine {
  const info = backendInfo();
  const cuda = info.backend === 'cuda' && info.cudaDevice !== null;
  if (choice === 'cuda' && !cuda) {
    throw new Error(`COHORT_BACKEND=cuda, but this addon cannot use CUDA: ${info.cudaUnavailableReason ?? 'no device'}`);
  }
  const backend: Backend = choice === 'cpu' || !cuda ? 'cpu' : 'cuda';
  return { backend, threads, device: backend === 'cuda' && info.cudaDevice ? describeDevice(info.cudaDevice) : null };
}

export function describeDevice(d: CudaDeviceInfo): string {
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  return `${d.name} (compute ${d.computeCapability}, ${gib(d.totalMemoryBytes)} GiB${d.count > 1 ? `, ${d.count} devices` : ''})`;
}

/** A run's training arithmetic on this engine: `auto` is bf16 on CUDA and fp32 on CPU. */
export function trainingPrecision(asked: 'auto' | Precision | undefined, engine: ComputeEngine, runName: string): Precision {
  if (asked === undefined || asked === 'auto') return engine.backend === 'cuda' ? 'bf16' : 'fp32';
  if (asked === 'bf16' && engine.backend !== 'cuda') {
    throw ApplicationFailure.nonRetryable(`run ${runName}: precision bf16 needs a CUDA worker; this one computes on ${engine.backend}`, 'BadRun');
  }
  return asked;
}

export const trainingOptions = (engine: ComputeEngine, precision: Precision): CreateOptions => ({ threads: engine.threads, backend: engine.backend, precision });

/** Scoring and generation run in fp32 on either backend, so an evaluation reads the same wherever it ran. */
export const inferenceOptions = (engine: ComputeEngine): CreateOptions => trainingOptions(engine, 'fp32');
