import { useId, useRef } from 'react';
import { useModal } from './use-modal';

export interface ConfirmRequest {
  /** What will happen, as a question. */
  question: string;
  onConfirm: () => void;
}

/** Asks before an action that changes a suite; Cancel, Escape or Confirm close it. */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const questionId = useId();
  useModal(ref, request !== null);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={questionId} onClose={onClose}>
      {/* method="dialog": either button closes the dialog, which reports back through onClose. */}
      {request && (
        <form method="dialog">
          <p id={questionId}>{request.question}</p>
          <div className="dialog-actions">
            <button type="submit" value="cancel">
              Cancel
            </button>
            <button type="submit" value="confirm" className="primary" onClick={request.onConfirm}>
              Confirm
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
