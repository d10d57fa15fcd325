import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { listAuditEvents, type AuditEventRecord, type LineageClient } from '@cohort/lineage';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { callDependency } from '../common/dependency';
import { AUDIT_PAGE } from '../common/page-sizes';
import { Page, pageRequest, requireCursorRow } from '../common/pagination';
import { LINEAGE } from '../lineage/lineage.module';
import { Role } from '../auth/role.decorator';

const query = z.object({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  /** `kind` or `kind:id`. */
  target: z.string().regex(/^[a-z]+(:.+)?$/, 'kind, or kind:id').optional(),
  since: z.string().datetime({ offset: true }).transform((s) => new Date(s)).optional(),
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
  @ApiQuery({ name: 'limit', required: false, description: `1–${AUDIT_PAGE.max}, default ${AUDIT_PAGE.byDefault}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ description: '`events`, newest first, and `nextCursor` (null on the last page)' })
  @ApiBadRequestResponse({ description: '`issues` lists each bad parameter' })
  async list(@Query() raw: Record<string, string>): Promise<{ events: AuditEventRecord[]; nextCursor: string | null }> {
    const { limit, cursor, ...filters } = raw;
    const page = pageRequest({ limit, cursor }, AUDIT_PAGE, 'id');
    const parsed = query.safeParse(filters);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ statusCode: 400, message: 'invalid audit query', issues });
    }
    const { target, ...filter } = parsed.data;
    const [targetKind, ...targetId] = target?.split(':') ?? [];
    const postgres = <T>(call: () => Promise<T>) => callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, call);
    const rows = await postgres(() =>
      listAuditEvents(this.db, { ...filter, targetKind, targetId: targetId.length ? targetId.join(':') : undefined }, page.limit + 1, page.after),
    );
    await requireCursorRow(rows, page.after, 'audit event', (id) => postgres(() => this.db.auditEvent.findUnique({ where: { id }, select: { id: true } })));
    // The trail's body names its next page itself (it came before the headers the other lists use).
    const { items, nextCursor } = Page.of(rows, page.limit, (last) => last.id);
    return { events: items, nextCursor };
  }
}
