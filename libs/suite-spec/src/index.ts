export { suiteSpecSchema, modelConfigOf, type SuiteSpec, type SuiteSpecInput } from './schema';
export {
  validateSuiteSpec,
  parseSuiteSpec,
  specHash,
  canonicalJson,
  formatPath,
  InvalidSuiteSpecError,
  type SpecIssue,
  type ValidateOptions,
} from './validate';
export { checkpointSteps } from './checkpoint-schedule';
