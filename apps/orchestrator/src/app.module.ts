import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { AnalysesModule } from './analyses/analyses.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { ConfigModule } from './config/config.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { HealthController } from './health/health.controller';
import { LineageModule } from './lineage/lineage.module';
import { PoolsModule } from './pools/pools.module';
import { SuitesModule } from './suites/suites.module';
import { TemporalModule } from './temporal/temporal.module';

@Module({
  imports: [
    ConfigModule,
    LineageModule,
    TemporalModule,
    PoolsModule,
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true, // code-first: the schema is generated from the decorated classes
      sortSchema: true,
      playground: false,
    }),
    // Before SuitesModule: its `suites/:id/:action` route would otherwise catch `suites/:id/evaluate`
    // and `suites/:id/analyses`.
    EvaluationsModule,
    AnalysesModule,
    SuitesModule,
    AuthModule,
    AuditModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
