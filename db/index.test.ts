import { AsyncLocalStorage } from 'node:async_hooks';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { accounts } from './schema';
import { DrizzleQueryError } from 'drizzle-orm';
import { engineKind, getDb, groupCommit, prepareAs, preparedOnce, preparedWrites, transaction } from '.';
import { openPgEngine } from './connection-pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = async () => (await getDb().select({ name: accounts.name }).from(accounts)).map((r) => r.name);

describe(`db transaction (${process.env.DATABASE_URL ? 'PostgreSQL pool' : 'one SQLite connection shared by every request'})`, () => {
  it('a write outside a transaction that is rolled back survives, and never sees its uncommitted rows', async () => {
    let seenInside: string[] | null = null;
    const failing = transaction(async (tx) => {
      await tx.insert(accounts).values({ name: 'inside-rolled-back' });
      // Other requests run meanwhile (real I/O, several event-loop turns).
      await sleep(30);
      throw new Error('undo');
    });
    // Started while the transaction is open: it must neither run inside it nor read its rows.
    await sleep(5);
    const outsideWrite = getDb().insert(accounts).values({ name: 'outside-concurrent' }).returning({ id: accounts.id });
    const outsideRead = names().then((seen) => (seenInside = seen));
    await expect(failing).rejects.toThrow('undo');
    const [written] = await outsideWrite;
    await outsideRead;
    expect(written?.id).toBeGreaterThan(0);
    expect(seenInside).not.toContain('inside-rolled-back');
    const after = await names();
    expect(after).toContain('outside-concurrent');
    expect(after).not.toContain('inside-rolled-back');
  });

  // SQLite only: its transactions share the one connection. PostgreSQL's run concurrently, each on its own.
  // SQLite only (registered only there): PostgreSQL transactions run concurrently on their own connections.
  if (!process.env.DATABASE_URL) it('runs concurrent transactions one after the other, each seeing its own writes', async () => {
    const order: string[] = [];
    await Promise.all(
      ['t-a', 't-b', 't-c'].map((name) =>
        transaction(async (tx) => {
          order.push(`${name} begin`);
          await tx.insert(accounts).values({ name });
          await sleep(5);
          const [row] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, name));
          expect(row).toBeDefined();
          order.push(`${name} end`);
        }),
      ),
    );
    expect(order).toEqual(['t-a begin', 't-a end', 't-b begin', 't-b end', 't-c begin', 't-c end']);
  });

  it('runs on the engine DATABASE_URL selects', () => {
    expect(engineKind()).toBe(process.env.DATABASE_URL ? 'postgres' : 'sqlite');
  });

  it('getDb() inside a transaction body, and a handle taken before it, take part in the transaction', async () => {
    const captured = getDb();
    await expect(
      transaction(async () => {
        await captured.insert(accounts).values({ name: 'captured-undone' });
        await getDb().insert(accounts).values({ name: 'getdb-undone' });
        // Each sees the other's uncommitted row: one transaction (on PostgreSQL, one connection).
        expect(await names()).toEqual(expect.arrayContaining(['captured-undone', 'getdb-undone']));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    const after = await names();
    expect(after).not.toContain('captured-undone');
    expect(after).not.toContain('getdb-undone');
  });

  it('a nested transaction is a savepoint: its failure is undone alone', async () => {
    await transaction(async (tx) => {
      await tx.insert(accounts).values({ name: 'outer-kept' });
      await expect(
        transaction(async (inner) => {
          await inner.insert(accounts).values({ name: 'inner-undone' });
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
    });
    const after = await names();
    expect(after).toContain('outer-kept');
    expect(after).not.toContain('inner-undone');
  });

  it('groupCommit: each write is its own savepoint, one failing does not undo the others', async () => {
    const results = await Promise.allSettled([
      groupCommit(async (tx) => void (await tx.insert(accounts).values({ name: 'group-1' }))),
      groupCommit(async (tx) => {
        await tx.insert(accounts).values({ name: 'group-2-undone' });
        throw new Error('one fails');
      }),
      groupCommit(async (tx) => void (await tx.insert(accounts).values({ name: 'group-3' }))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const after = await names();
    expect(after).toEqual(expect.arrayContaining(['group-1', 'group-3']));
    expect(after).not.toContain('group-2-undone');
  });

  it('groupCommit runs each write in its caller’s async context (what it logs names the caller’s request), inside the batch', async () => {
    const context = new AsyncLocalStorage<string>();
    const seen: string[] = [];
    await Promise.all(
      ['r1', 'r2', 'r3'].map((id) =>
        context.run(id, () =>
          groupCommit(async (tx) => {
            seen.push(`${id}:${context.getStore()}`);
            await tx.insert(accounts).values({ name: `context-${id}` });
            // Still the caller's context after an await, and still inside the batch's transaction.
            seen.push(`${id}:${context.getStore()}`);
          }),
        ),
      ),
    );
    // (On PostgreSQL the writes run concurrently, each in a transaction of its own: order them.)
    expect(seen.sort()).toEqual(['r1:r1', 'r1:r1', 'r2:r2', 'r2:r2', 'r3:r3', 'r3:r3']);
    expect(await names()).toEqual(expect.arrayContaining(['context-r1', 'context-r2', 'context-r3']));
  });
  // Two writes that need nothing from each other, as a login's last_login and audit row: an update of one row and an insert.
  const renameAndAdd = preparedWrites<{ id: number; version: number; name: string }>('test_renameAndAdd', (db) => [
    db.update(accounts).set({ netSetsVersion: sql`${sql.placeholder('version')}` }).where(eq(accounts.id, sql.placeholder('id'))),
    db.insert(accounts).values({ name: sql.placeholder('name') }),
  ]);
  const versionOf = async (id: number) => (await getDb().select({ v: accounts.netSetsVersion }).from(accounts).where(eq(accounts.id, id)))[0]!.v;

  it('preparedWrites: a unit commits all of its writes or none, and one unit failing does not hold up or undo the others', async () => {
    const ids = await Promise.all(['pw-1', 'pw-2', 'pw-3'].map(async (name) => (await getDb().insert(accounts).values({ name }).returning({ id: accounts.id }))[0]!.id));
    const results = await Promise.allSettled([
      renameAndAdd().commit({ id: ids[0]!, version: 7, name: 'pw-added-1' }),
      // The insert fails (the name exists): the update of the same unit must not stay.
      renameAndAdd().commit({ id: ids[1]!, version: 8, name: 'pw-1' }),
      renameAndAdd().commit({ id: ids[2]!, version: 9, name: 'pw-added-3' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([await versionOf(ids[0]!), await versionOf(ids[1]!), await versionOf(ids[2]!)]).toEqual([7, 0, 9]);
    expect(await names()).toEqual(expect.arrayContaining(['pw-added-1', 'pw-added-3']));
  });

  it('preparedWrites (PostgreSQL): one statement per commit, on a connection of its own, not held up by a transaction open elsewhere', async () => {
    if (engineKind() !== 'postgres') return;
    const [a, b] = await Promise.all(['pw-lock-a', 'pw-lock-b'].map(async (name) => (await getDb().insert(accounts).values({ name }).returning({ id: accounts.id }))[0]!.id));
    await renameAndAdd().commit({ id: a!, version: 1, name: 'pw-warm' }); // prepared on a connection
    const query = vi.spyOn(pg.Client.prototype, 'query');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Another request's transaction holds account a's row lock meanwhile.
    const other = transaction(async (tx) => {
      await tx.update(accounts).set({ netSetsVersion: 100 }).where(eq(accounts.id, a!));
      await held;
    });
    try {
      await sleep(20);
      query.mockClear();
      await renameAndAdd().commit({ id: b!, version: 5, name: 'pw-while-locked' });
      // BEGIN, the writes and COMMIT would be four: the unit is one statement.
      expect(query).toHaveBeenCalledTimes(1);
      expect(await versionOf(b!)).toBe(5);
    } finally {
      release();
      await other;
      query.mockRestore();
    }
  });
  // Hot statements (prepareAs): on SQLite run at once by the engine, on PostgreSQL as drizzle runs them.
  const statements = preparedOnce((db) => ({
    names: prepareAs('test_names', db.select({ name: accounts.name }).from(accounts).where(eq(accounts.name, sql.placeholder('name')))),
    add: prepareAs('test_add', db.insert(accounts).values({ name: sql.placeholder('name') }).returning({ id: accounts.id })),
  }));

  it('a prepared statement behind an open transaction waits for it and never sees its rows; inside, it takes part', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seenInside: unknown[] = [];
    const open = transaction(async () => {
      await statements().add.execute({ name: 'prepared-inside' });
      seenInside = await statements().names.execute({ name: 'prepared-inside' });
      await held;
      throw new Error('undo');
    });
    await sleep(5);
    let outsideDone = false;
    const outside = statements()
      .names.execute({ name: 'prepared-inside' })
      .then((rows) => ((outsideDone = true), rows));
    await sleep(20);
    // SQLite: the one connection's statement waits for the transaction; PostgreSQL: another connection, which
    // does not see the uncommitted row either.
    if (engineKind() === 'sqlite') expect(outsideDone).toBe(false);
    release();
    await expect(open).rejects.toThrow('undo');
    expect(seenInside).toEqual([{ name: 'prepared-inside' }]);
    expect(await outside).toEqual([]);
    expect(await statements().names.execute({ name: 'prepared-inside' })).toEqual([]);
  });

  it('a prepared statement that fails rejects with drizzle\'s error, the driver\'s as its cause', async () => {
    await statements().add.execute({ name: 'prepared-twice' });
    const error = await statements()
      .add.execute({ name: 'prepared-twice' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrizzleQueryError);
    expect(String((error as DrizzleQueryError).cause)).toMatch(/unique|duplicate/i);
  });
});

// The throwaway test cluster runs on this machine, so its Unix socket is reachable (README "Running on
// PostgreSQL" recommends the socket when PostgreSQL runs on the same machine as Portcullis).
if (process.env.DATABASE_URL && !process.env.PORTCULLIS_TEST_PG_URL) {
  it('PostgreSQL: a DATABASE_URL naming a Unix socket folder (host=/path) connects through the socket', async () => {
    const [settings] = (await (getDb() as unknown as { execute(q: unknown): Promise<{ rows: { dir: string; port: string }[] }> }).execute(
      sql`SELECT current_setting('unix_socket_directories') AS dir, current_setting('port') AS port`,
    )).rows;
    const tcp = new URL(process.env.DATABASE_URL!);
    const socketUrl = `postgres://${tcp.username}@localhost${tcp.pathname}?host=${encodeURIComponent(settings!.dir.split(',')[0]!.trim())}&port=${settings!.port}`;
    const engine = openPgEngine(socketUrl, { max: 1 });
    try {
      const result = (await (engine.db as unknown as { execute(q: unknown): Promise<{ rows: { socket: boolean }[] }> }).execute(sql`SELECT inet_server_addr() IS NULL AS socket`)).rows;
      expect(result).toEqual([{ socket: true }]);
      const rows = await prepareAs('test_socket_accounts', engine.db.select({ id: accounts.id }).from(accounts).limit(1)).execute();
      expect(Array.isArray(rows)).toBe(true);
    } finally {
      await engine.close();
    }
  });
}
