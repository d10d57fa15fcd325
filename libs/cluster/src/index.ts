export { kubeClients, defaultKubeConfig, describeError, statusOf, type KubeClients } from './kube';
export { parsePools, PoolConfigError, type PoolConfig, type PoolMode, type PoolResources } from './pool-config';
export { wantedReplicas, decideScale, type QueueLoad, type ScaleState, type ScaleTimers, type ScaleVerdict } from './scale-decision';
export { summarisePods, selectorOf, type PodSummary } from './pod-summary';
export { RunJobs, runJob, runJobName, runJobSelector, RUN_JOB_LABELS, MANAGED_BY, type PoolRun, type JobChanges } from './run-jobs';
export { PoolScaler, type LoadSource, type RunSource, type PoolScalerOptions, type PoolStatus, type ScaleDecisionRecord, type DecisionKind } from './pool-scaler';
