// The app's asynchronous database handle, one per process. Used by db/index.ts and by server.ts (to close it
// at shutdown), outside Next's bundler: no `server-only` here.
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { DrizzleQueryError, fillPlaceholders, type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import { openDatabase } from './migrate';
import * as schema from './schema';

/**
 * The one shape of database handle the domain code sees, whatever engine runs: drizzle's asynchronous SQLite
 * handle. Only what both engines share is used above db/: awaited builders (no .get/.all/.run), `.returning()`
 * instead of row counts, `onConflictDoUpdate`, and db/'s own `transaction` and `groupCommit`.
 */
export type Db = ReturnType<typeof drizzle<typeof schema>>;

/** The running engine behind a Db: how its transactions run, and how it is closed. */
export interface Engine {
  kind: 'sqlite' | 'postgres';
  db: Db;
  /** The handle for the caller's async context: inside a transaction on PostgreSQL, that transaction. */
  current(): Db;
  /** Runs `fn` in one transaction (nested calls become savepoints); see openSqliteEngine for the locking. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Called inside a transaction's body: returns a function that runs `fn` as part of that transaction from
   * any async context (groupCommit runs each write in its caller's context, for what the write logs).
   */
  enterTransaction(): <T>(fn: () => T) => T;
  /**
   * Prepares write statements that need nothing from each other (db/index.ts preparedWrites) on `db` as one
   * unit; the function runs them with the placeholders' values. SQLite: each statement prepared, run one after
   * the other (the caller's transaction makes them atomic). PostgreSQL: ONE statement, every write but the last
   * a data-modifying WITH, named (parsed and planned once per pooled connection): atomic by itself, one round
   * trip.
   */
  prepareWrites(db: Db, name: string, writes: PreparableWrite[]): (params: Record<string, unknown>) => Promise<void>;
  /**
   * A statement prepared by drizzle (`.prepare()`), made cheaper to run where the engine can: on SQLite its
   * `execute` runs the statement at once and returns a settled promise (drizzle's own path is a chain of
   * about six promises per statement, each paying the async-context hooks); PostgreSQL returns it as is.
   */
  fastPrepared<Q>(prepared: Q): Q;
  /** Closes the connection (SQLite) or ends the pool (PostgreSQL, resolved once every client is closed). */
  close(): void | Promise<void>;
}

/** An INSERT, UPDATE or DELETE builder with placeholders (drizzle's, on the app's handle). */
export type PreparableWrite = SQLWrapper & { prepare(): { execute(params?: Record<string, unknown>): Promise<unknown> } };

interface TxToken {
  depth: number;
}

type Method = 'run' | 'all' | 'values' | 'get';

/** What db/ uses of a prepared statement of drizzle's sqlite-proxy driver (its SQL, and how it maps rows). */
interface ProxyPrepared {
  query: { sql: string; params: unknown[] };
  method: Method;
  mapAllResult(rows: unknown): unknown;
  mapGetResult(row: unknown): unknown;
  execute(values?: Record<string, unknown>): Promise<unknown>;
}

/**
 * SQLite behind the asynchronous handle. better-sqlite3 runs each statement synchronously on the process's
 * one connection, which is why it is fast; but an asynchronous transaction (BEGIN … await … COMMIT) spans
 * event-loop turns, and every other request's statements would run on the same connection inside it (rolled
 * back with it, or reading its uncommitted rows). So a transaction holds an async lock for its whole
 * duration, its statements carry its token (AsyncLocalStorage follows the awaits of its body), and every
 * statement without the token waits until no transaction is open. Outside transactions a statement costs one
 * map lookup (statements are prepared once per SQL text) and one check of the lock.
 */
export function openSqliteEngine(file: string): Engine {
  const { sqlite } = openDatabase(file);
  const statements = new Map<string, Database.Statement>();
  const statement = (text: string) => {
    let stmt = statements.get(text);
    if (stmt === undefined) {
      stmt = sqlite.prepare(text);
      // Every query text is a fixed shape (values are bound), so this map stays small; the guard is for
      // `inArray` lists, whose text varies with the number of values.
      if (statements.size > 2000) statements.clear();
      statements.set(text, stmt);
    }
    return stmt;
  };
  const context = new AsyncLocalStorage<TxToken>();
  let active: TxToken | null = null;
  let activeDone: Promise<void> = Promise.resolve();
  let tail: Promise<void> = Promise.resolve();

  const execute = (text: string, params: unknown[], method: Method): { rows: unknown } => {
    const stmt = statement(text);
    if (!stmt.reader) {
      stmt.run(...params);
      return { rows: method === 'get' ? undefined : [] };
    }
    // Rows as arrays: drizzle maps them to its selected fields (INSERT … RETURNING is a reader too).
    if (method === 'get') return { rows: stmt.raw(true).get(...params) };
    return { rows: stmt.raw(true).all(...params) };
  };

  /** A statement from this async context must wait: a transaction it is not part of is open. */
  const blocked = () => active !== null && context.getStore() !== active;

  /**
   * Runs a prepared statement now, synchronously, exactly as the driver callback below would (the caller has
   * checked `blocked()`), and maps the result as drizzle does: what `execute` resolves to, or a throw.
   */
  const runNow = (p: ProxyPrepared, values: Record<string, unknown>): unknown => {
    const params = fillPlaceholders(p.query.params, values);
    let result: { rows: unknown };
    try {
      result = execute(p.query.sql, params, p.method);
    } catch (error) {
      throw new DrizzleQueryError(p.query.sql, params, error as Error);
    }
    if (p.method === 'all') return p.mapAllResult(result.rows);
    if (p.method === 'get') return p.mapGetResult(result.rows);
    return p.method === 'values' ? result.rows : result;
  };

  const fastPrepared = <Q>(prepared: Q): Q => {
    const p = prepared as unknown as ProxyPrepared;
    const viaDriver = p.execute.bind(p);
    p.execute = (values = {}) => {
      // Behind an open transaction: drizzle's path, which waits for it.
      if (blocked()) return viaDriver(values);
      try {
        return Promise.resolve(runNow(p, values));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    return prepared;
  };

  const waitForNoTransaction = async () => {
    while (active !== null && context.getStore() !== active) await activeDone;
  };

  const db = drizzle<typeof schema>(
    async (text, params, method) => {
      if (blocked()) await waitForNoTransaction();
      return execute(text, params, method) as { rows: never[] };
    },
    { schema },
  );

  const acquire = (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => held);
    return previous.then(() => release);
  };

  async function transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const current = context.getStore();
    if (current !== undefined && current === active) {
      // Nested: a savepoint, so that a failing part is undone alone.
      const name = `sp${++current.depth}`;
      statement(`SAVEPOINT ${name}`).run();
      try {
        const result = await fn(db);
        statement(`RELEASE ${name}`).run();
        return result;
      } catch (error) {
        statement(`ROLLBACK TO ${name}`).run();
        statement(`RELEASE ${name}`).run();
        throw error;
      } finally {
        current.depth--;
      }
    }
    const release = await acquire();
    const token: TxToken = { depth: 0 };
    let done!: () => void;
    activeDone = new Promise<void>((resolve) => (done = resolve));
    active = token;
    try {
      return await context.run(token, async () => {
        // IMMEDIATE: other processes on the file (the CLI) wait for us rather than fail halfway.
        statement('BEGIN IMMEDIATE').run();
        try {
          const result = await fn(db);
          statement('COMMIT').run();
          return result;
        } catch (error) {
          if (sqlite.inTransaction) statement('ROLLBACK').run();
          throw error;
        }
      });
    } finally {
      active = null;
      done();
      release();
    }
  }

  const enterTransaction = () => {
    const token = context.getStore();
    return <T>(fn: () => T): T => (token === undefined ? fn() : context.run(token, fn));
  };

  const prepareWrites = (_db: Db, _name: string, writes: PreparableWrite[]) => {
    const statements = writes.map((write) => fastPrepared(write.prepare()) as unknown as ProxyPrepared);
    return (params: Record<string, unknown>): Promise<void> => {
      if (blocked()) {
        return (async () => {
          for (const statement of statements) await statement.execute(params);
        })();
      }
      // All of them at once, in this turn (the caller's transaction makes them atomic).
      try {
        for (const statement of statements) runNow(statement, params);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
  };

  return { kind: 'sqlite', db, current: () => db, transaction, enterTransaction, prepareWrites, fastPrepared, close: () => { sqlite.close(); } };
}

// The process's one engine (db/index.ts opens it on first use). Kept here, outside `server-only`, so that
// server.ts can close it cleanly at shutdown.
const holder = globalThis as unknown as { portcullisEngine?: Engine };

/** The process-wide engine, opened (and migrated) by `open` on first use. */
export function sharedEngine(open: () => Engine): Engine {
  return (holder.portcullisEngine ??= open());
}

/** Closes the process-wide engine, if it was opened (SIGTERM); a later use would open a new one. */
export async function closeSharedEngine(): Promise<void> {
  const engine = holder.portcullisEngine;
  holder.portcullisEngine = undefined;
  await engine?.close();
}
