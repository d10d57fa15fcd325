export { createLineageClient, type LineageClient } from './client';
export { loadMigrations, migrate, type Migration, type MigrationResult } from './migrate';
export { migrationsDir, repoRoot } from './paths';
export * from './suites';
export * from './runs';
export * from './evaluations';
export * from './analyses';
export * from './graph';
