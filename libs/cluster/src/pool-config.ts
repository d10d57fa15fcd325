/**
 * Node pools as an operator declares them (the orchestrator's COHORT_POOLS): which Temporal task
 * queue a pool's gpu-workers poll, where they live, and how the orchestrator provides them.
 */
export type PoolMode = 'deployment' | 'job';

export interface PoolResources {
  /** `nvidia.com/gpu` per worker (one worker process per GPU). */
  gpu?: number;
  cpu?: string;
  memory?: string;
}

export interface PoolConfig {
  name: string;
  taskQueue: string;
  namespace: string;
  /** deployment: scale one gpu-worker Deployment; job: one Job per running run. */
  mode: PoolMode;
  /**
   * The pool's gpu-worker Deployment: scaled in deployment mode; in job mode its Pod template is
   * the Jobs' template (so each pool's Pod spec is written once, in its overlay).
   */
  deployment: string;
  minReplicas: number;
  maxReplicas: number;
  /** Overrides the template container's requests and limits (job mode). */
  resources?: PoolResources;
  /** Job mode: retries of a run's worker Pod, and how long a finished Job is kept. */
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
}

export class PoolConfigError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`invalid pool configuration: ${field}: ${problem}`);
  }
}

// A DNS-1123 label: what Kubernetes accepts as a namespace, a label value we derive, a name part.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const KNOWN_FIELDS = new Set(['name', 'taskQueue', 'namespace', 'mode', 'deployment', 'minReplicas', 'maxReplicas', 'resources', 'backoffLimit', 'ttlSecondsAfterFinished']);

/** Validates the declared pools; the first bad field is named by its path, e.g. `pools[1].maxReplicas`. */
export function parsePools(input: unknown): PoolConfig[] {
  if (!Array.isArray(input)) throw new PoolConfigError('pools', 'expected a list of pools');
  const pools = input.map((raw, i) => parsePool(raw, `pools[${i}]`));
  const seen = new Map<string, number>();
  pools.forEach((p, i) => {
    for (const key of [`name:${p.name}`, `taskQueue:${p.taskQueue}`]) {
      if (seen.has(key)) throw new PoolConfigError(`pools[${i}].${key.split(':')[0]}`, `"${key.split(':')[1]}" is already used by pools[${seen.get(key)}]`);
      seen.set(key, i);
    }
  });
  return pools;
}

function parsePool(raw: unknown, at: string): PoolConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PoolConfigError(at, 'expected an object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !KNOWN_FIELDS.has(k));
  if (unknown) throw new PoolConfigError(`${at}.${unknown}`, 'unknown field');
  const name = dnsLabel(o.name, `${at}.name`);
  const mode = o.mode ?? 'deployment';
  if (mode !== 'deployment' && mode !== 'job') throw new PoolConfigError(`${at}.mode`, 'expected "deployment" or "job"');
  const minReplicas = count(o.minReplicas ?? 0, `${at}.minReplicas`);
  const maxReplicas = count(o.maxReplicas, `${at}.maxReplicas`);
  if (maxReplicas < minReplicas) throw new PoolConfigError(`${at}.maxReplicas`, `must be at least minReplicas (${minReplicas})`);
  return {
    name,
    taskQueue: text(o.taskQueue ?? name, `${at}.taskQueue`),
    namespace: dnsLabel(o.namespace ?? 'cohort', `${at}.namespace`),
    mode,
    deployment: dnsLabel(o.deployment ?? `gpu-worker-${name}`, `${at}.deployment`),
    minReplicas,
    maxReplicas,
    resources: o.resources === undefined ? undefined : resources(o.resources, `${at}.resources`),
    backoffLimit: count(o.backoffLimit ?? 3, `${at}.backoffLimit`),
    ttlSecondsAfterFinished: count(o.ttlSecondsAfterFinished ?? 600, `${at}.ttlSecondsAfterFinished`),
  };
}

function resources(raw: unknown, at: string): PoolResources {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PoolConfigError(at, 'expected an object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !['gpu', 'cpu', 'memory'].includes(k));
  if (unknown) throw new PoolConfigError(`${at}.${unknown}`, 'unknown resource (gpu, cpu, memory)');
  return {
    gpu: o.gpu === undefined ? undefined : count(o.gpu, `${at}.gpu`),
    cpu: o.cpu === undefined ? undefined : quantity(o.cpu, `${at}.cpu`),
    memory: o.memory === undefined ? undefined : quantity(o.memory, `${at}.memory`),
  };
}

function text(v: unknown, at: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new PoolConfigError(at, 'expected a non-empty string');
  return v;
}

function dnsLabel(v: unknown, at: string): string {
  const s = text(v, at);
  if (!DNS_LABEL.test(s)) throw new PoolConfigError(at, `"${s}" is not a DNS label (lower-case letters, digits and "-", at most 63)`);
  return s;
}

function count(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PoolConfigError(at, 'expected a whole number ≥ 0');
  return v;
}

function quantity(v: unknown, at: string): string {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !QUANTITY.test(s)) throw new PoolConfigError(at, `expected a Kubernetes quantity such as "8" or "64Gi"`);
  return s;
}
