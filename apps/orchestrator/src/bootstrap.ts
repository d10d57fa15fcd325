import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';

/** Creates the orchestrator app: REST + OpenAPI (/docs, /docs-json), GraphQL (/graphql). */
export async function createApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks();
  // Any JSON value reaches validation, so a body that is not an object gets the same field-path
  // answer as any other bad spec, rather than a bare parser error.
  app.useBodyParser('json', { strict: false });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cohort orchestrator')
      .setDescription('Suites of GPT-NeoX models trained on one data order, with lineage')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API token (cohort token create); every route but /health needs one' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
