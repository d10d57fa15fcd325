import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { AnalysesModule } from './analyses/analyses.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { ConfigModule } from './config/config.module';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { queryBoundsRule } from './bounds/query-bounds.rule';
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
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ApolloDriverConfig => ({
        autoSchemaFile: true, // code-first: the schema is generated from the decorated classes
        sortSchema: true,
        playground: false,
        // Errors name what was wrong; a stack trace would show the server's insides.
        includeStacktraceInErrorResponses: false,
        validationRules: [queryBoundsRule({ maxDepth: config.COHORT_GRAPHQL_MAX_DEPTH, maxComplexity: config.COHORT_GRAPHQL_MAX_COMPLEXITY })],
      }),
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
