import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { roleAllows } from '@cohort/lineage';
import { ACCESS_METADATA, type Access } from './role.decorator';
import { requestOf } from './caller';
import { TokenService } from './token.service';
import { AUDIT_METADATA, type AuditSpec } from '../audit/audited.decorator';
import { AuditService } from '../audit/audit.service';
import { paramsOf } from '../audit/audit.interceptor';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one guard of every REST route, GraphQL operation and event stream. A handler that declares
 * no access is refused: a new route is closed until someone decides who may call it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
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
      const refusal = new ForbiddenException(`${what} needs the ${access} role; token "${caller.name}" is a ${caller.role} token`);
      // A mutation refused for its role is one the trail must show (a viewer trying to cancel a run).
      const audited = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
      if (audited) await this.audit.run(audited, caller, paramsOf(context), () => Promise.reject(refusal));
      throw refusal;
    }
    request.caller = caller;
    return true;
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
