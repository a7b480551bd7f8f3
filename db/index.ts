import 'server-only';
import { env } from '@/lib/env';
import { migrateDatabase, openDatabase, type Db } from './migrate';

// One connection per process, shared by every route bundle and the proxy: better-sqlite3 is synchronous,
// so sharing it is safe and fastest. Opened lazily so that `next build` never touches the database.
const globalForDb = globalThis as unknown as { portcullisDb?: Db };

/** The process-wide database handle (migrations applied). */
export function getDb(): Db {
  if (!globalForDb.portcullisDb) {
    const { db } = openDatabase(env().DATABASE_PATH);
    // server.ts migrates before serving; this covers `next dev` and any other entry point.
    migrateDatabase(db);
    globalForDb.portcullisDb = db;
  }
  return globalForDb.portcullisDb;
}

export type { Db };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Statements that run on every request or sign-in, prepared once per connection: they skip drizzle's
 * query building and SQLite's compilation. better-sqlite3 has one connection per process, so a prepared
 * statement also takes part in any transaction open on it.
 */
export function preparedOnce<T>(build: (db: Db) => T): () => T {
  const byConnection = new WeakMap<Db, T>();
  return () => {
    const db = getDb();
    let statements = byConnection.get(db);
    if (statements === undefined) byConnection.set(db, (statements = build(db)));
    return statements;
  };
}
