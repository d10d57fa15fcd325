import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Pause between segments (the running segment finishes and checkpoints first). */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Stop as soon as possible: the running segment is cancelled between steps; checkpoints stay. */
export const cancelSignal = defineSignal('cancel');

export interface RunProgress {
  runId: string;
  state: 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled';
  step: number;
  totalSteps: number;
  lastLoss: number | null;
  tokensPerSecond: number | null;
  /** Seconds left at the last segment's speed, if known. */
  etaSeconds: number | null;
}

export const runProgressQuery = defineQuery<RunProgress>('progress');
