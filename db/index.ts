import 'server-only';
import { AsyncResource } from 'node:async_hooks';
import { env } from '@/lib/env';
import { migrateDatabase, openDatabase, sharedDatabase, type Db } from './migrate';

// One connection per process, shared by every route bundle and the proxy: better-sqlite3 is synchronous,
// so sharing it is safe and fastest. Opened lazily so that `next build` never touches the database.
function open(): Db {
  const { db } = openDatabase(env().DATABASE_PATH);
  // server.ts migrates before serving; this covers `next dev` and any other entry point.
  migrateDatabase(db);
  return db;
}

/** The process-wide database handle (migrations applied). */
export function getDb(): Db {
  return sharedDatabase(open);
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

interface PendingWrite {
  work: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}
const pendingWrites: PendingWrite[] = [];
const GROUP_COMMIT_WAIT_MS = 5;
const GROUP_COMMIT_MAX = 200;
let flushScheduled = false;

// Prepared once per connection: the batch transaction and each write's savepoint (building a better-sqlite3
// transaction function per write cost more than the writes themselves).
const batchStatements = preparedOnce((db) => {
  const sqlite = db.$client;
  const savepoint = sqlite.prepare('SAVEPOINT group_commit_item');
  const release = sqlite.prepare('RELEASE group_commit_item');
  const rollback = sqlite.prepare('ROLLBACK TO group_commit_item');
  const run = sqlite.transaction((batch: PendingWrite[], errors: Map<PendingWrite, unknown>) => {
    for (const item of batch) {
      // A savepoint per write: one failing write is undone alone.
      savepoint.run();
      try {
        item.work();
        release.run();
      } catch (error) {
        rollback.run();
        release.run();
        errors.set(item, error);
      }
    }
  });
  return { run };
});

function flushWrites(): void {
  if (pendingWrites.length === 0) return;
  flushScheduled = false;
  const batch = pendingWrites.splice(0);
  const errors = new Map<PendingWrite, unknown>();
  try {
    batchStatements().run(batch, errors);
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
 * Runs `work` (synchronous database writes that belong together) in a transaction shared with every other
 * `groupCommit` of the next couple of milliseconds, and resolves once that transaction has committed. Each
 * commit writes every changed page to the WAL, so committing a few logins together costs little more than
 * committing one (docs/performance.md). Callers await it before answering: nothing is reported done
 * before it is durable. Each `work` is its own savepoint, so one failing does not undo the others.
 */
export function groupCommit(work: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Bound to the caller's async context: what `work` logs (audit's security events) names the caller's
    // request, not the request whose timer runs the batch.
    // (runInAsyncScope: AsyncResource.bind builds a deprecation getter per call, which cost more than the write.)
    const caller = new AsyncResource('portcullis.groupCommit');
    pendingWrites.push({ work: () => caller.runInAsyncScope(work), resolve, reject });
    if (!flushScheduled) {
      flushScheduled = true;
      // A couple of milliseconds gathers the logins that arrive meanwhile (each on its own connection, so
      // rarely in one event-loop turn); nginx and the web form do not notice the wait.
      setTimeout(flushWrites, GROUP_COMMIT_WAIT_MS);
    } else if (pendingWrites.length >= GROUP_COMMIT_MAX) {
      flushWrites();
    }
  });
}
