// PostgreSQL migrations and tooling connections, outside Next's bundler: no `server-only` here.
import path from 'node:path';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

export const PG_MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations-pg');

/** Any constant: the key of the advisory lock that serialises concurrent migrations of one database. */
const MIGRATION_LOCK_KEY = 0x706f7274; // "port"

/** Applies every pending drizzle-kit migration of db/migrations-pg (idempotent; concurrent callers wait). */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Notices such as "schema drizzle already exists, skipping" are not worth printing.
    client.on('notice', () => {});
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** The number of accounts (server.ts creates the demo data into an empty database). */
export async function countAccounts(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM accounts');
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Runs one read-only query on a connection of its own (server.ts's start-up checks). */
export async function queryPostgres<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}
