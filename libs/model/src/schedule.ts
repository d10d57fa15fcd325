// Learning-rate schedules. `step` is the number of optimizer steps already taken (0 for the first).

export type LrSchedule =
  | { kind: 'constant' }
  /** Linear warmup to maxLr, then cosine from maxLr down to minLr at totalSteps; minLr after. */
  | { kind: 'cosine'; warmupSteps: number; totalSteps: number; minLr: number }
  /**
   * GPT-NeoX's AnnealingLR as Pythia used it (megatron/learning_rates.py): warmup max*n/warmup
   * (so the very first step has lr 0), then max/2*(cos(pi*(n-warmup)/decaySteps)+1) — the cosine
   * runs over all decaySteps, not the post-warmup remainder — clipped below at minLr.
   */
  | { kind: 'neox'; warmupSteps: number; decaySteps: number; minLr: number };

export function learningRate(maxLr: number, s: LrSchedule, step: number): number {
  switch (s?.kind) {
    case 'constant':
      return maxLr;
    case 'cosine': {
      if (step < s.warmupSteps) return (maxLr * (step + 1)) / s.warmupSteps;
      if (step >= s.totalSteps) return s.minLr;
      const p = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
      return s.minLr + 0.5 * (maxLr - s.minLr) * (1 + Math.cos(Math.PI * p));
    }
    case 'neox': {
      let n = Math.min(step, s.decaySteps - s.warmupSteps);
      if (s.warmupSteps > 0 && step <= s.warmupSteps) return (maxLr * n) / s.warmupSteps;
      n -= s.warmupSteps;
      return Math.max((maxLr / 2) * (Math.cos((Math.PI * n) / s.decaySteps) + 1), s.minLr);
    }
    default:
      throw new Error(`unknown LR schedule kind '${(s as { kind?: string } | undefined)?.kind}' (constant, cosine, neox)`);
  }
}
