import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { ApiTokenInfo } from '@cohort/lineage';
import type { IncomingMessage } from 'node:http';

/** Whose token a request came with, set by the guard. */
export type Caller = ApiTokenInfo;

/** What the guard reads of a request (Express's, under both REST and GraphQL). */
export type AuthenticatedRequest = IncomingMessage & { caller?: Caller; route?: { path: string }; path?: string };

/** The HTTP request behind a REST call or a GraphQL operation. */
export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

/** The caller of a handler whose route declares a role (so the guard has set it). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = requestOf(context).caller;
  if (!caller) throw new Error('no caller: the route declares no role');
  return caller;
});
