export { suiteSpecSchema, modelConfigOf, type SuiteSpec, type SuiteSpecInput } from './schema';
export {
  validateSuiteSpec,
  validateEvalsRequest,
  validateAnalysesRequest,
  parseSuiteSpec,
  specHash,
  canonicalJson,
  formatPath,
  InvalidSuiteSpecError,
  type SpecIssue,
  type ValidateOptions,
} from './validate';
export { checkpointSteps, pythiaReferenceSteps } from './checkpoint-schedule';
export { configuredDataRoots, dataRootIssue } from './data-roots';
export { expandEvals, evalSteps, selectCheckpoints, taskEntry, type EvalPlan, type EvalTask, type EvalsBlock } from './evals';
export {
  analysesSchema,
  analysisEntrySchema,
  analysisIssues,
  abilityMeasures,
  biasMeasures,
  analysisKinds,
  termFrequencyOperations,
  type AnalysisEntry,
  type AnalysisKind,
  type MemorizationAnalysis,
  type StabilityAnalysis,
  type TermFrequencyAnalysis,
} from './analyses';
