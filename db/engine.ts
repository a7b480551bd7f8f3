// The one place that decides the database engine (docs/database.md): DATABASE_URL=postgres://… selects
// PostgreSQL, anything else SQLite at DATABASE_PATH. Used by db/index.ts, server.ts, the CLI and the test
// setup, outside Next's bundler too: no `server-only` here.
import { env } from '../lib/env';
import { openSqliteEngine, type Engine } from './connection';
import { openPgEngine } from './connection-pg';
import { migrateDatabase, openDatabase, querySqliteFile } from './migrate';
import { countAccounts as countAccountsPg, migratePostgres, queryPostgres } from './migrate-pg';

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

/**
 * Migrates PostgreSQL before a command uses it; SQLite needs nothing here, it migrates when db/index.ts
 * first opens the file (the CLI's commands, through lib/ops/database.ts).
 */
export async function migrateBeforeUse(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'postgres') await migrateTarget(target);
}

/** The number of accounts, on a connection of its own (server.ts creates the demo data into an empty database). */
export async function countAccounts(target: DatabaseTarget): Promise<number> {
  if (target.kind === 'postgres') return countAccountsPg(target.url);
  return Number(querySqliteFile<{ n: number }>(target.file, 'SELECT count(*) AS n FROM accounts')[0]!.n);
}

/** An admin whose address is also a mailbox's: a state the rules before spec §23 let in. */
export interface AddressCollision {
  email: string;
  adminAccount: string;
  mailboxAccount: string;
}

const COLLISIONS_SQL = `SELECT a.email AS email, aa.name AS admin_account, ma.name AS mailbox_account
  FROM admins a
  JOIN mailboxes m ON m.email = a.email
  JOIN accounts aa ON aa.id = a.account_id
  JOIN accounts ma ON ma.id = m.account_id
  ORDER BY a.email`;

/**
 * Every admin address that is also a mailbox address (any accounts). server.ts refuses to start while
 * there is one: the API's `auth` and the sign-in pages would take that address down the admin path, so the
 * mailbox's owner could not sign in to the API and their failed attempts would land in the admin's account.
 */
export async function addressCollisions(target: DatabaseTarget): Promise<AddressCollision[]> {
  type Row = { email: string; admin_account: string; mailbox_account: string };
  const rows = target.kind === 'sqlite' ? querySqliteFile<Row>(target.file, COLLISIONS_SQL) : await queryPostgres<Row>(target.url, COLLISIONS_SQL);
  return rows.map((r) => ({ email: r.email, adminAccount: r.admin_account, mailboxAccount: r.mailbox_account }));
}
