// How the engine scorer cuts a request list into native calls: requests with identical context ids
// become one group (one pass over the context), and groups are packed into calls bounded in tokens.
import type { TokenRequest } from '../contracts';

export interface RequestGroup {
  context: number[];
  continuations: number[][];
  /** Request index of each continuation, to return results in request order. */
  requests: number[];
}

/** Requests grouped by identical context ids, in order of first appearance. */
export function groupByContext(requests: TokenRequest[]): RequestGroup[] {
  const byKey = new Map<string, RequestGroup>();
  requests.forEach((r, i) => {
    const key = r.context.join(',');
    const g = byKey.get(key);
    if (g) {
      g.continuations.push(r.continuation);
      g.requests.push(i);
    } else byKey.set(key, { context: r.context, continuations: [r.continuation], requests: [i] });
  });
  return [...byKey.values()];
}

function longest(g: RequestGroup): number {
  return g.continuations.reduce((m, c) => Math.max(m, c.length), 0);
}

/**
 * One native call. `shared`: groups of one context length, each context run once and extended by
 * all its continuations (Engine::scoreShared). `padded`: single-continuation groups as one
 * right-padded batch (logLikelihood), which takes any mix of context lengths, so singles of many
 * lengths (LAMBADA, rolling windows) still fill a batch.
 */
export interface Call {
  kind: 'shared' | 'padded';
  groups: RequestGroup[];
}

/** Rows x (context + longest continuation) of the group that ends a call: the padded tokens it holds. */
function tokens(rows: number, g: RequestGroup): number {
  return rows * (g.context.length + longest(g));
}

/**
 * Groups sorted so that consecutive ones batch well, cut into calls of at most maxTokens padded
 * tokens (a group larger than that goes alone). `fits(first, g)`: may g join the call `first` began?
 */
function chunk(
  kind: Call['kind'],
  groups: RequestGroup[],
  maxTokens: number,
  fits: (first: RequestGroup, g: RequestGroup) => boolean,
): Call[] {
  const calls: Call[] = [];
  let call: RequestGroup[] = [],
    rows = 0;
  for (const g of groups) {
    if (
      call.length &&
      (!fits(call[0], g) || tokens(rows + g.continuations.length, g) > maxTokens)
    ) {
      calls.push({ kind, groups: call });
      call = [];
      rows = 0;
    }
    call.push(g);
    rows += g.continuations.length;
  }
  if (call.length) calls.push({ kind, groups: call });
  return calls;
}

/**
 * The calls for a request list. Multi-continuation groups: sorted by context length, then longest
 * continuation (little continuation padding), one context length per call. Singles: sorted by
 * total length (little padding) in right-padded batches: 2.7x faster than groups of one on a
 * LAMBADA-like mix, which split into one call per distinct context length.
 */
export function planCalls(groups: RequestGroup[], maxTokens: number): Call[] {
  const multi = groups.filter((g) => g.continuations.length > 1);
  const single = groups.filter((g) => g.continuations.length === 1);
  multi.sort((a, b) => a.context.length - b.context.length || longest(a) - longest(b));
  single.sort((a, b) => a.context.length + longest(a) - (b.context.length + longest(b)));
  return [
    ...chunk('shared', multi, maxTokens, (first, g) => first.context.length === g.context.length),
    ...chunk('padded', single, maxTokens, () => true),
  ];
}
