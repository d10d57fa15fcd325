// The Scorer over the native engine: the choices of a question share one pass over their context
// (GPTNeoX.scoreSharedAsync), single-continuation requests go in right-padded batches
// (logLikelihoodAsync); every native call runs on a worker thread, so an activity can heartbeat
// from onProgress between calls.
import type { GPTNeoX, LogLikelihood } from '@cohort/model';
import type { Scorer, TokenRequest, TokenResult } from '../contracts';
import { type Call, groupByContext, planCalls } from './batching';

export interface EngineScorerOptions {
  /**
   * Bound on one native call, in rows x (context + longest continuation) padded tokens. Default:
   * what fits in 1 GiB of engine memory, at least one full-length request.
   */
  maxBatchTokens?: number;
}

const CALL_BUDGET_BYTES = 2 ** 30;

function defaultMaxBatchTokens(model: GPTNeoX): number {
  const { hiddenSize: d, numLayers, intermediateSize: f, maxPositionEmbeddings } = model.config;
  // fp32 bytes a token holds during a call: its q|k|v cache rows in every layer plus one layer's
  // inference activations (CpuEngine::prepare).
  const bytesPerToken = 4 * (3 * d * numLayers + 10 * d + 4 * f);
  return Math.max(maxPositionEmbeddings + 1, Math.floor(CALL_BUDGET_BYTES / bytesPerToken));
}

export function engineScorer(model: GPTNeoX, opts: EngineScorerOptions = {}): Scorer {
  const maxBatchTokens = opts.maxBatchTokens ?? defaultMaxBatchTokens(model);
  if (!Number.isInteger(maxBatchTokens) || maxBatchTokens < 1)
    throw new Error(`maxBatchTokens must be a positive integer, got ${maxBatchTokens}`);
  return {
    maxLength: model.config.maxPositionEmbeddings,
    score: (requests, onProgress) => scoreRequests(model, requests, maxBatchTokens, onProgress),
  };
}

/** LogLikelihood of each group's continuations, out[group][continuation]. */
function runCall(model: GPTNeoX, call: Call): Promise<LogLikelihood[][]> {
  if (call.kind === 'shared') return model.scoreSharedAsync(call.groups);
  const pairs = call.groups.map((g) => ({ context: g.context, continuation: g.continuations[0] }));
  return model.logLikelihoodAsync(pairs).then((res) => res.map((r) => [r]));
}

async function scoreRequests(
  model: GPTNeoX,
  requests: TokenRequest[],
  maxBatchTokens: number,
  onProgress?: (scored: number) => void,
): Promise<TokenResult[]> {
  const out = new Array<TokenResult>(requests.length);
  let scored = 0;
  for (const call of planCalls(groupByContext(requests), maxBatchTokens)) {
    const res = await runCall(model, call);
    call.groups.forEach((g, i) =>
      g.requests.forEach((req, k) => {
        out[req] = { logprob: res[i][k].logprob, isGreedy: res[i][k].isGreedy };
        scored++;
      }),
    );
    onProgress?.(scored);
  }
  return out;
}
