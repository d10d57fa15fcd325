import { useEffect } from 'react';

/** The tab (and history entry) says which page this is. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Cohort`;
  }, [title]);
}
