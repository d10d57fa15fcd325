import { readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, resolve, sep } from 'node:path';

/** `COHORT_DATA_ROOTS` (path-delimiter separated) when set, else `defaults`; each resolved (symlinks are resolved when checked). */
export function configuredDataRoots(listed: string | undefined, defaults: readonly string[]): string[] {
  return (listed ? listed.split(delimiter).filter(Boolean) : defaults).map((r) => resolve(r));
}

/**
 * Where a path a spec names really is, once `..` and every symlink are resolved: inside one of
 * the data roots, or the reason it may not be read. Folders are walked as the corpus reader walks
 * them, so a symlink inside one cannot point out either. Nothing is opened, only stat'ed.
 */
export function dataRootIssue(path: string, roots: readonly string[], kind: 'file' | 'file or folder'): string | undefined {
  const realRoots = roots.flatMap((r) => {
    try {
      return [realpathSync(r)];
    } catch {
      return []; // a root that does not exist holds nothing
    }
  });
  const inside = (real: string) => realRoots.some((root) => real === root || real.startsWith(root + sep));
  const outside = (p: string): string | undefined => {
    let real: string;
    try {
      real = realpathSync(resolve(p));
    } catch {
      return p === path ? `no such ${kind}: ${path}` : `${p} cannot be resolved`;
    }
    if (!inside(real)) {
      const via = real === resolve(p) ? '' : ` (it resolves to ${real})`;
      return `${p === path ? path : `${p}, inside ${path},`} is outside the data roots${via}; allowed: ${roots.join(', ')}`;
    }
    if (kind === 'file' && p === path && !statSync(real).isFile()) return `not a file: ${path}`;
    if (statSync(real).isDirectory()) {
      for (const name of readdirSync(real).sort()) {
        const issue = outside(resolve(p, name));
        if (issue) return issue;
      }
    }
    return undefined;
  };
  return outside(path);
}
