import { useState } from 'react';
import { api } from '../../api/client';
import type { SuiteView } from '../../api/types';
import { YamlDialog } from '../../components/yaml-dialog';
import { suiteControls } from './control-actions';
import type { Controls } from './use-controls';

const EVALS_EXAMPLE = 'tasks: [synthetic_arithmetic]\ncheckpoints: all\n';
const ANALYSES_EXAMPLE = '- memorization\n- kind: term-frequency\n  shots: [0, 4]\n';

/** The suite's own controls, and the two forms that ask for more work on its checkpoints. */
export function SuiteActions({ suite, controls }: { suite: SuiteView; controls: Controls }) {
  const [form, setForm] = useState<'evaluate' | 'analyse' | null>(null);
  const close = () => setForm(null);

  const evaluate = (evals: unknown) =>
    controls.perform('Evaluate more', () =>
      api.evaluate(suite.id, evals).then((request) => `Evaluation requested for ${request.tasks.join(', ')} (workflow ${request.workflowId}).`),
    );
  const analyse = (analyses: unknown) =>
    controls.perform('Analyse', () =>
      api.analyse(suite.id, analyses).then((started) => `Analyses: ${started.map((a) => `${a.kind} (${a.status})`).join(', ')}.`),
    );

  return (
    <div className="actions-bar" role="group" aria-label="Suite actions">
      {suiteControls(suite).map(({ text, name, control }) => (
        <button key={name} type="button" onClick={() => controls.confirm(control)}>
          {text}
        </button>
      ))}
      <button type="button" onClick={() => setForm('evaluate')}>
        Evaluate more
      </button>
      <button type="button" onClick={() => setForm('analyse')}>
        Analyse
      </button>
      <YamlDialog
        open={form === 'evaluate'}
        title={`Evaluate more of ${suite.name}`}
        label="Evals block (YAML)"
        hint="As a suite spec’s evals: tasks, shots, limit, checkpoints (all, final, pythia, { every: K } or { steps: […] }), placement. Only evaluations not yet recorded run."
        initialText={EVALS_EXAMPLE}
        submitLabel="Evaluate"
        onSubmit={evaluate}
        onClose={close}
      />
      <YamlDialog
        open={form === 'analyse'}
        title={`Analyse ${suite.name}`}
        label="Analyses (YAML list)"
        hint="As a suite spec’s analyses: each entry a kind (memorization, term-frequency, bias, stability) or a kind with parameters. Asking again for the same returns the same analyses."
        initialText={ANALYSES_EXAMPLE}
        submitLabel="Analyse"
        onSubmit={analyse}
        onClose={close}
      />
    </div>
  );
}
