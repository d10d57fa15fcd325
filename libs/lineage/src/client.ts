import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

export type LineageClient = PrismaClient;

/**
 * A Prisma client over the pg driver adapter: the query compiler is WebAssembly, so no native
 * Prisma engine is needed at run time (nothing to download). Short connection timeouts so that a
 * database outage surfaces as a prompt error instead of a hang.
 */
export function createLineageClient(databaseUrl: string): LineageClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    connectionTimeoutMillis: 3_000,
    max: 5,
  });
  return new PrismaClient({ adapter });
}
