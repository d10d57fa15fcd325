import { join } from 'node:path';
import { z } from 'zod';
import { ORCHESTRATION_QUEUE_DEFAULT } from '@cohort/workflows';
import { parse as parseYaml } from 'yaml';
import { parsePools, PoolConfigError, type PoolConfig } from '@cohort/cluster';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Queue of the orchestration worker (workflows + lineage activities). */
  COHORT_ORCHESTRATION_QUEUE: z.string().min(1).default(ORCHESTRATION_QUEUE_DEFAULT),
  /** Run the orchestration worker in this process (false: API only, workers scaled apart). */
  COHORT_RUN_WORKER: booleanFlag.default('true'),
  /** A training segment whose worker stops heartbeating this long is retried elsewhere. */
  COHORT_HEARTBEAT_TIMEOUT_S: z.coerce.number().int().positive().default(60),
  /** How long a dependency call may take before the API answers 503. */
  COHORT_DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** How often a suite's event stream samples its progress. */
  COHORT_EVENTS_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** The dashboard's port (0: any free port; unset: no dashboard). */
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The dashboard's static build (apps/dashboard/dist unless set). */
  COHORT_DASHBOARD_DIR: z.string().min(1).optional(),
  /** Where the dashboard links executions to (the embedded dev server's Web UI by default). */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  /** Node pools the orchestrator scales on Kubernetes (YAML or JSON list; unset: none, no cluster used). */
  COHORT_POOLS: z
    .string()
    .default('[]')
    .transform((text, ctx): PoolConfig[] => {
      try {
        return parsePools(parseYaml(text));
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: err instanceof PoolConfigError ? err.message : `not YAML or JSON: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  /** How often the pool scaler reads each pool's load and reconciles it. */
  COHORT_POOLS_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** At most one replica change per pool in this interval. */
  COHORT_POOLS_MIN_CHANGE_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Fewer workers must be wanted this long before a pool scales down (idle GPUs go back after it). */
  COHORT_POOLS_SCALE_DOWN_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  /** A Kubernetes API call fails after this long. */
  COHORT_KUBE_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Cohort's artefacts (the volume the gpu-workers write); the only folder the API serves files from. */
  COHORT_DATA_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', '..', '.cohort', 'data')),
  /** Folders a spec may name data in, separated by the path delimiter; unset: COHORT_DATA_DIR and the shared data folder. */
  COHORT_DATA_ROOTS: z.string().min(1).optional(),
  /** A GraphQL operation nested deeper than this many fields is refused before it runs. */
  COHORT_GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(8),
  /** A GraphQL operation costlier than this (one per field, a list's selections times 10) is refused before it runs. */
  COHORT_GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().positive().default(5000),
  /** Mutations (REST POSTs, GraphQL mutations) one API token may make a minute, sustained; reads are not limited. */
  COHORT_MUTATIONS_PER_MINUTE: z.coerce.number().positive().default(120),
  /** Mutations one API token may make at once, before COHORT_MUTATIONS_PER_MINUTE paces it (a script checking a table of specs fits). */
  COHORT_MUTATION_BURST: z.coerce.number().int().positive().default(100),
});

export type AppConfig = z.infer<typeof schema>;
export const APP_CONFIG = Symbol('APP_CONFIG');

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid orchestrator configuration: ${issues}`);
  }
  return result.data;
}
