import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenInfo, type LineageClient } from '@cohort/lineage';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { callDependency } from '../common/dependency';
import { requireUuid } from '../common/ids';
import { LINEAGE } from '../lineage/lineage.module';
import { AuditService } from '../audit/audit.service';
import { CurrentCaller, type Caller } from './caller';
import { Role } from './role.decorator';
import { Audited } from '../audit/audited.decorator';

const createRequest = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['viewer', 'operator', 'admin']),
});

@ApiTags('tokens')
@Controller()
export class TokensController {
  constructor(
    @Inject(LINEAGE) private readonly db: LineageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  private database<T>(call: () => Promise<T>): Promise<T> {
    return callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, call);
  }

  @Get('me')
  @Role('viewer')
  @ApiOkResponse({ description: 'the token this request came with: id, name, role (never the token)' })
  me(@CurrentCaller() caller: Caller): Pick<Caller, 'id' | 'name' | 'role'> {
    return { id: caller.id, name: caller.name, role: caller.role };
  }

  @Audited('token.create', 'token')
  @Post('tokens')
  @Role('admin')
  @HttpCode(201)
  @ApiBody({ schema: { type: 'object', properties: { name: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin'] } } } })
  @ApiCreatedResponse({ description: 'the new token, with `token` itself: shown this once, only its sha256 is kept' })
  @ApiBadRequestResponse({ description: '`issues` lists each bad field' })
  create(@Body() body: unknown): Promise<ApiTokenInfo & { token: string }> {
    const parsed = createRequest.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ statusCode: 400, message: 'invalid token request', issues });
    }
    return this.database(() =>
      this.db.$transaction(async (tx) => {
        const created = await createApiToken(tx, parsed.data.name, parsed.data.role);
        await this.audit.recordWithin(tx, created.id);
        return created;
      }),
    );
  }

  @Get('tokens')
  @Role('admin')
  @ApiOkResponse({ description: 'every token: id, name, role, creation, last use (to the minute), revocation' })
  list(): Promise<ApiTokenInfo[]> {
    return this.database(() => listApiTokens(this.db));
  }

  @Audited('token.revoke', 'token')
  @Post('tokens/:id/revoke')
  @Role('admin')
  @HttpCode(200)
  @ApiOkResponse({ description: 'the token, revoked (revoking again changes nothing)' })
  @ApiNotFoundResponse({ description: 'no such token' })
  async revoke(@Param('id') id: string): Promise<ApiTokenInfo> {
    requireUuid('token', id);
    const token = await this.database(() =>
      this.db.$transaction(async (tx) => {
        const revoked = await revokeApiToken(tx, id);
        if (revoked) await this.audit.recordWithin(tx, id);
        return revoked;
      }),
    );
    if (!token) throw new NotFoundException(`token ${id} not found`);
    return token;
  }
}
