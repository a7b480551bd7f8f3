import 'server-only';
import { AsyncResource } from 'node:async_hooks';
import { sql, type SQL } from 'drizzle-orm';
import { env } from '@/lib/env';
import { migrateDatabase, openDatabase } from './migrate';
import { sharedEngine, type Db, type Engine, type PreparableWrite } from './connection';
import { databaseTarget, openEngine } from './engine';

// One engine per process, shared by every route bundle and the proxy. Opened lazily so that `next build`
// never touches the database.
function open(): Engine {
  const target = databaseTarget(env());
  if (target.kind === 'sqlite') {
    // server.ts migrates before serving; this covers `next dev` and any other entry point. On PostgreSQL the
    // migration is asynchronous: server.ts, the CLI and the test setup apply it before the first use.
    const { db, sqlite } = openDatabase(target.file);
    migrateDatabase(db);
    sqlite.close();
  }
  return openEngine(target);
}

function engine(): Engine {
  return sharedEngine(open);
}

/** The process-wide database handle (migrations applied). Every query on it is awaited. */
export function getDb(): Db {
  const e = engine();
  // SQLite: always the one handle (its transactions are told apart by their async context). PostgreSQL: the
  // open transaction of the caller's async context, if any, so that what runs inside it takes part.
  return e.kind === 'sqlite' ? e.db : e.current();
}

export type { Db };
/** A transaction's handle: the same shape as Db (pass it on to whatever must take part in the transaction). */
export type Tx = Db;

/**
 * Runs `fn` in one transaction and returns its result; a throw rolls everything back. Nested calls are
 * savepoints. Never wait inside `fn` for something that needs the database outside it (a groupCommit, another
 * request): on SQLite every statement outside waits for the transaction to end. Keep bcrypt and other slow
 * work out of it for the same reason.
 */
export function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return engine().transaction(fn);
}

/**
 * Prepares a hot statement under a name. PostgreSQL parses and plans a named statement once per pooled
 * connection, where drizzle's unnamed `.prepare()` is parsed and planned again at every run (4× the time
 * of the gate's lookup, measured). SQLite ignores the name: its statements are cached by their text.
 * Names must be unique per SQL text. On SQLite, `execute` then runs the statement at once (Engine.fastPrepared).
 */
export function prepareAs<P>(name: string, builder: { prepare(): P }): P {
  return engine().fastPrepared((builder.prepare as (this: typeof builder, name?: string) => P).call(builder, name));
}

/**
 * Statements that run on every request or sign-in, built once per connection: they skip drizzle's query
 * building (and, on SQLite, the engine caches the compiled statement by its text). Run them with
 * `.execute(values)`, which returns the rows on every engine.
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

/** Writes prepared as one unit by preparedWrites. */
export interface PreparedWrites<P> {
  /** Commits the writes (resolved once they are durable), as `groupCommit` would; never inside `transaction`. */
  commit(params: P): Promise<void>;
}

/**
 * Hot writes that belong together and need nothing from each other (a login's last_login and its audit row),
 * prepared once under a name and committed atomically. SQLite: each statement prepared, all of them run in
 * the group commit (one transaction for the logins of a few milliseconds). PostgreSQL: ONE statement (every
 * write but the last a data-modifying WITH: db/connection-pg.ts), sent on whichever pooled connection is free
 * and committed alone: one round trip, where a transaction of its own costs BEGIN, a round trip per statement
 * and COMMIT on one connection. The writes see the database as it was before all of them (PostgreSQL's
 * rule), so none may depend on another's effect or touch the same row. `build` uses distinct placeholder
 * names for distinct values: all writes take their values from the one `params` object.
 */
export function preparedWrites<P extends Record<string, unknown>>(name: string, build: (db: Db) => PreparableWrite[]): () => PreparedWrites<P> {
  return preparedOnce((db) => {
    const e = engine();
    const run = e.prepareWrites(db, name, build(db));
    return { commit: e.kind === 'postgres' ? run : (params: P) => groupCommit(() => run(params)) };
  });
}

interface PendingWrite {
  work: (tx: Tx) => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}
const pendingWrites: PendingWrite[] = [];
const GROUP_COMMIT_WAIT_MS = 5;
const GROUP_COMMIT_MAX = 200;
let flushScheduled = false;

async function flushWrites(): Promise<void> {
  if (pendingWrites.length === 0) return;
  flushScheduled = false;
  const batch = pendingWrites.splice(0);
  const errors = new Map<PendingWrite, unknown>();
  try {
    await transaction(async (tx) => {
      for (const item of batch) {
        // A nested transaction is a savepoint: one failing write is undone alone.
        try {
          await transaction(() => item.work(tx));
        } catch (error) {
          errors.set(item, error);
        }
      }
    });
  } catch (error) {
    for (const item of batch) item.reject(error);
    return;
  }
  for (const item of batch) {
    if (errors.has(item)) item.reject(errors.get(item));
    else item.resolve();
  }
}

/**
 * Runs `work` (database writes that belong together) in a transaction shared with every other `groupCommit`
 * of the next couple of milliseconds, and resolves once that transaction has committed. Each commit writes
 * every changed page to the WAL, so committing a few logins together costs little more than committing one
 * (docs/performance.md). Callers await it before answering: nothing is reported done before it is durable.
 * Each `work` is its own savepoint, so one failing does not undo the others. Never call it inside
 * `transaction` (the flush would wait for that transaction to end).
 */
export function groupCommit(work: (tx: Tx) => Promise<void>): Promise<void> {
  // PostgreSQL: a transaction of its own per write, at once. The server batches concurrent commits itself,
  // and a shared transaction would make every login of the batch wait for the row lock one of them waits
  // for (say a mailbox a bulk change holds): other accounts' sign-ins must not (docs/database.md).
  if (engine().kind === 'postgres') return transaction(work);
  return new Promise((resolve, reject) => {
    // Bound to the caller's async context: what `work` logs (audit's security events) names the caller's
    // request, not the request whose timer runs the batch.
    // (runInAsyncScope: AsyncResource.bind builds a deprecation getter per call, which cost more than the write.)
    // The batch's savepoint for it is re-entered inside that context (enterTransaction), so its statements
    // still take part in the batch's transaction.
    const caller = new AsyncResource('portcullis.groupCommit');
    pendingWrites.push({
      work: (tx) => {
        const enter = engine().enterTransaction();
        return caller.runInAsyncScope(() => enter(() => work(tx)));
      },
      resolve,
      reject,
    });
    if (!flushScheduled) {
      flushScheduled = true;
      // A couple of milliseconds gathers the logins that arrive meanwhile (each on its own connection, so
      // rarely in one event-loop turn); nginx and the web form do not notice the wait.
      setTimeout(() => void flushWrites(), GROUP_COMMIT_WAIT_MS);
    } else if (pendingWrites.length >= GROUP_COMMIT_MAX) {
      void flushWrites();
    }
  });
}

/**
 * Inside a transaction: serialises it with every other transaction that locks one of `keys`, until it
 * ends. SQLite runs one write transaction at a time anyway (nothing to do); on PostgreSQL this takes a
 * transaction-scoped advisory lock per key (in sorted order, so two callers cannot deadlock), which makes a
 * count-then-insert atomic under READ COMMITTED without locking any table.
 */
export async function lockKeys(keys: readonly string[]): Promise<void> {
  const e = engine();
  if (e.kind === 'sqlite' || keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  const tx = e.current() as unknown as { execute(query: SQL): Promise<unknown> };
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${sql.param(sorted)}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`);
}

/** Which engine runs: for the few SQL fragments that differ between them (db/sql.ts), nothing else. */
export function engineKind(): Engine['kind'] {
  return engine().kind;
}
