// Not marked `server-only`: server.ts answers /readyz itself, before Next's request handling. Both engines'
// readiness lives here, in db/, with the other engine branches; server.ts asks readinessFor(target).
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import type { DatabaseTarget } from './engine';
import { MIGRATIONS_FOLDER } from './migrate';
import { PG_MIGRATIONS_FOLDER } from './migrate-pg';

export type Readiness = { ready: true } | { ready: false; reason: 'shutting_down' | 'database_unavailable' | 'migrations_pending' | 'prototype_changed' | 'machine_process_unavailable' };

export interface ReadinessCheck {
  /** Whether this process should receive traffic now. */
  check(): Readiness | Promise<Readiness>;
  /** From now on every check answers "shutting down" (SIGTERM). */
  beginShutdown(): void;
  close(): void;
}

/**
 * /readyz (spec §17): ready while the database answers and has every migration this build ships, and not
 * from the moment shutdown begins. It reads through its own read-only connection, so that a load balancer's
 * polling never queues behind the app's writes and a broken app connection cannot hide a healthy file (or
 * the reverse: the file gone or unreadable answers 503).
 */
export function readinessCheck(databaseFile: string, migrationsFolder: string): ReadinessCheck {
  // drizzle's migrator applies every migration newer than the newest row of __drizzle_migrations.
  const newest = Math.max(0, ...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  let connection: Database.Database | null = null;
  let shuttingDown = false;
  const close = () => {
    connection?.close();
    connection = null;
  };
  return {
    check(): Readiness {
      if (shuttingDown) return { ready: false, reason: 'shutting_down' };
      let applied: number;
      try {
        connection ??= new Database(databaseFile, { readonly: true, fileMustExist: true });
        // eslint-disable-next-line no-restricted-syntax -- better-sqlite3's own .get(): readiness reads the SQLite file itself, read-only.
        const row = connection.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as { at: number | null } | undefined;
        applied = Number(row?.at ?? 0);
      } catch {
        close();
        return { ready: false, reason: 'database_unavailable' };
      }
      return applied >= newest ? { ready: true } : { ready: false, reason: 'migrations_pending' };
    },
    beginShutdown() {
      shuttingDown = true;
    },
    close,
  };
}

/** How long /readyz waits for PostgreSQL before answering "database unavailable". */
const PG_READY_TIMEOUT_MS = 2_000;

/**
 * /readyz on PostgreSQL: the same contract as readinessCheck, through one connection of its own (not the
 * app's pool, so that polling never waits behind busy sign-ins), with a statement timeout: a database that
 * does not answer within 2 s is unavailable. Migrations are current when drizzle's journal on the server
 * has the newest migration this build ships.
 */
export function readinessCheckPg(url: string, migrationsFolder: string): ReadinessCheck {
  const newest = Math.max(0, ...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  let connection: Promise<pg.Client> | null = null;
  let shuttingDown = false;
  const close = () => {
    const current = connection;
    connection = null;
    void current?.then((c) => c.end()).catch(() => undefined);
  };
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_READY_TIMEOUT_MS, statement_timeout: PG_READY_TIMEOUT_MS, query_timeout: PG_READY_TIMEOUT_MS });
    client.on('error', () => close());
    await client.connect();
    return client;
  };
  return {
    async check(): Promise<Readiness> {
      if (shuttingDown) return { ready: false, reason: 'shutting_down' };
      let applied: number;
      try {
        connection ??= connect();
        const client = await connection;
        const { rows } = await client.query<{ at: string | number | null }>('SELECT max(created_at) AS at FROM drizzle.__drizzle_migrations');
        applied = Number(rows[0]?.at ?? 0);
      } catch {
        close();
        return { ready: false, reason: 'database_unavailable' };
      }
      if (shuttingDown) return { ready: false, reason: 'shutting_down' };
      return applied >= newest ? { ready: true } : { ready: false, reason: 'migrations_pending' };
    },
    beginShutdown() {
      shuttingDown = true;
    },
    close,
  };
}

/** /readyz's database check for the target's engine, against the migrations this build ships for it. */
export function readinessFor(target: DatabaseTarget): ReadinessCheck {
  return target.kind === 'sqlite' ? readinessCheck(target.file, MIGRATIONS_FOLDER) : readinessCheckPg(target.url, PG_MIGRATIONS_FOLDER);
}
