// The workflow bundle's entry point (Worker.create({ workflowsPath })): every workflow type.
export { SuiteWorkflow } from './suite';
export { TrainRunWorkflow } from './train-run';
export { EvaluateSuiteWorkflow } from './evaluate';
export { AnalysisWorkflow } from './analyze';
