import { describe, expect, it } from 'vitest';
import { and, desc, sql, type SQL } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { tenantCondition } from '@/lib/scope';
import { engineKind, getDb } from '@/db';
import { pruneAudit, recentSignIns, recordAudit } from '@/lib/audit';
import { AUDIT_COUNT_CAP, auditLogCsv, auditLogFilterSchema, auditOlderThan, auditPageCursorSchema, countAuditLog, queryAuditLog } from '@/lib/audit-log';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';

// Spec §19: the admin's audit page, the CSV export and the sign-in history on a 1,000,000-row table, built
// with one bulk INSERT … SELECT (seconds), not the API. bench/audit-scale.ts measures the same at 5,000,000.
const ROWS = 1_000_000;

type Raw = { execute?(query: SQL): Promise<{ rows: unknown[] }>; all?(query: SQL): Promise<unknown[]> };
async function rows<T>(query: SQL): Promise<T[]> {
  const db = getDb() as unknown as Raw;
  return engineKind() === 'postgres' ? ((await db.execute!(query)).rows as T[]) : ((await db.all!(query)) as T[]);
}

/** The query plan's text: which index a statement reads. */
async function plan(query: SQL): Promise<string> {
  if (engineKind() === 'postgres') return (await rows<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${query}`)).map((r) => r['QUERY PLAN']).join('\n');
  // SQLite's plan rows are (id, parent, notused, detail).
  return (await getDb().values<[number, number, number, string]>(sql`EXPLAIN QUERY PLAN ${query}`)).map((r) => r[3]).join('\n');
}

async function fill(accountId: number, mailbox: { id: number; email: string }) {
  const base = Date.now() - ROWS * 1000;
  // Every 1,000th row is the mailbox under test's; the rest are 999 other mailboxes' of the same account.
  const select = (i: SQL) => sql`SELECT CAST(${base} AS BIGINT) + ${i} * 1000, ${accountId}, 'mailbox',
      CASE WHEN ${i} % 1000 = 0 THEN ${mailbox.id} ELSE 1000000 + ${i} % 1000 END,
      CASE WHEN ${i} % 1000 = 0 THEN ${mailbox.email} ELSE 'm' || (${i} % 1000) || '@scale.test' END,
      CASE WHEN ${i} % 3 = 0 THEN 'login_failed' ELSE 'login_succeeded' END, '192.0.2.' || (${i} % 250), 'imap', 1`;
  const columns = sql`(at, account_id, actor_kind, mailbox_id, mailbox_email, event, client_ip, protocol, count)`;
  if (engineKind() === 'postgres') {
    await rows(sql`INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM generate_series(1, ${ROWS}) AS i`);
  } else {
    await rows(sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS}) INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM s`);
  }
  if (engineKind() === 'postgres') await rows(sql`ANALYZE audit_events`);
  else await rows(sql`ANALYZE`);
}

describe(`the audit trail at ${ROWS.toLocaleString('en')} rows`, () => {
  it('the audit page by mailbox, its older pages, its CSV and the sign-in history read one mailbox from an index, and "Count matching events" is capped', { timeout: 180_000 }, async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain);
    await fill(a.accountId, m);
    const filter = auditLogFilterSchema.parse({ mailbox: m.email });

    let started = performance.now();
    const page = await queryAuditLog(a.scope, filter, {}, 100);
    const pageMs = performance.now() - started;
    expect(page.items).toHaveLength(100);
    expect(page.items.every((r) => r.mailboxEmail === m.email)).toBe(true);
    // The bulk rows and what creating the mailbox audited: more than the cap of 1,000.
    expect(page).toMatchObject({ newer: null, older: expect.any(String) });
    expect(await countAuditLog(a.scope, filter)).toEqual({ total: AUDIT_COUNT_CAP, capped: true });
    expect(await plan(sql`SELECT id FROM audit_events WHERE mailbox_email = ${m.email} AND account_id = ${a.accountId} ORDER BY at DESC, id DESC LIMIT 101`)).toMatch(/audit_mailbox_email_at_idx/);
    // Generous bound for a loaded machine; the scan this replaced took seconds at this size.
    expect(pageMs).toBeLessThan(2_000);

    // The unfiltered count: up to the cap, not through a million rows.
    started = performance.now();
    expect(await countAuditLog(a.scope, auditLogFilterSchema.parse({}))).toEqual({ total: AUDIT_COUNT_CAP, capped: true });
    expect(performance.now() - started).toBeLessThan(2_000);

    // Every older page of the mailbox, from the index: each row once.
    started = performance.now();
    const seen = page.items.map((r) => r.id);
    for (let next = page.older; next; ) {
      const older = await queryAuditLog(a.scope, filter, auditPageCursorSchema.parse({ before: next }), 100);
      seen.push(...older.items.map((r) => r.id));
      next = older.older;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(1000);
    expect(seen.length).toBeLessThan(1010);
    expect(performance.now() - started).toBeLessThan(5_000);

    // A page (and a CSV batch) of the whole account half-way down reads from the cursor on, in the index's
    // order: not the rows above it (a million here), nor all of them sorted.
    const middle = { at: new Date(Date.now() - (ROWS / 2) * 1000), id: 2_147_483_647 };
    const keyset = getDb()
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(tenantCondition(a.scope, auditEvents.accountId), auditOlderThan(middle)))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(1000);
    const keysetPlan = await plan(keyset.getSQL());
    if (engineKind() === 'postgres') expect(keysetPlan).toMatch(/Index Cond: .*at <=/);
    else expect(keysetPlan).toMatch(/USING (COVERING )?INDEX audit_account_at_idx \(account_id=\? AND at<\?\)/);
    expect(keysetPlan).not.toContain('TEMP B-TREE');
    // No sort of the rows (PostgreSQL's incremental sort orders only the rows of one instant by id, as it reads).
    expect(keysetPlan.split('\n').filter((line) => line.trim().replace(/^-> */, '').startsWith('Sort ('))).toEqual([]);
    started = performance.now();
    const deep = await queryAuditLog(a.scope, auditLogFilterSchema.parse({}), { before: middle }, 100);
    expect(deep.items).toHaveLength(100);
    expect(performance.now() - started).toBeLessThan(2_000);

    // The CSV streams: the mailbox's 1,000 rows, in batches; the whole account's first chunks come at once.
    let lines = 0;
    for await (const chunk of auditLogCsv(a.scope, filter, 250)) lines += chunk.split('\r\n').length - 1;
    expect(lines).toBe(1 + seen.length);
    started = performance.now();
    let chunks = 0;
    for await (const chunk of auditLogCsv(a.scope, auditLogFilterSchema.parse({}), 1000)) {
      expect(chunk.length).toBeGreaterThan(0);
      if (++chunks === 5) break;
    }
    expect(performance.now() - started).toBeLessThan(2_000);

    // The sign-in history: the newest 20 of the mailbox, from audit_mailbox_at_idx.
    started = performance.now();
    const history = await recentSignIns(m.id, 20);
    expect(history).toHaveLength(20);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await plan(sql`SELECT at FROM audit_events WHERE mailbox_id = ${m.id} AND event IN ('login_succeeded', 'login_failed') ORDER BY at DESC, id DESC LIMIT 20`)).toMatch(/audit_mailbox_at_idx/);
  });
});

describe('audit prune', () => {
  it('deletes in batches, oldest first, and lets other writes run between them', async () => {
    const a = await makeAccount();
    const m = await makeMailbox(a.domain);
    const old = Date.now() - 500 * 86_400_000;
    const select = (i: SQL) => sql`SELECT CAST(${old} AS BIGINT) + ${i}, ${a.accountId}, 'system', 'prune_test', 1`;
    const columns = sql`(at, account_id, actor_kind, event, count)`;
    if (engineKind() === 'postgres') await rows(sql`INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM generate_series(1, 5000) AS i`);
    else await rows(sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 5000) INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM s`);
    let finished = false;
    const pruning = pruneAudit(400, Date.now(), 500).then((n) => ((finished = true), n));
    // A sign-in's write, started after the prune: it is done while the prune still has batches to go.
    await recordAudit(getDb(), { actor: { kind: 'mailbox' } }, { event: 'login_failed', accountId: a.accountId, mailboxId: m.id, mailboxEmail: m.email });
    expect(finished).toBe(false);
    expect(await pruning).toBeGreaterThanOrEqual(5000);
    expect(await rows(sql`SELECT id FROM audit_events WHERE event = 'prune_test'`)).toHaveLength(0);
    expect(await rows(sql`SELECT id FROM audit_events WHERE mailbox_id = ${m.id} AND event = 'login_failed'`)).toHaveLength(1);
  });
});

describe('audit prune across equal times', () => {
  it('each batch starts where the last ended, and rows sharing its last time are not skipped', async () => {
    const a = await makeAccount();
    const now = Date.now();
    const old = now - 500 * 86_400_000;
    // 250 rows at one instant (batches of 100 end inside the run), 60 at distinct older ones, two inside the retention.
    const select = (i: SQL) => sql`SELECT CASE WHEN ${i} <= 250 THEN CAST(${old} AS BIGINT) WHEN ${i} <= 310 THEN CAST(${old} AS BIGINT) - ${i} ELSE CAST(${now} AS BIGINT) - ${i} END, ${a.accountId}, 'system', 'prune_ties', 1`;
    const columns = sql`(at, account_id, actor_kind, event, count)`;
    if (engineKind() === 'postgres') await rows(sql`INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM generate_series(1, 312) AS i`);
    else await rows(sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 312) INSERT INTO audit_events ${columns} ${select(sql`i`)} FROM s`);
    expect(await pruneAudit(400, now, 100)).toBeGreaterThanOrEqual(310);
    expect(await rows(sql`SELECT id FROM audit_events WHERE event = 'prune_ties'`)).toHaveLength(2);
  });
});
