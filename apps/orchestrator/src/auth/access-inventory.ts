import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { ACCESS_METADATA, type Access } from './role.decorator';
import { AUDIT_METADATA } from '../audit/audited.decorator';

// The graphql package's metadata keys (graphql.constants), which it does not export publicly.
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const RESOLVER_NAME_METADATA = 'graphql:resolver_name';

/** One entry point of the API, the access it declares (undefined: none, so it is refused), and whether it is audited. */
export type Entry = { access: Access | undefined; audited: boolean } & (
  | { surface: 'rest'; method: string; path: string }
  | { surface: 'graphql'; operation: 'Query' | 'Mutation' | 'Subscription'; name: string }
);

export const entryKey = (e: Entry): string => (e.surface === 'rest' ? `${e.method} ${e.path}` : `${e.operation} ${e.name}`);

const joinPath = (...parts: Array<string | string[] | undefined>): string =>
  `/${parts.map((p) => (Array.isArray(p) ? p[0] : p) ?? '').join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/**
 * Every REST route and GraphQL operation of an app, read from Nest's own registry, with the
 * access each declares: what the guard will decide on. GraphQL field resolvers are not entries:
 * they run only under an operation, which the guard has already checked.
 */
export function accessInventory(app: INestApplicationContext): Entry[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const entries: Entry[] = [];
  type Handler = (...args: unknown[]) => unknown;
  const visit = (instance: object | undefined, onMethod: (cls: Type, handler: Handler) => void) => {
    if (!instance || typeof instance !== 'object') return;
    const prototype = Object.getPrototypeOf(instance) as Record<string, Handler>;
    for (const name of scanner.getAllMethodNames(prototype)) onMethod(prototype.constructor as Type, prototype[name]);
  };
  const declared = (cls: Type, handler: Handler) => ({
    access: reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [handler, cls]),
    audited: reflector.get(AUDIT_METADATA, handler) !== undefined,
  });

  for (const wrapper of discovery.getControllers()) {
    visit(wrapper.instance as object, (cls, handler) => {
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) return;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      entries.push({ surface: 'rest', method, path: joinPath(Reflect.getMetadata(PATH_METADATA, cls), path), ...declared(cls, handler) });
    });
  }
  for (const wrapper of discovery.getProviders()) {
    visit(wrapper.instance as object, (cls, handler) => {
      const operation = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler) as string | undefined;
      if (operation !== 'Query' && operation !== 'Mutation' && operation !== 'Subscription') return;
      const name = (Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? handler.name;
      entries.push({ surface: 'graphql', operation, name, ...declared(cls, handler) });
    });
  }
  return entries;
}
