import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { getDb, groupCommit } from '@/db';

describe('groupCommit', () => {
  const sqlite = () => getDb().$client;
  sqlite().exec('CREATE TABLE IF NOT EXISTS group_commit_test (id INTEGER PRIMARY KEY, caller TEXT NOT NULL UNIQUE)');
  const insert = (caller: string) => sqlite().prepare('INSERT INTO group_commit_test (caller) VALUES (?)').run(caller);
  const rows = () => (sqlite().prepare('SELECT caller FROM group_commit_test ORDER BY id').all() as { caller: string }[]).map((r) => r.caller);

  it('commits concurrent writes together, undoing a failing one alone', async () => {
    const results = await Promise.allSettled([groupCommit(() => insert('a')), groupCommit(() => insert('a')), groupCommit(() => insert('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['a', 'b']);
    expect(sqlite().inTransaction).toBe(false);
  });

  it('runs each write in its caller’s async context (what it logs names the caller’s request)', async () => {
    const context = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    await Promise.all(['r1', 'r2', 'r3'].map((id) => context.run(id, () => groupCommit(() => seen.push(context.getStore())))));
    expect(seen).toEqual(['r1', 'r2', 'r3']);
  });
});
