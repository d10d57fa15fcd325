/** A suite's, run's or analysis's status, coloured by what it means for the reader. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status}</span>;
}
