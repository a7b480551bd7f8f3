// PostgreSQL behind the same asynchronous handle as SQLite (db/connection.ts): drizzle's node-postgres driver
// on a pg.Pool. Outside Next's bundler too (server.ts closes it): no `server-only` here.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db, Engine, PreparableWrite } from './connection';
import * as schema from './schema';

// bigint (timestamps in milliseconds, count(*)) and numeric (sum()) as JavaScript numbers, as SQLite returns
// them: every such value here is far below 2^53. drizzle's node-postgres driver falls back to pg's global
// parsers for these types, so this is process-wide (only Portcullis' own pools run in the process).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Pool size per instance (PG_POOL_MAX overrides): a few connections keep up with bcrypt-bound sign-ins. */
const DEFAULT_POOL_MAX = 10;

type PgDb = ReturnType<typeof drizzle<typeof schema>>;

/**
 * PostgreSQL at `url`. The app queries it with the tables of db/schema.ts, whose columns bind and read the
 * very representations db/schema.pg.ts declares (bigint milliseconds, 0/1 integers, JSON text), so domain
 * code has one set of types; the handle is returned as `Db`, the one cast between engines.
 *
 * Transactions are the pool's (`BEGIN` on a connection of their own); the open transaction lives in an
 * AsyncLocalStorage so that a nested `transaction` is a savepoint on it and `getDb()` inside a transaction
 * body returns it. A statement on the pool inside a transaction would run on another connection, outside it,
 * and could wait forever for the transaction's own row locks: the handle given out as `db` therefore
 * forwards every call made inside a transaction's async context to that transaction.
 */
export function openPgEngine(url: string, options: { max?: number } = {}): Engine {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? (Number(process.env.PG_POOL_MAX) || DEFAULT_POOL_MAX),
    // A broken connection is reported by the next query; an idle one dropping is not worth a crash.
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    // An idle client's error (the server restarted): the pool discards it and connects anew on demand.
  });
  const base: PgDb = drizzle({ client: pool, schema });
  const context = new AsyncLocalStorage<PgDb>();

  // The handle code keeps (getDb() outside a transaction, module-level captures): its calls go to the open
  // transaction of the caller's async context, if any.
  const db = new Proxy(base, {
    get(target, property) {
      const tx = context.getStore() ?? target;
      const value = Reflect.get(tx, property, tx) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(tx) : value;
    },
  }) as unknown as Db;

  async function transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const current = context.getStore();
    // Nested: a savepoint of the open transaction (drizzle's tx.transaction), so a failing part is undone alone.
    const runner = current ?? base;
    return runner.transaction((tx) => context.run(tx as unknown as PgDb, () => fn(tx as unknown as Db)));
  }

  const enterTransaction = () => {
    const tx = context.getStore();
    return <T>(fn: () => T): T => (tx === undefined ? fn() : context.run(tx, fn));
  };

  // One statement: `WITH w0 AS (write 0), w1 AS (write 1), … last write`. PostgreSQL runs every data-modifying
  // WITH exactly once, to completion, in the statement's own snapshot and transaction: all or nothing, with
  // nothing to wait for between them. (The writes must not touch the same row twice: they cannot see each
  // other's changes. getSQL(): drizzle would put an embedded builder in parentheses, which WITH does not take.)
  const prepareWrites = (on: Db, name: string, writes: PreparableWrite[]) => {
    const last = writes[writes.length - 1];
    if (last === undefined) throw new Error('prepareWrites: no statement');
    const withs = writes.slice(0, -1).map((write, i) => sql`${sql.raw(`w${i}`)} AS (${write.getSQL()})`);
    const statement = withs.length === 0 ? last.getSQL() : sql`WITH ${sql.join(withs, sql`, `)} ${last.getSQL()}`;
    // drizzle's own path for a named prepared statement (what `.prepare(name)` of a builder does), on the
    // handle given: the pool outside a transaction, the transaction's connection inside one.
    const handle = on as unknown as PgDb & {
      dialect: { sqlToQuery(query: typeof statement): { sql: string; params: unknown[] } };
      session: { prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): { execute(params: Record<string, unknown>): Promise<unknown> } };
    };
    const prepared = handle.session.prepareQuery(handle.dialect.sqlToQuery(statement), undefined, name, false);
    return async (params: Record<string, unknown>) => void (await prepared.execute(params));
  };

  /*
   * As drizzle prepares it. A run through pg's callback API instead (fewer promises) was built and measured:
   * no difference in server CPU per warm login (0.66-0.71 ms either way, 2026-12-07), so not worth depending
   * on drizzle's internals; the statement's name is what saves PostgreSQL's work.
   */
  const fastPrepared = <Q>(prepared: Q): Q => prepared;

  let closed: Promise<void> | null = null;
  return {
    kind: 'postgres',
    db,
    current: () => (context.getStore() as unknown as Db | undefined) ?? db,
    transaction,
    enterTransaction,
    prepareWrites,
    fastPrepared,
    close: () => {
      closed ??= pool.end().catch(() => {});
      return closed;
    },
  };
}
