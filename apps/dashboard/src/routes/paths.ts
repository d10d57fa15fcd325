import { LINEAGE_KINDS, type LineageKind } from '../api/types';

export type Route =
  | { page: 'suites' }
  | { page: 'suite'; suiteId: string }
  | { page: 'lineage'; kind: LineageKind; id: string }
  | { page: 'not-found' };

export const paths = {
  suites: () => '/',
  suite: (id: string) => `/suites/${encodeURIComponent(id)}`,
  lineage: (kind: LineageKind, id: string) => `/lineage/${kind}/${encodeURIComponent(id)}`,
};

const isLineageKind = (kind: string): kind is LineageKind => (LINEAGE_KINDS as readonly string[]).includes(kind);

export function routeOf(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'suites' };
  if (parts.length === 2 && parts[0] === 'suites') return { page: 'suite', suiteId: parts[1] };
  if (parts.length === 3 && parts[0] === 'lineage' && isLineageKind(parts[1])) return { page: 'lineage', kind: parts[1], id: parts[2] };
  return { page: 'not-found' };
}
