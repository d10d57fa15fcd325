import { useSyncExternalStore } from 'react';

// History-API routing: the server answers every unknown path with index.html, and the page
// decides what the path shows. pushState fires no event of its own, hence NAVIGATED.
const NAVIGATED = 'cohort:navigated';

export function navigate(to: string): void {
  if (to === window.location.pathname) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

export const usePathname = (): string => useSyncExternalStore(subscribe, () => window.location.pathname);
