import { join } from 'node:path';
import { z } from 'zod';

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The node pool's queue: `cpu` here, e.g. `gpu-h100` on an H100 pool. */
  COHORT_TASK_QUEUE: z.string().min(1).default('cpu'),
  DATABASE_URL: z.string().url(),
  /** Shared artefact tree (datasets, checkpoints): the same path on every worker. */
  COHORT_DATA_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', '..', '.cohort', 'data')),
  /** The folders a spec's files may be read from, as the orchestrator checks them (default: the data dir and the shared data). */
  COHORT_DATA_ROOTS: z.string().min(1).optional(),
  /** Compute threads per process (OpenMP + BLAS); fixed per deployment so runs are reproducible. */
  COHORT_THREADS: z.coerce.number().int().positive().optional(),
  /** `auto`: CUDA when the addon has it and a GPU answers, else CPU; `cuda` refuses to start without one. */
  COHORT_BACKEND: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Heavy activities run one at a time per process: one process per GPU (or CPU node). */
  COHORT_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(1),
});

export type GpuWorkerConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GpuWorkerConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid gpu-worker configuration: ${issues}`);
  }
  return result.data;
}
