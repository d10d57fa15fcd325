import { join } from 'node:path';

/** The repository root (libs/lineage/dist/src → four levels up). */
export const repoRoot = join(__dirname, '..', '..', '..', '..');
export const migrationsDir = join(repoRoot, 'prisma', 'migrations');
