import type { V1Pod } from '@kubernetes/client-node';

/** Where a pool's Pods stand: what the scheduler placed, and what it could not place and why. */
export interface PodSummary {
  running: number;
  pending: number;
  /** Pending Pods the scheduler found no node for (e.g. the pool's GPUs are all taken). */
  unschedulable: number;
  /** The scheduler's reason for the first unschedulable Pod, e.g. "0/4 nodes are available: …". */
  unschedulableMessage?: string;
  /** Nodes the pool's Pods were placed on. */
  nodes: string[];
}

export function summarisePods(pods: V1Pod[]): PodSummary {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const unschedulable = live
    .map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'))
    .filter((c) => c !== undefined);
  return {
    running: live.filter((p) => p.status?.phase === 'Running').length,
    pending: live.filter((p) => p.status?.phase === 'Pending').length,
    unschedulable: unschedulable.length,
    unschedulableMessage: unschedulable[0]?.message,
    nodes: [...new Set(live.flatMap((p) => (p.spec?.nodeName ? [p.spec.nodeName] : [])))].sort(),
  };
}

/** A label selector string from matchLabels, e.g. "app=gpu-worker,cohort.dev/task-queue=gpu-h100". */
export function selectorOf(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
