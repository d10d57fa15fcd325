// The generation seam (greedy decoding, lm-eval's generate_until) and its implementation over the
// native engine: GPTNeoX.generateAsync takes equal-length prompts only, so prompts are grouped by
// token length and run in batches, each batch on a worker thread (an activity can heartbeat from
// onProgress between batches).
import type { GPTNeoX } from '@cohort/model';

/** Greedy continuation of token prompts; results come back in prompt order, however they are batched. */
export interface Generator {
  /**
   * Up to maxNewTokens greedily generated ids per prompt. With `stop`, each output ends just before
   * its first id in `stop` (the stop id itself is dropped), so outputs can be shorter.
   */
  generate(prompts: number[][], maxNewTokens: number, stop?: readonly number[], onProgress?: (generated: number) => void): Promise<number[][]>;
}

export interface EngineGeneratorOptions {
  /** Prompts per native call (default 32). */
  batchSize?: number;
}

/**
 * Generation on the engine. A prompt longer than the model's context leaves room for is cut from
 * the left to its last maxPositionEmbeddings - maxNewTokens tokens (lm-eval's HF rule). Greedy
 * decoding is deterministic: the same prompts give the same ids.
 */
export function engineGenerator(model: GPTNeoX, opts: EngineGeneratorOptions = {}): Generator {
  const batchSize = opts.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const maxLength = model.config.maxPositionEmbeddings;
  return {
    async generate(prompts, maxNewTokens, stop = [], onProgress) {
      if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens >= maxLength) {
        throw new Error(`maxNewTokens must be an integer in 1..${maxLength - 1} (the model's context is ${maxLength}), got ${maxNewTokens}`);
      }
      const room = maxLength - maxNewTokens;
      const cut = prompts.map((p, i) => {
        if (p.length === 0) throw new Error(`generate: prompt ${i} is empty`);
        return p.length > room ? p.slice(p.length - room) : p;
      });
      const byLength = new Map<number, number[]>();
      cut.forEach((p, i) => byLength.set(p.length, [...(byLength.get(p.length) ?? []), i]));
      const stops = new Set(stop);
      const out = new Array<number[]>(prompts.length);
      let generated = 0;
      for (const length of [...byLength.keys()].sort((a, b) => a - b)) {
        const indices = byLength.get(length)!;
        for (let at = 0; at < indices.length; at += batchSize) {
          const batch = indices.slice(at, at + batchSize);
          const rows = await model.generateAsync(batch.map((i) => cut[i]), maxNewTokens);
          batch.forEach((i, r) => {
            const end = rows[r].findIndex((id) => stops.has(id));
            out[i] = end < 0 ? rows[r] : rows[r].slice(0, end);
          });
          generated += batch.length;
          onProgress?.(generated);
        }
      }
      return out;
    },
  };
}
