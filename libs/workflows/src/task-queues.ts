/** Task queue of the orchestration worker (workflows + light lineage activities, in the orchestrator). */
export const ORCHESTRATION_QUEUE_DEFAULT = 'cohort-orchestration';
/** Default compute queue: a gpu-worker on a CPU node (e.g. `gpu-h100` on an H100 pool). */
export const COMPUTE_QUEUE_DEFAULT = 'cpu';

export const suiteWorkflowId = (suiteId: string): string => `suite-${suiteId}`;
