// The two seams of an evaluation: how text becomes tokens (a tokenizer) and how token requests
// become log-likelihoods (a scorer). Tasks and metrics are written against these, so they run the
// same over the native engine, over recorded goldens in tests, or over anything else that scores.

/** What evaluation needs of a tokenizer; `CohortTokenizer` (libs/data) satisfies it. */
export interface EvalTokenizer {
  /** Token ids of `text`, no special tokens added (lm-eval's `tok_encode` for HF causal LMs). */
  encode(text: string): Promise<number[]>;
  /** End-of-text id: lm-eval's prefix token for requests with an empty context and rolling windows. */
  readonly eodId: number;
}

/**
 * One tokenized log-likelihood request: log P(continuation | context), lm-eval's primitive.
 * Requests whose context ids are equal (the choices of one multiple-choice question) may be
 * scored with one pass over that context.
 */
export interface TokenRequest {
  context: number[];
  continuation: number[];
}

export interface TokenResult {
  /** Sum over the continuation's tokens of log P(token | everything before it), natural log. */
  logprob: number;
  /** Every continuation token is the argmax of its distribution (lm-eval's `is_greedy`). */
  isGreedy: boolean;
}

/**
 * Scores token requests; results come back in request order, however the scorer batches them.
 * Callers cut requests to the model first (lm-eval's left truncation, see requests.ts): every
 * request has a non-empty context and continuation and at most maxLength + 1 tokens in all.
 */
export interface Scorer {
  /** Longest sequence the model takes (its max_position_embeddings); requests are cut to it from the left. */
  readonly maxLength: number;
  score(requests: TokenRequest[], onProgress?: (scored: number) => void): Promise<TokenResult[]>;
}

/** Where a task's data comes from: the shared benchmark folder, and a suite's synthetic manifest. */
export interface TaskDataSource {
  /** `../shared/data` (or $COHORT_SHARED_DATA); null when absent. */
  sharedDataDir: string | null;
  /** manifest.json of the suite's synthetic corpus (the planted-phenomena probes read it). */
  syntheticManifest?: string;
}

export interface EvaluateOptions {
  tokenizer: EvalTokenizer;
  scorer: Scorer;
  data: TaskDataSource;
  /** Few-shot examples per prompt (default 0). */
  shots?: number;
  /** Score only the first `limit` documents (lm-eval's --limit). */
  limit?: number;
  /** Seed of the few-shot sampler (lm-eval's default 1234). */
  fewshotSeed?: number;
  /** Bootstrap resamples for perplexity stderrs (lm-eval's default 100000; 0 turns every stderr off, as in lm-eval). */
  bootstrapIters?: number;
  onProgress?: (scored: number, total: number) => void;
}

export interface MetricValue {
  metric: string;
  value: number;
  /** lm-eval's standard error (null where lm-eval reports none). */
  stderr: number | null;
}

/** One scored request, kept per (checkpoint, task, shots) for later analyses. */
export interface RequestRecord {
  doc: number;
  /** Choice index for multiple-choice tasks, window index for rolling ones, else 0. */
  index: number;
  contextTokens: number;
  continuationTokens: number;
  logprob: number;
  isGreedy: boolean;
}

export interface TaskResult {
  task: string;
  version: string;
  shots: number;
  /** Documents scored. */
  n: number;
  /** sha256 over the task's data files (the synthetic manifest for the probes). */
  dataSha256: string;
  metrics: MetricValue[];
  requests: RequestRecord[];
}
