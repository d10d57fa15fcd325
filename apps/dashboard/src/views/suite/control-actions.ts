import { api, type ControlAction } from '../../api/client';
import type { RunView, SuiteView } from '../../api/types';
import type { Control } from './use-controls';

/** A button for a control: its visible text and its full accessible name. */
export interface ControlButton {
  text: string;
  name: string;
  control: Control;
}

const VERBS: Record<ControlAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel' };

/** A pause, resume or cancel signal to a suite's or a run's workflow. */
function signal(what: 'suite' | 'run', target: { id: string; name: string }, action: ControlAction, question: string): Control {
  const label = `${VERBS[action]} ${what} ${target.name}`;
  const send = what === 'suite' ? api.controlSuite : api.controlRun;
  return { question, label, call: () => send(target.id, action).then(() => `${label}: accepted.`) };
}

export function suiteControls(suite: SuiteView): ControlButton[] {
  const questions: Record<ControlAction, string> = {
    pause: `Pause every run of ${suite.name}? Each stops at its next checkpoint.`,
    resume: `Resume the paused runs of ${suite.name}?`,
    cancel: `Cancel ${suite.name}? Running segments stop between steps; every checkpoint is kept.`,
  };
  return (['pause', 'resume', 'cancel'] as const).map((action) => ({
    text: `${VERBS[action]} suite`,
    name: `${VERBS[action]} suite`,
    control: signal('suite', suite, action, questions[action]),
  }));
}

/** Runs still under their workflow can be paused, resumed and cancelled. */
const CONTROLLABLE = ['pending', 'running', 'paused'];
/** A stopped run can go on from its last checkpoint, as a new run branched from it. */
const RESUMABLE = ['cancelled', 'failed'];

/** The controls that apply to a run in its current status. */
export function runControls(run: RunView, status: string): ControlButton[] {
  if (CONTROLLABLE.includes(status)) {
    const questions: Record<ControlAction, string> = {
      pause: `Pause ${run.name} at its next checkpoint?`,
      resume: `Resume ${run.name}?`,
      cancel: `Cancel ${run.name}? Its checkpoints are kept.`,
    };
    return (['pause', 'resume', 'cancel'] as const).map((action) => ({
      text: VERBS[action],
      name: `${VERBS[action]} run ${run.name}`,
      control: signal('run', run, action, questions[action]),
    }));
  }
  if (RESUMABLE.includes(status) && run.checkpoints.length > 0) {
    const label = `Resume run ${run.name} from checkpoint`;
    return [
      {
        text: 'Resume from checkpoint',
        name: label,
        control: {
          question: `Continue ${run.name} from its last checkpoint as a new run?`,
          label,
          call: () => api.resumeFromCheckpoint(run.id).then((resumed) => `Started ${resumed.name}, continuing ${run.name} from step ${resumed.branchStep}.`),
        },
      },
    ];
  }
  return [];
}
