import { describeError, isApiDown, type ApiError } from '../api/client';

/** What stands in for a view's data until it first arrives, or why it has not. */
export function Loading({ error, what }: { error: ApiError | undefined; what: string }) {
  if (!error) return <p className="muted">Loading {what}…</p>;
  if (isApiDown(error)) return <p className="muted">Waiting for the API to load {what}…</p>;
  return <p className="form-error">Could not load {what}: {describeError(error)}</p>;
}
