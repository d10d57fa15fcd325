import { applyDecorators, BadRequestException, Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ApiBadRequestResponse, ApiQuery } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { map, type Observable } from 'rxjs';

/**
 * Keyset pagination for every list. A page's cursor is the key of its last item (a row id, or a
 * step), so the next page is one index seek after it, whatever came before. REST keeps the body a
 * plain array and names the next page in headers (`Next-Cursor`, and `Link: <…>; rel="next"`,
 * RFC 8288); GraphQL takes the same cursor as `after`.
 */

export interface PageRequest<K> {
  limit: number;
  after?: K;
}

/** One page; `nextCursor` is null on the last. */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly nextCursor: string | null,
  ) {}

  /** `rows` were fetched with one more than `limit`: whether there is a next page, without a count. */
  static of<T>(rows: T[], limit: number, cursorOf: (last: T) => string | number): Page<T> {
    const items = rows.slice(0, limit);
    return new Page(items, rows.length > limit ? String(cursorOf(items[items.length - 1])) : null);
  }
}

export interface PageSize {
  byDefault: number;
  max: number;
}

/** What a cursor must look like for one list; anything else is a 400 before any query. */
export const CURSORS = {
  id: { parse: (text: string): string | undefined => (/^[0-9a-f-]{36}$/i.test(text) ? text.toLowerCase() : undefined), what: 'an id' },
  step: { parse: (text: string): number | undefined => (/^\d{1,15}$/.test(text) ? Number(text) : undefined), what: 'a step' },
} as const;

type CursorKind = keyof typeof CURSORS;
type CursorKey<C extends CursorKind> = NonNullable<ReturnType<(typeof CURSORS)[C]['parse']>>;

export function invalidPage(path: 'limit' | 'cursor', message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'invalid page', issues: [{ path, message }] });
}

/** `limit` and `cursor` as they arrive (query strings, or GraphQL's typed `limit` and `after`). */
export function pageRequest<C extends CursorKind>(
  raw: { limit?: string | number | null; cursor?: string | null },
  size: PageSize,
  cursor: C,
): PageRequest<CursorKey<C>> {
  // GraphQL sends an omitted nullable argument as undefined, an explicit one as null.
  const limit = raw.limit == null || raw.limit === '' ? size.byDefault : Number(raw.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > size.max) throw invalidPage('limit', `must be an integer from 1 to ${size.max}, got "${raw.limit}"`);
  if (raw.cursor == null || raw.cursor === '') return { limit };
  const after = CURSORS[cursor].parse(raw.cursor) as CursorKey<C> | undefined;
  if (after === undefined) throw invalidPage('cursor', `must be ${CURSORS[cursor].what}, as a Next-Cursor header gave it; got "${raw.cursor}"`);
  return { limit, after };
}

/**
 * A well-formed cursor that names no row gives an empty page; only then is it looked up, so the
 * usual page costs no second query. `exists` runs the lookup (a dependency call of the caller's).
 */
export async function requireCursorRow(rows: readonly unknown[], after: string | undefined, what: string, exists: (id: string) => Promise<unknown>): Promise<void> {
  if (rows.length === 0 && after !== undefined && !(await exists(after))) throw invalidPage('cursor', `names no ${what} (${after})`);
}

/** Turns a handler's Page into its items, with the next page's cursor and link in the headers. */
@Injectable()
export class PageHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Page)) return result;
        if (result.nextCursor !== null) {
          const req = http.getRequest<IncomingMessage & { originalUrl: string }>();
          const res = http.getResponse<ServerResponse>();
          const url = new URL(req.originalUrl, 'http://host');
          url.searchParams.set('cursor', result.nextCursor);
          res.setHeader('Next-Cursor', result.nextCursor);
          res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
        }
        return result.items;
      }),
    );
  }
}

/** A paged REST list: `limit` and `cursor` documented, the headers written. */
export function Paged(size: PageSize): MethodDecorator {
  return applyDecorators(
    UseInterceptors(PageHeadersInterceptor),
    ApiQuery({ name: 'limit', required: false, description: `items per page, 1–${size.max} (default ${size.byDefault})` }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'the previous page\'s `Next-Cursor` header (also in `Link: <…>; rel="next"`); both are absent on the last page',
    }),
    ApiBadRequestResponse({ description: '`issues` names a bad `limit` or `cursor`' }),
  );
}
