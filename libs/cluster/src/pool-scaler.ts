import { describeError, statusOf, withTimeout, type KubeClients } from './kube';
import { summarisePods, selectorOf, type PodSummary } from './pod-summary';
import type { PoolConfig } from './pool-config';
import { RUN_JOB_LABELS, RunJobs, runJobSelector, type PoolRun } from './run-jobs';
import { decideScale, type QueueLoad, type ScaleState, type ScaleTimers } from './scale-decision';

/** Reads what a pool's queue asks for (the orchestrator: Temporal's backlog + lineage's running runs). */
export type LoadSource = (pool: PoolConfig) => Promise<QueueLoad>;
/** The runs that should have a Job now (job-mode pools). */
export type RunSource = (pool: PoolConfig) => Promise<PoolRun[]>;

export interface PoolScalerOptions extends ScaleTimers {
  intervalMs: number;
  /** Each API call fails after this long, so a hung API server costs one tick, not the loop. */
  requestTimeoutMs: number;
  /** Decisions kept per pool. */
  historySize: number;
}

export type DecisionKind = 'scaled' | 'conflict' | 'external-change' | 'unschedulable' | 'job-created' | 'job-deleted' | 'error' | 'recovered';

export interface ScaleDecisionRecord {
  at: string;
  kind: DecisionKind;
  message: string;
  from?: number;
  to?: number;
  load?: QueueLoad;
}

export interface PoolStatus {
  pool: PoolConfig;
  /** The Deployment's spec.replicas when last read. */
  replicas?: number;
  load?: QueueLoad;
  pods?: PodSummary;
  /** Job mode: the runs that have a Job, and those waiting for a slot. */
  jobs?: { runIds: string[]; waiting: string[] };
  lastReconciledAt?: string;
  /** Set while the last reconcile failed (the API server or Temporal unreachable …). */
  error?: string;
  decisions: ScaleDecisionRecord[];
}

const MAX_WRITE_ATTEMPTS = 3;

interface PoolState extends ScaleState {
  status: PoolStatus;
  /** The replica count the scaler last wrote, to tell a manual edit from its own. */
  lastSet?: number;
}

/**
 * Sets each pool's gpu-worker replicas from its queue's load (deployment mode) or keeps one Job per
 * active run (job mode), every `intervalMs`. Every change and every failure is recorded; a failed
 * tick (API server away, conflict) is simply retried on the next one.
 */
export class PoolScaler {
  private readonly state = new Map<string, PoolState>();
  private readonly jobs: RunJobs;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    readonly pools: PoolConfig[],
    private readonly kube: KubeClients,
    private readonly load: LoadSource,
    private readonly runs: RunSource,
    private readonly options: PoolScalerOptions,
  ) {
    for (const pool of pools) this.state.set(pool.name, { status: { pool, decisions: [] } });
    this.jobs = new RunJobs(kube, options.requestTimeoutMs);
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      this.running = this.tick();
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  status(): PoolStatus[] {
    return [...this.state.values()].map((s) => structuredClone(s.status));
  }

  /** Whether the API server answers (for /health). */
  async checkApiServer(): Promise<void> {
    await this.call(this.kube.version.getCode());
  }

  /** One pass over every pool; never throws (failures are recorded on the pool). */
  async tick(): Promise<void> {
    for (const pool of this.pools) {
      const state = this.state.get(pool.name)!;
      try {
        if (pool.mode === 'deployment') await this.reconcileDeployment(pool, state);
        else await this.reconcileJobs(pool, state);
        if (state.status.error) this.record(state, { kind: 'recovered', message: `reconciling again after: ${state.status.error}` });
        state.status.error = undefined;
        state.status.lastReconciledAt = new Date(Date.now()).toISOString();
      } catch (err) {
        const message = describeError(err);
        // One record per outage (the message may change as it goes: reset, then refused); the
        // status always holds the latest.
        if (!state.status.error) this.record(state, { kind: 'error', message: `${message}; retrying every ${this.options.intervalMs} ms` });
        state.status.error = message;
      }
    }
  }

  private async reconcileDeployment(pool: PoolConfig, state: PoolState): Promise<void> {
    const load = await this.load(pool);
    state.status.load = load;
    await this.scale(pool, state, load);
    const deployment = await this.call(this.kube.apps.readNamespacedDeployment({ name: pool.deployment, namespace: pool.namespace }));
    await this.summarise(pool, state, selectorOf(deployment.spec!.selector.matchLabels ?? {}));
  }

  /** Job mode: the Deployment stays at minReplicas (workers for the suite's pre-flight probe and evaluations). */
  private async reconcileJobs(pool: PoolConfig, state: PoolState): Promise<void> {
    await this.scale(pool, state, { backlog: 0, running: 0 });
    const runs = await this.runs(pool);
    const changes = await this.jobs.reconcile(pool, runs);
    for (const name of changes.deleted) this.record(state, { kind: 'job-deleted', message: `deleted Job ${name} (its run ended)` });
    for (const name of changes.created) this.record(state, { kind: 'job-created', message: `created Job ${name}` });
    const waiting = new Set(changes.waiting);
    state.status.jobs = { runIds: runs.map((r) => r.runId).filter((id) => !waiting.has(id)), waiting: changes.waiting };
    await this.summarise(pool, state, `${runJobSelector(pool)},${RUN_JOB_LABELS.runId}`);
  }

  /**
   * Reads the scale subresource and writes the wanted count with its resourceVersion, so an edit
   * made in between (kubectl scale, another controller) makes the write fail with 409 instead of
   * being overwritten blindly; then it is read again and decided afresh (a few times per tick:
   * the Deployment controller's status writes move resourceVersion too).
   */
  private async scale(pool: PoolConfig, state: PoolState, load: QueueLoad): Promise<void> {
    const ref = { name: pool.deployment, namespace: pool.namespace };
    for (let attempt = 1; ; attempt++) {
      const scale = await this.call(this.kube.apps.readNamespacedDeploymentScale(ref));
      const current = scale.spec?.replicas ?? 0;
      state.status.replicas = current;
      if (state.lastSet !== undefined && current !== state.lastSet) {
        this.record(state, { kind: 'external-change', message: `replicas changed outside the scaler: ${state.lastSet} → ${current}`, from: state.lastSet, to: current });
      }
      state.lastSet = current;
      const verdict = decideScale(pool, load, current, state, this.options, Date.now());
      if (!verdict.change) return;
      try {
        await this.call(
          this.kube.apps.replaceNamespacedDeploymentScale({
            ...ref,
            body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { ...ref, resourceVersion: scale.metadata!.resourceVersion }, spec: { replicas: verdict.replicas } },
          }),
        );
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
        this.record(state, { kind: 'conflict', message: `replicas were changed while scaling ${current} → ${verdict.replicas}; reading them again`, from: current, to: verdict.replicas, load });
        if (attempt === MAX_WRITE_ATTEMPTS) return;
        continue;
      }
      this.record(state, { kind: 'scaled', message: verdict.reason, from: current, to: verdict.replicas, load });
      state.status.replicas = state.lastSet = verdict.replicas;
      state.lastChangeAt = Date.now();
      state.lowSince = undefined;
      return;
    }
  }

  private async summarise(pool: PoolConfig, state: PoolState, labelSelector: string): Promise<void> {
    const pods = await this.call(this.kube.core.listNamespacedPod({ namespace: pool.namespace, labelSelector }));
    const summary = summarisePods(pods.items);
    const before = state.status.pods?.unschedulable ?? 0;
    if (summary.unschedulable > before) {
      this.record(state, { kind: 'unschedulable', message: `${summary.unschedulable} Pod(s) cannot be placed: ${summary.unschedulableMessage}` });
    }
    state.status.pods = summary;
  }

  private record(state: PoolState, decision: Omit<ScaleDecisionRecord, 'at'>): void {
    const list = state.status.decisions;
    list.unshift({ at: new Date(Date.now()).toISOString(), ...decision });
    list.length = Math.min(list.length, this.options.historySize);
  }

  private call<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.options.requestTimeoutMs, `the Kubernetes API server (${this.kube.server})`);
  }
}
