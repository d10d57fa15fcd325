import { useEffect, useState } from 'react';
import { session, type Identity } from '../api/session';

/** Who is signed in, and the way out. */
export function SessionBadge() {
  const [who, setWho] = useState<Identity | null>(null);
  useEffect(() => {
    session.whoAmI().then(setWho, (err: Error) => session.markSignedOut(err.message));
  }, []);
  if (!who) return null;
  const signOut = () => void session.signOut().finally(() => window.location.reload());
  return (
    <span className="session" data-session={who.role}>
      {who.name} ({who.role}){' '}
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </span>
  );
}
