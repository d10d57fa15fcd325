export { suiteSpecSchema, modelConfigOf, type SuiteSpec, type SuiteSpecInput } from './schema';
export {
  validateSuiteSpec,
  validateEvalsRequest,
  parseSuiteSpec,
  specHash,
  canonicalJson,
  formatPath,
  InvalidSuiteSpecError,
  type SpecIssue,
  type ValidateOptions,
} from './validate';
export { checkpointSteps, pythiaReferenceSteps } from './checkpoint-schedule';
export { expandEvals, evalSteps, taskEntry, type EvalPlan, type EvalTask, type EvalsBlock } from './evals';
