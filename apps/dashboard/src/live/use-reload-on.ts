import { useEffect } from 'react';

/** Reloads a resource each time a live suite's refresh counter moves (not on mount: it loads itself). */
export function useReloadOn(reload: () => void, refreshes: number): void {
  useEffect(() => {
    if (refreshes > 0) reload();
  }, [reload, refreshes]);
}
