import { join } from 'node:path';

export * from './activities';
export * from './task-queues';
export * from './signals';
export { trainRunWorkflowId, type SuiteWorkflowInput, type SuiteWorkflowResult } from './workflows/suite';
export type { TrainRunInput, TrainRunResult } from './workflows/train-run';
export { analysisWorkflowId, type AnalysisWorkflowInput } from './workflows/analyze';
export { evaluateSuiteWorkflowId, type EvaluateSuiteInput, type EvaluateSuiteResult } from './workflows/evaluate';

/** Path for `Worker.create({ workflowsPath })`: the compiled workflow bundle entry. */
export const workflowsPath = join(__dirname, 'workflows', 'index.js');
