// From strings to the token requests a Scorer takes, as lm-eval 0.4's HFLM does it: _encode_pair,
// the empty-context prefix token, left truncation to the model's length, and the disjoint rolling
// windows of loglikelihood_rolling.
import type { EvalTokenizer, TokenRequest } from './contracts';

/** One log-likelihood question in text: log P(continuation | context). */
export interface StringRequest {
  context: string;
  continuation: string;
}

/**
 * lm-eval's tokenization of a (context, continuation) pair. Trailing whitespace of the context
 * moves to the continuation (BPE glues a space to the next word), and the continuation's ids are
 * the tail of encode(context + continuation), so merges across the seam come out as the model
 * would see the joined text. An empty context scores the continuation after the eod token.
 */
export async function encodePair(tokenizer: EvalTokenizer, context: string, continuation: string): Promise<TokenRequest> {
  if (context === '') return { context: [tokenizer.eodId], continuation: await tokenizer.encode(continuation) };
  const contextIds = await tokenizer.encode(context.replace(/\s+$/u, ''));
  if (contextIds.length === 0) throw new Error(`context ${JSON.stringify(context)} is only whitespace: nothing to condition on`);
  const whole = await tokenizer.encode(context + continuation);
  return { context: contextIds, continuation: whole.slice(contextIds.length) };
}

/**
 * Left truncation to maxLength + 1 tokens in all (the model reads all but the last): lm-eval's
 * `(context + continuation)[-(max_length + 1):]`. The scored continuation always stays whole;
 * one longer than maxLength cannot be scored and is refused, as lm-eval asserts.
 */
export function truncateRequest(request: TokenRequest, maxLength: number): TokenRequest {
  const { context, continuation } = request;
  if (continuation.length === 0) throw new Error('cannot score an empty continuation');
  if (continuation.length > maxLength) throw new Error(`continuation of ${continuation.length} tokens exceeds the model's maximum length ${maxLength}`);
  const excess = context.length + continuation.length - (maxLength + 1);
  return excess > 0 ? { context: context.slice(excess), continuation } : request;
}

/**
 * lm-eval's get_rolling_token_windows with context_len 1, each made disjoint: the first window
 * predicts up to maxLength tokens after the prefix token, each later one the next n ≤ maxLength
 * tokens conditioned on the maxLength - n + 1 tokens before them: every token is predicted exactly
 * once, with as much left context as fits.
 */
export function rollingWindows(tokens: readonly number[], prefixToken: number, maxLength: number): TokenRequest[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`rolling windows need maxLength ≥ 1, got ${maxLength}`);
  const windows: TokenRequest[] = [];
  if (tokens.length === 0) return windows;
  const first = Math.min(maxLength, tokens.length);
  windows.push({ context: [prefixToken], continuation: tokens.slice(0, first) });
  for (let predicted = first; predicted < tokens.length; ) {
    const n = Math.min(tokens.length - predicted, maxLength);
    const end = predicted + n;
    // lm-eval's window is tokens[end - maxLength - 1, end - 1); disjoint = its first maxLength - n + 1.
    windows.push({ context: tokens.slice(end - maxLength - 1, end - n), continuation: tokens.slice(predicted, end) });
    predicted = end;
  }
  return windows;
}
