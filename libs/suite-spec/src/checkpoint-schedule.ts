import type { SuiteSpec } from './schema';

/** Pythia's reference run: 143,000 steps; log-spaced checkpoints to 512, then every 1,000. */
const PYTHIA_STEPS = 143_000;
const PYTHIA_LOG_UNTIL = 512;
const PYTHIA_EVERY = 1_000;

function largestPowerOfTwoAtMost(n: number): number {
  return n < 1 ? 0 : 2 ** Math.floor(Math.log2(n));
}

/**
 * The sorted, distinct steps at which a run of `steps` steps writes checkpoints. Step 0 (the
 * initialisation) and the last step are always included, so every run can be evaluated from its
 * start and resumed from its end.
 *
 * `pythia`: 0, 1, 2, 4, … up to `logUntil`, then every `every` steps. Unset bounds scale Pythia's
 * (512 and 1,000 of 143,000 steps) to the run length, so a short run keeps Pythia's shape.
 */
export function checkpointSteps(schedule: SuiteSpec['checkpoints'], steps: number): number[] {
  const out = new Set<number>([0, steps]);
  switch (schedule.kind) {
    case 'list':
      schedule.steps.forEach((s) => out.add(s));
      break;
    case 'every':
      for (let s = schedule.every; s < steps; s += schedule.every) out.add(s);
      break;
    case 'pythia': {
      const scale = steps / PYTHIA_STEPS;
      const logUntil =
        schedule.logUntil ?? Math.max(1, largestPowerOfTwoAtMost(Math.round(PYTHIA_LOG_UNTIL * scale)));
      const every = schedule.every ?? Math.max(1, Math.round(PYTHIA_EVERY * scale));
      for (let s = 1; s <= Math.min(logUntil, steps); s *= 2) out.add(s);
      for (let s = every; s < steps; s += every) out.add(s);
      break;
    }
  }
  return [...out].filter((s) => s <= steps).sort((a, b) => a - b);
}

/** Pythia's own checkpoint set scaled to a run of `steps` steps (what `evals.checkpoints: pythia` keeps). */
export function pythiaReferenceSteps(steps: number): number[] {
  return checkpointSteps({ kind: 'pythia' }, steps);
}
