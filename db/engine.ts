// The one place that decides the database engine (docs/database.md): DATABASE_URL=postgres://… selects
// PostgreSQL, anything else SQLite at DATABASE_PATH. Used by db/index.ts, server.ts, the CLI and the test
// setup, outside Next's bundler too: no `server-only` here.
import { env } from '../lib/env';
import { openSqliteEngine, type Engine } from './connection';
import { openPgEngine } from './connection-pg';
import { migrateDatabase, openDatabase } from './migrate';
import { migratePostgres } from './migrate-pg';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Whether `url` names a PostgreSQL database (the only kind of DATABASE_URL Portcullis accepts). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/** The database this process runs on, from the environment. */
export function databaseTarget(config: { DATABASE_URL?: string; DATABASE_PATH: string } = env()): DatabaseTarget {
  return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'sqlite', file: config.DATABASE_PATH };
}

/** Opens the app's asynchronous engine on `target` (it does not migrate: see migrateTarget). */
export function openEngine(target: DatabaseTarget): Engine {
  if (target.kind === 'sqlite') return openSqliteEngine(target.file);
  return openPgEngine(target.url);
}

/**
 * Applies every pending migration of the target's engine (drizzle-kit's, from db/migrations or
 * db/migrations-pg). On PostgreSQL it holds an advisory lock meanwhile, so instances starting together
 * migrate one after the other instead of racing on the same CREATE TABLE.
 */
export async function migrateTarget(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') {
    const { db, sqlite } = openDatabase(target.file);
    try {
      migrateDatabase(db);
    } finally {
      sqlite.close();
    }
    return;
  }
  await migratePostgres(target.url);
}
