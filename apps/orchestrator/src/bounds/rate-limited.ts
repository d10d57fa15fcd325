import { HttpException, HttpStatus, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import type { ServerResponse } from 'node:http';

/** Whether a call changes something: a REST call other than a read, or a GraphQL mutation. */
export function isMutation(context: ExecutionContext): boolean {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getInfo<{ operation: { operation: string } }>().operation.operation === 'mutation';
  }
  return !['GET', 'HEAD', 'OPTIONS'].includes(context.switchToHttp().getRequest<{ method: string }>().method);
}

/** The refusal of a call over its token's rate: 429 with Retry-After over REST, RATE_LIMITED over GraphQL. */
export function rateLimited(context: ExecutionContext, message: string, retryAfterS: number): Error {
  if (context.getType<string>() === 'graphql') {
    return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterS } });
  }
  context.switchToHttp().getResponse<ServerResponse>().setHeader('Retry-After', String(retryAfterS));
  return new HttpException(
    { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message, retryAfter: retryAfterS },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
