export { suiteSpecSchema, type SuiteSpec, type SuiteSpecInput } from './schema';
export {
  validateSuiteSpec,
  parseSuiteSpec,
  specHash,
  canonicalJson,
  formatPath,
  InvalidSuiteSpecError,
  type SpecIssue,
} from './validate';
export { checkpointSteps } from './checkpoint-schedule';
