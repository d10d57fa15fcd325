import type { V1Job, V1PodTemplateSpec } from '@kubernetes/client-node';
import { statusOf, withTimeout, type KubeClients } from './kube';
import { selectorOf } from './pod-summary';
import type { PoolConfig } from './pool-config';

/** Labels linking a Job (and its Pods) to the pool and to the run's id in lineage. */
export const RUN_JOB_LABELS = {
  pool: 'cohort.dev/pool',
  runId: 'cohort.dev/run-id',
  suiteId: 'cohort.dev/suite-id',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;
export const MANAGED_BY = 'cohort-orchestrator';

/** A run that needs its own worker: from when it is planned until it ends. */
export interface PoolRun {
  runId: string;
  suiteId: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const runJobName = (runId: string): string => `run-${runId}`;

/** Selects the Jobs the orchestrator made for a pool (and, with `cohort.dev/run-id`, their Pods). */
export const runJobSelector = (pool: PoolConfig): string =>
  selectorOf({ [RUN_JOB_LABELS.pool]: pool.name, [RUN_JOB_LABELS.managedBy]: MANAGED_BY });

/**
 * The Job of one run: the pool Deployment's Pod template (so each pool's Pod spec lives once, in
 * its overlay), never restarted in place (a failed worker Pod is replaced up to backoffLimit times;
 * the run's segment is retried by Temporal from its checkpoint), kept ttlSecondsAfterFinished.
 */
export function runJob(pool: PoolConfig, template: V1PodTemplateSpec, run: PoolRun): V1Job {
  for (const [field, id] of Object.entries(run)) {
    if (!DNS_LABEL.test(id)) throw new Error(`run job: ${field} "${id}" cannot be a label value`);
  }
  const labels = {
    [RUN_JOB_LABELS.pool]: pool.name,
    [RUN_JOB_LABELS.runId]: run.runId,
    [RUN_JOB_LABELS.suiteId]: run.suiteId,
    [RUN_JOB_LABELS.managedBy]: MANAGED_BY,
  };
  const spec = structuredClone(template.spec!);
  spec.restartPolicy = 'Never';
  if (pool.resources) {
    const container = spec.containers[0];
    const { gpu, cpu, memory } = pool.resources;
    const requests = { ...container.resources?.requests, ...(cpu && { cpu }), ...(memory && { memory }), ...(gpu !== undefined && { 'nvidia.com/gpu': String(gpu) }) };
    const limits = { ...container.resources?.limits, ...(memory && { memory }), ...(gpu !== undefined && { 'nvidia.com/gpu': String(gpu) }) };
    container.resources = { requests, limits };
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: runJobName(run.runId), namespace: pool.namespace, labels },
    spec: {
      backoffLimit: pool.backoffLimit,
      ttlSecondsAfterFinished: pool.ttlSecondsAfterFinished,
      template: { metadata: { labels: { ...template.metadata?.labels, ...labels } }, spec },
    },
  };
}

export interface JobChanges {
  created: string[];
  deleted: string[];
  /** Runs without a Job because the pool already has maxReplicas of them. */
  waiting: string[];
}

/** Keeps exactly one Job per active run of a pool (at most maxReplicas), deleting the others. */
export class RunJobs {
  constructor(
    private readonly kube: KubeClients,
    private readonly timeoutMs: number,
  ) {}

  async reconcile(pool: PoolConfig, runs: PoolRun[]): Promise<JobChanges> {
    const call = <T>(p: Promise<T>) => withTimeout(p, this.timeoutMs, `the Kubernetes API server (${this.kube.server})`);
    const existing = await call(this.kube.batch.listNamespacedJob({ namespace: pool.namespace, labelSelector: runJobSelector(pool) }));
    const have = new Map(existing.items.map((j) => [j.metadata!.labels![RUN_JOB_LABELS.runId], j.metadata!.name!]));
    const active = new Set(runs.map((r) => r.runId));
    const changes: JobChanges = { created: [], deleted: [], waiting: [] };
    for (const [runId, name] of have) {
      if (active.has(runId)) continue;
      // Background: the Job goes at once, its Pods after it (their worker gets SIGTERM and drains).
      await call(this.kube.batch.deleteNamespacedJob({ name, namespace: pool.namespace, propagationPolicy: 'Background' })).catch(ignore(404));
      have.delete(runId);
      changes.deleted.push(name);
    }
    const missing = runs.filter((r) => !have.has(r.runId));
    const slots = Math.max(0, pool.maxReplicas - have.size);
    changes.waiting = missing.slice(slots).map((r) => r.runId);
    if (slots === 0 || missing.length === 0) return changes;
    const template = (await call(this.kube.apps.readNamespacedDeployment({ name: pool.deployment, namespace: pool.namespace }))).spec!.template;
    for (const run of missing.slice(0, slots)) {
      const job = runJob(pool, template, run);
      await call(this.kube.batch.createNamespacedJob({ namespace: pool.namespace, body: job })).catch(ignore(409));
      changes.created.push(job.metadata!.name!);
    }
    return changes;
  }
}

/** Treats one HTTP status as success (already created, already gone). */
function ignore(code: number): (err: unknown) => void {
  return (err) => {
    if (statusOf(err) !== code) throw err;
  };
}
