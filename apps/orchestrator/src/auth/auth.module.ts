import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { TokenService } from './token.service';
import { TokensController } from './tokens.controller';

/** Bearer tokens and roles: the guard in front of every route and resolver, and the token routes. */
@Module({
  imports: [DiscoveryModule],
  controllers: [TokensController],
  providers: [TokenService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
