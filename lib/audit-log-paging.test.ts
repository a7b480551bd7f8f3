import crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { and, desc } from 'drizzle-orm';
import { accounts, auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { tenantCondition, type Scope } from '@/lib/scope';
import { issueAccountScope } from '@/lib/session/account-scope';
import { AUDIT_COUNT_CAP, auditCursorText, auditOlderThan, auditLogFilterSchema, auditCountRequestSchema, auditPageCursorSchema, countAuditLog, queryAuditLog, type AuditLogFilter, type AuditLogPage } from './audit-log';

// The audit page is paged by cursor (time, then id) and does not count; "Count matching events" counts up to
// AUDIT_COUNT_CAP: spec §19, issue 21.

async function account(): Promise<number> {
  return (await getDb().insert(accounts).values({ name: `Paging ${crypto.randomBytes(4).toString('hex')}` }).returning({ id: accounts.id }))[0]!.id;
}

type Row = Partial<typeof auditEvents.$inferInsert>;
async function insert(accountId: number, rows: Row[]): Promise<void> {
  const values = rows.map((r) => ({ at: new Date('2025-03-10T10:00:00Z'), accountId, actorKind: 'mailbox' as const, event: 'login_succeeded', mailboxEmail: 'a@x.test', ...r }));
  // In slices: SQLite limits a statement's parameters.
  for (let i = 0; i < values.length; i += 200) await getDb().insert(auditEvents).values(values.slice(i, i + 200));
}

const filter = (input: Record<string, string> = {}) => auditLogFilterSchema.parse(input);
const ids = (page: AuditLogPage) => page.items.map((r) => r.id);
const before = (cursor: string) => auditPageCursorSchema.parse({ before: cursor });
const after = (cursor: string) => auditPageCursorSchema.parse({ after: cursor });

/** Every matching row's id, newest first, read in one statement: what the pages must add up to. */
async function allIds(scope: Scope, f: AuditLogFilter): Promise<number[]> {
  const everything = await queryAuditLog(scope, f, {}, 500);
  expect(everything.older).toBeNull();
  return ids(everything);
}

/** Walks the older links from the first page, then the newer links back: every page on the way, both ways. */
async function walk(scope: Scope, f: AuditLogFilter, size: number): Promise<{ down: AuditLogPage[]; up: AuditLogPage[] }> {
  const down = [await queryAuditLog(scope, f, {}, size)];
  while (down.at(-1)!.older) down.push(await queryAuditLog(scope, f, before(down.at(-1)!.older!), size));
  const up = [down.at(-1)!];
  while (up.at(-1)!.newer) up.push(await queryAuditLog(scope, f, after(up.at(-1)!.newer!), size));
  return { down, up };
}

/** 23 rows of one mailbox with runs of equal times (the id breaks the tie), another mailbox's and another account's between. */
async function trail(): Promise<{ mine: number; theirs: number }> {
  const mine = await account();
  const theirs = await account();
  const rows: Row[] = [];
  for (let i = 0; i < 23; i++) {
    // Seven distinct instants: runs of 3–4 rows at the same millisecond, across every page boundary below.
    const at = new Date(Date.UTC(2025, 2, 10, 10, 0, Math.floor(i / 3.5)));
    rows.push({ at, event: i % 4 === 0 ? 'login_failed' : 'login_succeeded' });
    rows.push({ at, mailboxEmail: 'b@x.test' });
  }
  await insert(mine, rows);
  await insert(theirs, rows);
  return { mine, theirs };
}

describe('the audit page paged by cursor', () => {
  it('older pages, then newer ones back, cover every matching row once, in order, with no empty page', async () => {
    const { mine } = await trail();
    const scope = issueAccountScope(mine);
    for (const f of [filter({ mailbox: 'a@x.test' }), filter({ mailbox: 'a@x.test', event: 'login_failed' }), filter()]) {
      const expected = await allIds(scope, f);
      for (const size of [1, 2, 3, 4, 5, 6, expected.length - 1, expected.length, expected.length + 1]) {
        const { down, up } = await walk(scope, f, size);
        expect(down.flatMap(ids)).toEqual(expected);
        expect(down.every((p) => p.items.length > 0)).toBe(true);
        // Going back up shows the same pages (the newest page is always the full first page).
        expect(up.map(ids)).toEqual(down.map(ids).reverse());
        expect(down[0]!.newer).toBeNull();
        expect(down.at(-1)!.older).toBeNull();
        expect(down.slice(0, -1).every((p) => p.items.length === size)).toBe(true);
        // Every row matches the filter.
        for (const r of down.flatMap((p) => p.items)) {
          if (f.mailbox) expect(r.mailboxEmail).toBe(f.mailbox);
          if (f.event) expect(r.event).toBe(f.event);
        }
      }
    }
  });

  it('a page reads only its rows and one neighbour, never a count, however many rows match', async () => {
    const mine = await account();
    const scope = issueAccountScope(mine);
    await insert(mine, Array.from({ length: 1_200 }, (_, i) => ({ at: new Date(Date.UTC(2025, 0, 1) + i * 1000) })));
    const first = await queryAuditLog(scope, filter(), {}, 100);
    // What each of the page's statements selects: the rows' columns, or one row's id (is there a neighbour?).
    // A count (or a subquery of "1"s to count) would read every matching row up to its cap.
    const select = vi.spyOn(getDb(), 'select');
    try {
      for (const position of [{}, before(first.older!), after(first.older!)]) {
        select.mockClear();
        const page = await queryAuditLog(scope, filter(), position, 100);
        expect(Object.keys(page).sort()).toEqual(['items', 'newer', 'older']);
        const selected = select.mock.calls.map(([fields]) => Object.keys(fields ?? {}).sort().join(','));
        expect(selected.length).toBeGreaterThan(0);
        expect(selected.length).toBeLessThanOrEqual(2);
        for (const fields of selected) expect(['id', Object.keys(page.items[0]!).sort().join(',')]).toContain(fields);
      }
    } finally {
      select.mockRestore();
    }
  });

  it('counting ("Count matching events") is exact up to the cap and "more than" beyond it, of the filter and the account alone', async () => {
    const mine = await account();
    const scope = issueAccountScope(mine);
    await insert(mine, Array.from({ length: AUDIT_COUNT_CAP }, (_, i) => ({ at: new Date(Date.UTC(2025, 0, 1) + i * 1000) })));
    expect(await countAuditLog(scope, filter())).toEqual({ total: AUDIT_COUNT_CAP, capped: false });
    await insert(mine, [{ at: new Date(Date.UTC(2024, 0, 1)) }]);
    expect(await countAuditLog(scope, filter())).toEqual({ total: AUDIT_COUNT_CAP, capped: true });
    // The filter's own count, not the account's; another account's rows are never counted.
    await insert(mine, [{ mailboxEmail: 'other@x.test' }]);
    expect(await countAuditLog(scope, filter({ mailbox: 'other@x.test' }))).toEqual({ total: 1, capped: false });
    const theirs = await account();
    await insert(theirs, [{ mailboxEmail: 'other@x.test' }, { mailboxEmail: 'other@x.test' }]);
    expect(await countAuditLog(scope, filter({ mailbox: 'other@x.test' }))).toEqual({ total: 1, capped: false });
    expect(await countAuditLog(issueAccountScope(theirs), filter({ mailbox: 'other@x.test' }))).toEqual({ total: 2, capped: false });
    expect(await countAuditLog(scope, filter({ mailbox: 'nobody@x.test' }))).toEqual({ total: 0, capped: false });
    // Only `count=1` asks for it (the link's value); anything else, or nothing, is a page view without a count.
    expect(auditCountRequestSchema.parse({ count: '1' }).count).toBe(true);
    for (const other of [undefined, '', '0', 'true', 'yes', '11', '1,1']) expect(auditCountRequestSchema.parse({ count: other }).count).toBe(false);
  });

  it("a cursor never shows another account's rows, and rows arriving meanwhile neither shift nor repeat a page", async () => {
    const { mine, theirs } = await trail();
    const scope = issueAccountScope(mine);
    const first = await queryAuditLog(scope, filter(), {}, 5);
    // Their cursor in my scope, and mine in theirs: each sees only its own account's rows.
    const theirFirst = await queryAuditLog(issueAccountScope(theirs), filter(), {}, 5);
    const mineIds = new Set(await allIds(scope, filter()));
    expect(ids(await queryAuditLog(scope, filter(), before(theirFirst.older!), 5)).every((id) => mineIds.has(id))).toBe(true);
    expect(ids(await queryAuditLog(issueAccountScope(theirs), filter(), before(first.older!), 5)).some((id) => mineIds.has(id))).toBe(false);

    const second = await queryAuditLog(scope, filter(), before(first.older!), 5);
    await insert(mine, [{ at: new Date('2026-01-01T00:00:00Z') }, { at: new Date('2026-01-01T00:00:00Z') }]);
    expect(ids(await queryAuditLog(scope, filter(), before(first.older!), 5))).toEqual(ids(second));
    // Back up from the second page: the old first page, which now has newer rows above it.
    const back = await queryAuditLog(scope, filter(), after(second.newer!), 5);
    expect(ids(back)).toEqual(ids(first));
    expect(back.newer).not.toBeNull();
  });

  it('a cursor past the oldest row gives an empty page that leads back; a cursor that does not parse is the first page', async () => {
    const { mine } = await trail();
    const scope = issueAccountScope(mine);
    const all = await allIds(scope, filter());
    const oldest = (await queryAuditLog(scope, filter(), {}, 500)).items.at(-1)!;
    const past = await queryAuditLog(scope, filter(), before(auditCursorText(oldest)), 5);
    expect(past).toMatchObject({ items: [], older: null, newer: auditCursorText(oldest) });
    expect(ids(await queryAuditLog(scope, filter(), after(past.newer!), 5))).toEqual(all.slice(-6, -1));
    // Newer than the newest row: the newest page.
    expect(ids(await queryAuditLog(scope, filter(), after('9999999999999-1'), 5))).toEqual(all.slice(0, 5));

    for (const junk of ['', 'abc', '12', '12-', '-3', '1.5-2', '1-2-3', '9'.repeat(16) + '-1', '1-2147483648', '1-99999999999', ' 12 - 3 ']) {
      expect(auditPageCursorSchema.parse({ before: junk, after: junk })).toEqual({ before: undefined, after: undefined });
    }
    expect(auditPageCursorSchema.parse({ before: ' 1741600800000-42 ' })).toEqual({ before: { at: new Date(1741600800000), id: 42 }, after: undefined });
    // The largest id either engine stores is a cursor, and a query with it runs on both.
    const highest = auditPageCursorSchema.parse({ before: '9999999999999-2147483647', after: '1-2147483647' });
    expect(ids(await queryAuditLog(scope, filter(), { before: highest.before }, 5))).toEqual(all.slice(0, 5));
    expect(ids(await queryAuditLog(scope, filter(), { after: highest.after }, 5))).toEqual(all.slice(-5));
    // `before` wins when both are given.
    const first = await queryAuditLog(scope, filter(), {}, 5);
    expect(ids(await queryAuditLog(scope, filter(), auditPageCursorSchema.parse({ before: first.older!, after: first.older! }), 5))).toEqual(all.slice(5, 10));
  });

  it("the older-than condition is the rows' order (time, then id) and leaves none out at equal times", async () => {
    const mine = await account();
    const scope = issueAccountScope(mine);
    const at = new Date('2025-05-05T05:05:05Z');
    await insert(mine, [{ at }, { at }, { at }, { at: new Date(at.getTime() - 1) }, { at: new Date(at.getTime() + 1) }]);
    const ordered = await getDb().select({ id: auditEvents.id, at: auditEvents.at }).from(auditEvents).where(tenantCondition(scope, auditEvents.accountId)).orderBy(desc(auditEvents.at), desc(auditEvents.id));
    for (let i = 0; i < ordered.length; i++) {
      const older = await getDb()
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(tenantCondition(scope, auditEvents.accountId), auditOlderThan(ordered[i]!)))
        .orderBy(desc(auditEvents.at), desc(auditEvents.id));
      expect(older.map((r) => r.id)).toEqual(ordered.slice(i + 1).map((r) => r.id));
    }
  });
});
