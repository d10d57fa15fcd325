import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { lastValueFrom, of, type Observable } from 'rxjs';
import { requestOf } from '../auth/caller';
import { AUDIT_METADATA, type AuditSpec } from './audited.decorator';
import { AuditService } from './audit.service';

/** Puts every call of an @Audited handler, REST or GraphQL, through the audit trail. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (!spec) return next.handle();
    const caller = requestOf(context).caller;
    if (!caller) throw new Error(`${spec.action} is audited but declares no role`);
    // The handler runs when its observable is subscribed: inside `run`, so it sees the audit scope.
    const result = await this.audit.run(spec, caller, paramsOf(context), () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    return of(result);
  }
}

/** What the call was asked to do: route parameters, query and body, or the GraphQL arguments. */
export function paramsOf(context: ExecutionContext): Record<string, unknown> {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getArgs<Record<string, unknown>>();
  const request = context.switchToHttp().getRequest<{ params?: object; query?: object; body?: unknown }>();
  return { ...request.params, query: request.query, body: request.body };
}
