import { useId, useRef, useState, type FormEvent } from 'react';
import { parse } from 'yaml';
import { useModal } from './use-modal';

interface YamlDialogProps {
  open: boolean;
  title: string;
  /** The textarea's label. */
  label: string;
  hint: string;
  initialText: string;
  submitLabel: string;
  /** The parsed YAML; the dialog closes after. */
  onSubmit: (value: unknown) => void;
  onClose: () => void;
}

/** A YAML block to send to the API, checked for syntax here and for meaning by the API. */
export function YamlDialog({ open, title, label, hint, initialText, submitLabel, onSubmit, onClose }: YamlDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(initialText);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const [titleId, fieldId, hintId, problemId] = [`${id}title`, `${id}field`, `${id}hint`, `${id}problem`];
  useModal(ref, open);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let value: unknown;
    try {
      value = parse(text);
    } catch (err) {
      setProblem(`Not valid YAML: ${(err as Error).message}`);
      return;
    }
    setProblem(null);
    onSubmit(value);
    ref.current?.close();
  };

  return (
    <dialog ref={ref} className="dialog dialog-wide" aria-labelledby={titleId} onClose={onClose}>
      {/* Drawn only while open; the text lives on in state, so a reopened form keeps it. */}
      {open && (
        <form onSubmit={submit}>
          <h2 id={titleId}>{title}</h2>
          <label htmlFor={fieldId}>{label}</label>
          <textarea
            id={fieldId}
            rows={8}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={problem ? `${hintId} ${problemId}` : hintId}
            aria-invalid={problem !== null}
          />
          <p id={hintId} className="hint">
            {hint}
          </p>
          {problem && (
            <p id={problemId} className="form-error">
              {problem}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => ref.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="primary">
              {submitLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
