// Whether this browser is signed in, shared by every call: the first 401 from the API turns the
// whole app into the sign-in page, whatever page asked.

let signedOut: string | null = null;
const listeners = new Set<() => void>();

function set(next: string | null): void {
  if (next === signedOut) return;
  signedOut = next;
  for (const listener of listeners) listener();
}

export interface Identity {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}

export const session = {
  /** Why the API wants a sign-in, or null while it accepts this browser's token. */
  current: (): string | null => signedOut,
  markSignedOut: (message: string): void => set(message),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** The dashboard server checks the token with the API and keeps it in an HttpOnly cookie. */
  signIn: (token: string): Promise<Identity> =>
    fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }).then((r) => answer<Identity>(r)),
  whoAmI: (): Promise<Identity> => fetch('/session').then((r) => answer<Identity>(r)),
  signOut: (): Promise<unknown> => fetch('/session', { method: 'DELETE' }).then((r) => answer(r)),
};
