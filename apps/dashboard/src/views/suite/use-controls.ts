import { useCallback, useState } from 'react';
import { describeError } from '../../api/client';
import type { ConfirmRequest } from '../../components/confirm-dialog';

/** An action on a suite or a run, asked for in a confirmation dialog first. */
export interface Control {
  question: string;
  /** Names the action in its outcome, e.g. "Pause run tiny-standard". */
  label: string;
  /** Performs it; resolves to what happened, in a sentence. */
  call: () => Promise<string>;
}

export interface Outcome {
  state: 'pending' | 'done' | 'failed';
  text: string;
}

/**
 * The suite page's actions: one confirmation dialog and one outcome line for all of them, and
 * `onDone` after each success so the page shows its effect.
 */
export function useControls(onDone: () => void) {
  const [confirming, setConfirming] = useState<ConfirmRequest | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const perform = useCallback(
    (label: string, call: () => Promise<string>) => {
      setOutcome({ state: 'pending', text: `${label}…` });
      call().then(
        (text) => {
          setOutcome({ state: 'done', text });
          onDone();
        },
        (err: unknown) => setOutcome({ state: 'failed', text: `${label} failed: ${describeError(err)}` }),
      );
    },
    [onDone],
  );

  const confirm = useCallback(
    (control: Control) => setConfirming({ question: control.question, onConfirm: () => perform(control.label, control.call) }),
    [perform],
  );

  return { confirm, perform, confirming, closeConfirm: () => setConfirming(null), outcome };
}

export type Controls = ReturnType<typeof useControls>;
