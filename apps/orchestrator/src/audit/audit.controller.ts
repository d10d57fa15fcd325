import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { listAuditEvents, type AuditCursor, type AuditEventRecord, type LineageClient } from '@cohort/lineage';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { callDependency } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { Role } from '../auth/role.decorator';

export const AUDIT_PAGE_MAX = 500;

/** An opaque cursor: the last event of a page, as base64url JSON [at, id]. */
const encodeCursor = (e: AuditEventRecord): string => Buffer.from(JSON.stringify([e.at.toISOString(), e.id])).toString('base64url');

const cursor = z.string().transform((text, ctx): AuditCursor => {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return { at: date, id };
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a cursor this API gave' });
    return z.NEVER;
  }
});

const query = z.object({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  /** `kind` or `kind:id`. */
  target: z.string().regex(/^[a-z]+(:.+)?$/, 'kind, or kind:id').optional(),
  since: z.string().datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  cursor: cursor.optional(),
});

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(LINEAGE) private readonly db: LineageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Role('admin')
  @ApiQuery({ name: 'actor', required: false, description: 'a token id or name' })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. suite.launch, suite.pause, token.revoke' })
  @ApiQuery({ name: 'target', required: false, description: 'kind or kind:id, e.g. suite:<id>' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 time' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${AUDIT_PAGE_MAX}, default 100` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '`events`, newest first, and `nextCursor` (null on the last page)' })
  @ApiBadRequestResponse({ description: '`issues` lists each bad parameter' })
  async list(@Query() raw: Record<string, string>): Promise<{ events: AuditEventRecord[]; nextCursor: string | null }> {
    const parsed = query.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ statusCode: 400, message: 'invalid audit query', issues });
    }
    const { target, limit, cursor: after, ...filter } = parsed.data;
    const [targetKind, ...targetId] = target?.split(':') ?? [];
    // One more than asked: whether there is a next page, without a count over the table.
    const rows = await callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, () =>
      listAuditEvents(this.db, { ...filter, targetKind, targetId: targetId.length ? targetId.join(':') : undefined }, limit + 1, after),
    );
    const events = rows.slice(0, limit);
    return { events, nextCursor: rows.length > limit ? encodeCursor(events[events.length - 1]) : null };
  }
}
