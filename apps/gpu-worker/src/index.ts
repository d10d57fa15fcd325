export { loadConfig, type GpuWorkerConfig } from './config';
export { runComputeWorker } from './worker';
export { createComputeActivities } from './activities';
export { describeBackend } from './activities/probe-backend';
