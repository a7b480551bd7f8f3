// Used by server.ts, the CLI and the test setup, outside Next's bundler: no `server-only` here.
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { preparePrivateDatabase } from './private-files';
import * as schema from './schema';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/**
 * Opens the SQLite file with the settings every connection needs, with drizzle's synchronous handle: for
 * migrations and for test and bench tooling outside the app. The app's own handle is asynchronous
 * (db/connection.ts).
 */
export function openDatabase(file: string) {
  // The folder 0700, the file 0600, before SQLite creates or writes anything (spec §23; db/private-files.ts).
  preparePrivateDatabase(file);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // Web requests, the CLI and the test fixtures write concurrently; wait instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return { sqlite, db: drizzle(sqlite, { schema }) };
}

export type SyncDb = ReturnType<typeof openDatabase>['db'];
/** @deprecated the tooling's synchronous handle; the app's is `Db` in db/connection.ts. */
export type Db = SyncDb;

/** Applies every pending drizzle-kit migration (idempotent). */
export function migrateDatabase(db: SyncDb): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** Runs one read-only query on a connection of its own (server.ts's start-up checks). */
export function querySqliteFile<T>(file: string, text: string): T[] {
  const { sqlite } = openDatabase(file);
  try {
    return sqlite.prepare(text).all() as T[];
  } finally {
    sqlite.close();
  }
}
