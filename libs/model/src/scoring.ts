// Shared-prefix log-likelihood scoring: the choices of a multiple-choice question share one context,
// which the engine runs once and extends by every choice in one batch (Engine::scoreShared).
import type { NativeEngine, NativeScores } from './native';

export interface LogLikelihood {
  tokenLogprobs: number[];
  greedyMatch: boolean[];
  /** Sum of tokenLogprobs. */
  logprob: number;
  /** Every continuation token is the argmax (lm-eval-harness "is_greedy"). */
  isGreedy: boolean;
}

/** One context and the continuations scored after it. */
export interface SharedContextGroup {
  context: number[];
  continuations: number[][];
}

/** Scores of the n positions from `start` of a native scoring output. */
export function logLikelihoodAt(r: NativeScores, start: number, n: number): LogLikelihood {
  const lp = Array.from(r.logprobs.subarray(start, start + n));
  const gm = Array.from(r.greedy.subarray(start, start + n), (g) => g === 1);
  return {
    tokenLogprobs: lp,
    greedyMatch: gm,
    logprob: lp.reduce((a, x) => a + x, 0),
    isGreedy: gm.every((g) => g),
  };
}

/** The inputs of one native scoreShared call: groups whose contexts have one length. */
interface SharedCall {
  groups: number[]; // indices into the caller's groups, in owner order
  ctx: Int32Array;
  owner: Int32Array;
  cont: Int32Array;
  contLen: Int32Array;
  contexts: number;
  contextLen: number;
  rows: number;
  contWidth: number;
}

/** One call per distinct context length (the engine runs equal-length contexts as one batch). */
function planShared(groups: SharedContextGroup[]): SharedCall[] {
  const byLength = new Map<number, number[]>();
  groups.forEach((g, i) => {
    if (g.context.length === 0) throw new Error(`scoreShared: group ${i} has an empty context`);
    if (g.continuations.length === 0)
      throw new Error(`scoreShared: group ${i} has no continuations`);
    g.continuations.forEach((c, k) => {
      if (c.length === 0) throw new Error(`scoreShared: group ${i} continuation ${k} is empty`);
    });
    const same = byLength.get(g.context.length);
    if (same) same.push(i);
    else byLength.set(g.context.length, [i]);
  });
  return [...byLength.values()].map((idx) => packShared(groups, idx));
}

function packShared(all: SharedContextGroup[], idx: number[]): SharedCall {
  const groups = idx.map((i) => all[i]);
  const conts = groups.flatMap((g) => g.continuations);
  const contextLen = groups[0].context.length,
    rows = conts.length;
  const contWidth = conts.reduce((m, c) => Math.max(m, c.length), 0);
  const cont = new Int32Array(rows * contWidth); // padding stays 0; the engine never reads it
  conts.forEach((c, r) => cont.set(c, r * contWidth));
  return {
    groups: idx,
    ctx: Int32Array.from(groups.flatMap((g) => g.context)),
    owner: Int32Array.from(groups.flatMap((g, o) => g.continuations.map(() => o))),
    cont,
    contLen: Int32Array.from(conts, (c) => c.length),
    contexts: groups.length,
    contextLen,
    rows,
    contWidth,
  };
}

function nativeArgs(c: SharedCall): Parameters<NativeEngine['scoreShared']> {
  return [c.ctx, c.owner, c.cont, c.contLen, c.contexts, c.contextLen, c.rows, c.contWidth];
}

/** Places each call's rows back at their groups: out[group][continuation]. */
function unpackShared(
  groups: SharedContextGroup[],
  calls: SharedCall[],
  scores: NativeScores[],
): LogLikelihood[][] {
  const out: LogLikelihood[][] = new Array(groups.length);
  calls.forEach((c, i) => {
    let row = 0;
    for (const g of c.groups)
      out[g] = groups[g].continuations.map((cont) =>
        logLikelihoodAt(scores[i], row++ * c.contWidth, cont.length),
      );
  });
  return out;
}

/** log P(continuation | context) for every continuation of every group: out[group][continuation]. */
export function scoreShared(engine: NativeEngine, groups: SharedContextGroup[]): LogLikelihood[][] {
  const calls = planShared(groups);
  return unpackShared(
    groups,
    calls,
    calls.map((c) => engine.scoreShared(...nativeArgs(c))),
  );
}

export async function scoreSharedAsync(
  engine: NativeEngine,
  groups: SharedContextGroup[],
): Promise<LogLikelihood[][]> {
  const calls = planShared(groups);
  const scores: NativeScores[] = [];
  for (const c of calls) scores.push(await engine.scoreSharedAsync(...nativeArgs(c)));
  return unpackShared(groups, calls, scores);
}
