// Whether the API answers at all, shared by every call: one outage raises one banner, and the
// first call that gets through lowers it.

let outage: string | null = null;
const listeners = new Set<() => void>();

function set(next: string | null): void {
  if (next === outage) return;
  outage = next;
  for (const listener of listeners) listener();
}

export const apiAvailability = {
  /** Why the last call got no answer from the API, or null while it answers. */
  current: (): string | null => outage,
  markDown: (message: string): void => set(message),
  markUp: (): void => set(null),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** How long to wait before asking again while the API is down. */
export const API_DOWN_RETRY_MS = 5000;
