import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { TokenService } from './token.service';
import { TokensController } from './tokens.controller';
import { MutationRateLimiter } from '../bounds/mutation-rate-limiter';

/** Bearer tokens and roles: the guard in front of every route and resolver (pacing mutations too), and the token routes. */
@Module({
  imports: [DiscoveryModule],
  controllers: [TokensController],
  providers: [TokenService, MutationRateLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
