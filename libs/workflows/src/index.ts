import { join } from 'node:path';

export * from './activities';
export * from './task-queues';
export type { SuiteWorkflowInput, SuiteWorkflowResult } from './workflows/suite';

/** Path for `Worker.create({ workflowsPath })`: the compiled workflow bundle entry. */
export const workflowsPath = join(__dirname, 'workflows', 'index.js');
