// Used by server.ts, the CLI and the test setup, outside Next's bundler: no `server-only` here.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/** Opens the SQLite file with the settings every connection needs. */
export function openDatabase(file: string) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // Web requests, the CLI and the test fixtures write concurrently; wait instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return { sqlite, db: drizzle(sqlite, { schema }) };
}

export type Db = ReturnType<typeof openDatabase>['db'];

/** Applies every pending drizzle-kit migration (idempotent). */
export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

// The process's one app connection (db/index.ts opens it on first use). Kept here, outside `server-only`,
// so that server.ts can close it cleanly at shutdown.
const holder = globalThis as unknown as { portcullisDb?: Db };

/** The process-wide connection, opened (and migrated) by `open` on first use. */
export function sharedDatabase(open: () => Db): Db {
  return (holder.portcullisDb ??= open());
}

/** Closes the process-wide connection, if it was opened (SIGTERM); a later use would open a new one. */
export function closeSharedDatabase(): void {
  const db = holder.portcullisDb;
  holder.portcullisDb = undefined;
  db?.$client.close();
}
