import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import type { LineageKind } from '../api/types';
import { navigate } from './history';
import { paths } from './paths';

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An in-app link: a real href (new tab, copy link), followed without reloading the page. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}

/** A number (or name) that opens the lineage of what it belongs to. */
export function LineageLink({ kind, id, ...rest }: Omit<LinkProps, 'to'> & { kind: LineageKind; id: string }) {
  return <Link to={paths.lineage(kind, id)} title={`Lineage of this ${kind}`} {...rest} />;
}
