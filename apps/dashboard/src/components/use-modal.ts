import { useEffect, type RefObject } from 'react';

/** Shows a <dialog> as a modal while `open` (focus trapped, Escape closes), and closes it after. */
export function useModal(ref: RefObject<HTMLDialogElement | null>, open: boolean): void {
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [ref, open]);
}
