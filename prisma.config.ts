// Prisma CLI configuration. The CLI runs offline: the JS query engine + the pg driver adapter mean
// no native engine is downloaded (see prisma/README.md and scripts/lib/prisma-env.sh).
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PrismaConfig } from 'prisma';

export default {
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
} satisfies PrismaConfig;
