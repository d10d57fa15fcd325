import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { roleAllows } from '@cohort/lineage';
import { ACCESS_METADATA, type Access } from './role.decorator';
import { requestOf, type Caller } from './caller';
import { TokenService } from './token.service';
import { AUDIT_METADATA, type AuditSpec } from '../audit/audited.decorator';
import { AuditService } from '../audit/audit.service';
import { paramsOf } from '../audit/audit.interceptor';
import { MutationRateLimiter } from '../bounds/mutation-rate-limiter';
import { isMutation, rateLimited } from '../bounds/rate-limited';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one guard of every REST route, GraphQL operation and event stream. A handler that declares
 * no access is refused: a new route is closed until someone decides who may call it. It also
 * paces each token's mutations (after the role check, so a refused role spends nothing).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly limiter: MutationRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    const what = describe(context);
    if (access === undefined) throw new ForbiddenException(`${what} declares no role, so nobody may call it`);
    if (access === 'public') return true;
    const request = requestOf(context);
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) {
      throw new UnauthorizedException(`${what} needs a ${access} token: send it as "Authorization: Bearer <token>" (an admin makes one with cohort token create)`);
    }
    const caller = await this.tokens.verify(token);
    if (!caller) throw new UnauthorizedException(`the bearer token is unknown or revoked; ${what} needs a valid ${access} token`);
    if (!roleAllows(caller.role, access)) {
      return this.refuse(context, caller, new ForbiddenException(`${what} needs the ${access} role; token "${caller.name}" is a ${caller.role} token`));
    }
    if (isMutation(context)) {
      const retryAfterS = this.limiter.take(caller.id);
      if (retryAfterS > 0) {
        const message = `${what} is refused: token "${caller.name}" is over its rate (${this.limiter.policy}); retry in ${retryAfterS} s`;
        return this.refuse(context, caller, rateLimited(context, message, retryAfterS));
      }
    }
    request.caller = caller;
    return true;
  }

  /** A known caller refused: a mutation refused (a viewer trying to cancel a run, a flood of launches) is one the trail must show. */
  private async refuse(context: ExecutionContext, caller: Caller, refusal: Error): Promise<never> {
    const audited = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (audited) await this.audit.run(audited, caller, paramsOf(context), () => Promise.reject(refusal));
    throw refusal;
  }
}

/** `POST /suites/:id/pause` or `mutation launchSuite`, for messages. */
function describe(context: ExecutionContext): string {
  if (context.getType<string>() === 'graphql') {
    const info = GqlExecutionContext.create(context).getInfo<{ operation: { operation: string }; fieldName: string }>();
    return `${info.operation.operation} ${info.fieldName}`;
  }
  const request = requestOf(context);
  return `${request.method} ${request.route?.path ?? request.path}`;
}
