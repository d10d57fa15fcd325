import { useSyncExternalStore } from 'react';
import { session } from './api/session';
import { ApiDownBanner } from './components/api-down-banner';
import { ErrorBoundary } from './components/error-boundary';
import { SessionBadge } from './components/session-badge';
import { usePathname } from './routes/history';
import { Link } from './routes/link';
import { paths, routeOf, type Route } from './routes/paths';
import { LineagePage } from './views/lineage-page';
import { NotFoundPage } from './views/not-found-page';
import { SignInPage } from './views/sign-in-page';
import { SuitePage } from './views/suite/suite-page';
import { SuitesPage } from './views/suites-page';

/** Each page is keyed by what it shows, so moving between two suites starts the second afresh. */
function page(route: Route, pathname: string) {
  switch (route.page) {
    case 'suites':
      return <SuitesPage />;
    case 'suite':
      return <SuitePage key={route.suiteId} suiteId={route.suiteId} />;
    case 'lineage':
      return <LineagePage key={`${route.kind}:${route.id}`} kind={route.kind} id={route.id} />;
    case 'not-found':
      return <NotFoundPage message={`There is no page at ${pathname}.`} />;
  }
}

export function App() {
  const pathname = usePathname();
  const signedOut = useSyncExternalStore(session.subscribe, session.current);
  return (
    <>
      <header className="app-header">
        <Link to={paths.suites()} className="brand">
          Cohort
        </Link>
        <span className="muted">training dynamics, and where every number came from</span>
        {signedOut === null && <SessionBadge />}
      </header>
      <ApiDownBanner />
      <main>
        {signedOut !== null ? <SignInPage reason={signedOut} /> : <ErrorBoundary key={pathname}>{page(routeOf(pathname), pathname)}</ErrorBoundary>}
      </main>
    </>
  );
}
