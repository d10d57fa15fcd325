import { useState, type FormEvent } from 'react';
import { session } from '../api/session';
import { useDocumentTitle } from './use-document-title';

/** Shown instead of any page while the API refuses this browser (no token, or a revoked one). */
export function SignInPage({ reason }: { reason: string }) {
  useDocumentTitle('Sign in');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    session.signIn(token).then(
      // A fresh start: every page loads again, now with the cookie.
      () => window.location.reload(),
      (err: Error) => {
        setError(err.message);
        setBusy(false);
      },
    );
  };

  return (
    <div className="page sign-in">
      <h1>Sign in</h1>
      <p className="muted">{reason}</p>
      <p>
        Paste an API token. An admin makes one with <code>cohort token create --name NAME --role viewer</code>; the
        setup&rsquo;s admin token is in <code>.cohort/admin-token</code>.
      </p>
      <form onSubmit={submit}>
        <label>
          API token{' '}
          <input type="password" name="token" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        </label>{' '}
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {error && (
        <p role="alert" className="form-error">
          Sign-in failed: {error}
        </p>
      )}
    </div>
  );
}
