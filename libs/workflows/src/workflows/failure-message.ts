/**
 * The message a user can act on: Temporal wraps an activity's error ("Activity task failed") and a
 * child's ("Child Workflow execution failed"); the reason is at the end of the cause chain.
 */
export function failureMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}
