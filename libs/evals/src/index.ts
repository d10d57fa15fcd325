// @cohort/evals: lm-evaluation-harness 0.4's tasks and metrics over the EvalTokenizer/Scorer seams,
// plus probes of the synthetic corpus's planted phenomena. See ../README.md.
export * from './contracts';
export { checkEvalRequest, dataSha256, DEFAULT_BOOTSTRAP_ITERS, DEFAULT_FEWSHOT_SEED, evaluateTask, getTask, syntheticTaskNames, taskNames, taskPrompts, type TaskPrompts } from './evaluate';
export { encodePair, rollingWindows, truncateRequest, type StringRequest } from './requests';
export { aggregate, argmax, bitsPerByte, bootstrapStderr, mean, meanStderr, perplexity, sampleStddev, weightedPerplexity, type Aggregation, type MetricItem } from './metrics';
export { PythonRandom } from './python-random';
export { FewshotSampler } from './fewshot';
export { FEWSHOT_DELIMITER, TARGET_DELIMITER, type FewshotSource, type MetricSpec, type OutputType, type TaskDefinition, type TextRequest } from './task';
export { readRequestRecords, writeRequestRecords } from './records';
export * from './scorer/engine-scorer';
export { engineGenerator, type EngineGeneratorOptions, type Generator } from './scorer/engine-generator';
export { arithmeticExample, arithmeticItems, arithmeticParamErrors, arithmeticQuestion, arithmeticStops, checkArithmeticParams, cutAtStops, fewshotPrompt, firstNumber, isCorrect, subtaskPrompts, type ArithmeticItem, type ArithmeticOperation, type ArithmeticParams, type ArithmeticTemplate } from './arithmetic/task';
export { ARITHMETIC_FEWSHOT_SEED, evaluateArithmetic, type ArithmeticAccuracy, type ArithmeticEvalOptions, type ArithmeticResult, type ArithmeticRow, type ArithmeticTokenizer } from './arithmetic/evaluate';
