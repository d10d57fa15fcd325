import type { PoolConfig } from './pool-config';

/** What a pool's task queue asks of it: tasks waiting for a worker, and segments being worked on. */
export interface QueueLoad {
  backlog: number;
  running: number;
}

export interface ScaleTimers {
  /** At most one change of a pool's replicas per this interval (rate limit). */
  minChangeIntervalMs: number;
  /** A lower count must be wanted this long before replicas go down (no flapping between segments). */
  scaleDownDelayMs: number;
}

export interface ScaleState {
  /** When the pool's replicas were last changed by the scaler. */
  lastChangeAt?: number;
  /** Since when fewer replicas than the current count have been wanted. */
  lowSince?: number;
}

export type ScaleVerdict =
  | { change: true; replicas: number; reason: string }
  | { change: false; reason: string };

/**
 * One worker per task (running or waiting), between the pool's min and max; down only to the
 * number of running segments, since a worker that goes away mid-segment costs a retry.
 */
export function wantedReplicas(pool: PoolConfig, load: QueueLoad, current: number): number {
  const wanted = Math.min(pool.maxReplicas, Math.max(pool.minReplicas, load.backlog + load.running));
  return wanted < current ? Math.max(wanted, Math.min(load.running, current)) : wanted;
}

/** Whether to change replicas now; mutates `state` to remember how long a scale-down was wanted. */
export function decideScale(pool: PoolConfig, load: QueueLoad, current: number, state: ScaleState, timers: ScaleTimers, now: number): ScaleVerdict {
  const wanted = wantedReplicas(pool, load, current);
  const why = `backlog ${load.backlog}, running ${load.running}`;
  if (wanted >= current) state.lowSince = undefined;
  if (wanted === current) return { change: false, reason: `${why}: ${current} replicas wanted` };
  if (wanted < current) {
    state.lowSince ??= now;
    if (now - state.lowSince < timers.scaleDownDelayMs) return { change: false, reason: `${why}: ${wanted} wanted, waiting ${timers.scaleDownDelayMs} ms before scaling down` };
  }
  if (state.lastChangeAt !== undefined && now - state.lastChangeAt < timers.minChangeIntervalMs) {
    return { change: false, reason: `${why}: ${wanted} wanted, rate-limited (last change ${now - state.lastChangeAt} ms ago)` };
  }
  return { change: true, replicas: wanted, reason: `${why}: ${current} → ${wanted}` };
}
