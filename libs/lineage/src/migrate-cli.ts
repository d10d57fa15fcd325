#!/usr/bin/env node
// `node libs/lineage/dist/src/migrate-cli.js [databaseUrl...]`: apply migrations to each database.
import { loadMigrations, migrate } from './migrate';
import { migrationsDir } from './paths';

async function main(): Promise<void> {
  const urls = process.argv.slice(2);
  if (urls.length === 0 && process.env.DATABASE_URL) urls.push(process.env.DATABASE_URL);
  if (urls.length === 0) throw new Error('no database: pass a URL or set DATABASE_URL');
  const migrations = loadMigrations(migrationsDir);
  for (const url of urls) {
    const { applied, alreadyApplied } = await migrate(url, migrations);
    const where = new URL(url).pathname.slice(1);
    console.error(
      `[cohort] migrations on ${where}: ${applied.length} applied` +
        (applied.length ? ` (${applied.join(', ')})` : '') +
        `, ${alreadyApplied.length} already applied`,
    );
  }
}

main().catch((err: Error) => {
  console.error(`[cohort] migration error: ${err.message}`);
  process.exit(1);
});
