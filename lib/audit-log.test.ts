import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { operatorScope } from '@/lib/scope';
import { issueAccountScope } from '@/lib/session/account-scope';
import { auditSentence } from '@/lib/audit-sentence';
import { AUDIT_LIST_MAX_LIMIT, auditListItems, auditListOptionsSchema, auditLogCsv, auditLogFilterSchema, auditPageCursorSchema, countAuditLog, csvCell, queryAuditLog, type AuditListOptions } from './audit-log';

async function account() {
  return (await getDb().insert(accounts).values({ name: `Acc ${crypto.randomBytes(4).toString('hex')}` }).returning({ id: accounts.id }))[0]!.id;
}

async function row(accountId: number | null, values: Partial<typeof auditEvents.$inferInsert> = {}) {
  await getDb()
    .insert(auditEvents)
    .values({ at: new Date('2025-03-10T10:00:00Z'), accountId, actorKind: 'mailbox', event: 'login_succeeded', mailboxEmail: 'a@x.test', ...values });
}

const filter = (input: Record<string, string> = {}) => auditLogFilterSchema.parse(input);

describe('queryAuditLog', () => {
  it("returns only the account's rows, filtered by mailbox, event and inclusive date range, newest first", async () => {
    const mine = await account();
    const theirs = await account();
    await row(mine, { at: new Date('2025-03-01T00:00:00Z'), mailboxEmail: 'a@x.test' });
    await row(mine, { at: new Date('2025-03-02T23:59:59Z'), mailboxEmail: 'a@x.test', event: 'login_failed' });
    await row(mine, { at: new Date('2025-03-03T00:00:00Z'), mailboxEmail: 'a@x.test' });
    await row(mine, { at: new Date('2025-03-02T12:00:00Z'), mailboxEmail: 'b@x.test' });
    await row(theirs, { at: new Date('2025-03-02T12:00:00Z'), mailboxEmail: 'a@x.test' });
    await row(null, { at: new Date('2025-03-02T12:00:00Z'), mailboxEmail: 'a@x.test' });

    const scope = issueAccountScope(mine);
    expect((await queryAuditLog(scope, filter())).items).toHaveLength(4);
    const ranged = (await queryAuditLog(scope, filter({ mailbox: ' A@X.test ', from: '2025-03-01', to: '2025-03-02' }))).items;
    expect(ranged.map((r) => r.at.toISOString())).toEqual(['2025-03-02T23:59:59.000Z', '2025-03-01T00:00:00.000Z']);
    expect((await queryAuditLog(scope, filter({ event: 'login_failed' }))).items.map((r) => r.event)).toEqual(['login_failed']);
    expect((await queryAuditLog(issueAccountScope(theirs), filter({ mailbox: 'b@x.test' }))).items).toEqual([]);
  });

  it('matches the mailbox by partial text, with LIKE wildcards taken literally, and counts every match', async () => {
    const id = await account();
    await row(id, { mailboxEmail: 'carol@example.test' });
    await row(id, { mailboxEmail: 'caroline@example.test' });
    await row(id, { mailboxEmail: 'bob@example.test' });
    await row(id, { mailboxEmail: 'x_y@example.test' });
    const scope = issueAccountScope(id);
    expect((await countAuditLog(scope, filter({ mailbox: 'carol' }))).total).toBe(2);
    expect((await queryAuditLog(scope, filter({ mailbox: 'CAROL@' }))).items.map((r) => r.mailboxEmail)).toEqual(['carol@example.test']);
    expect((await countAuditLog(scope, filter({ mailbox: '%' }))).total).toBe(0);
    expect((await countAuditLog(scope, filter({ mailbox: 'x_y' }))).total).toBe(1);
    expect((await countAuditLog(scope, filter({ mailbox: 'o_' }))).total).toBe(0);
    expect(await countAuditLog(scope, filter())).toEqual({ total: 4, capped: false });
    expect(await queryAuditLog(scope, filter(), {}, 2)).toMatchObject({ newer: null, older: expect.any(String) });
  });

  it('pages by cursor: older from the first page, none past the oldest row (lib/audit-log-paging.test.ts has the rest)', async () => {
    const scope = issueAccountScope(await account());
    for (let i = 0; i < 5; i++) await row(scope.kind === 'account' ? scope.accountId : null, { at: new Date(Date.UTC(2025, 0, 1, 0, i)) });
    const first = await queryAuditLog(scope, filter(), {}, 2);
    const second = await queryAuditLog(scope, filter(), auditPageCursorSchema.parse({ before: first.older! }), 2);
    const last = await queryAuditLog(scope, filter(), auditPageCursorSchema.parse({ before: second.older! }), 2);
    expect(first).toMatchObject({ newer: null, older: expect.any(String) });
    expect(last).toMatchObject({ older: null, newer: expect.any(String), items: [{ at: new Date(Date.UTC(2025, 0, 1, 0, 0)) }] });
  });
});

describe('auditLogFilterSchema', () => {
  it('rejects impossible dates and a range that ends before it starts', () => {
    expect(auditLogFilterSchema.safeParse({ from: '2025-02-30' }).success).toBe(false);
    expect(auditLogFilterSchema.safeParse({ from: '2025-13-01' }).success).toBe(false);
    expect(auditLogFilterSchema.safeParse({ from: '03/01/2025' }).success).toBe(false);
    expect(auditLogFilterSchema.safeParse({ from: '2025-03-02', to: '2025-03-01' }).success).toBe(false);
    expect(auditLogFilterSchema.parse({ from: '', to: '2024-02-29', event: '  ' })).toEqual({ to: '2024-02-29' });
  });
});

describe('CSV export', () => {
  it('quotes every cell, doubles quotes and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi", then\r\nleave')).toBe('"say ""hi"", then\r\nleave"');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}cmd|' /C calc'!A0`)).toBe(`"'${start}cmd|' /C calc'!A0"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell({ reason: 'bad_password' })).toBe('"{""reason"":""bad_password""}"');
  });

  it('streams every matching row in batches, newest first, with a header', async () => {
    const id = await account();
    for (let i = 0; i < 7; i++) await row(id, { at: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 3)), userAgent: i === 0 ? '=HYPERLINK("http://evil")' : 'UA' });
    await row(await account(), {});
    const chunks: string[] = [];
    for await (const chunk of auditLogCsv(issueAccountScope(id), filter(), 2)) chunks.push(chunk);
    const csv = chunks.join('');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('"time_utc","event","mailbox","actor_kind","actor","client_ip","protocol","user_agent","detail","sentence"');
    expect(lines[1]).toMatch(/,"a@x\.test signed in"$/);
    expect(lines).toHaveLength(8);
    const times = lines.slice(1).map((l) => l.split(',')[0]);
    expect(times).toEqual([...times].sort().reverse());
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('aggregated audit rows and retention (spec §12)', () => {
  it('one row per key and window with a count, shown in the log; pruning deletes rows past the retention', async () => {
    const { recordAggregatedAudit, pruneAudit, pruneExpiredRecords } = await import('./audit');
    const accountId = await account();
    const ctx = { actor: { kind: 'system' as const }, clientIp: '192.0.2.1', protocol: 'web' as const };
    const t = Date.UTC(2030, 0, 1, 10, 1);
    for (let i = 0; i < 1000; i++) await recordAggregatedAudit(ctx, { event: 'login_failed', accountId, mailboxEmail: 'x@agg.test', detail: { reason: 'throttled' } }, 'k1', t + i);
    const rows = (await queryAuditLog(issueAccountScope(accountId), { mailbox: 'x@agg.test', event: undefined, ip: undefined, from: undefined, to: undefined })).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail).toMatchObject({ reason: 'throttled', repeated: 1000 });
    // A new window starts a new row.
    await recordAggregatedAudit(ctx, { event: 'login_failed', accountId, mailboxEmail: 'x@agg.test', detail: { reason: 'throttled' } }, 'k1', t + 15 * 60_000);
    expect((await queryAuditLog(issueAccountScope(accountId), { mailbox: 'x@agg.test', event: undefined, ip: undefined, from: undefined, to: undefined })).items).toHaveLength(2);
    // Retention: both rows are from 2030-01-01; prune as of 401 days later with 400 days of retention.
    expect(await pruneAudit(400, t + 401 * 86_400_000)).toBeGreaterThanOrEqual(2);
    expect((await queryAuditLog(issueAccountScope(accountId), { mailbox: 'x@agg.test', event: undefined, ip: undefined, from: undefined, to: undefined })).items).toHaveLength(0);
    expect(await pruneExpiredRecords(400, ctx)).toMatchObject({ auditRows: expect.any(Number), throttleRows: expect.any(Number) });
  });
});

describe('audit list (the operator CLI, spec §18)', () => {
  const options = (input: Record<string, unknown> = {}) => auditListOptionsSchema.parse(input);
  async function list(opts: Pick<AuditListOptions, 'mailbox' | 'event' | 'since' | 'limit'>, batch?: number) {
    const out = [];
    for await (const items of auditListItems(operatorScope, opts, batch)) out.push(...items);
    return out;
  }

  it('validates every option, with bounds and clear messages', () => {
    expect(options()).toEqual({ limit: 100, json: false });
    expect(options({ mailbox: ' Carol@Example.TEST ', event: 'login_failed', since: '2026-12-01', limit: '10000', json: true })).toEqual({
      mailbox: 'carol@example.test',
      event: 'login_failed',
      since: new Date('2026-12-01T00:00:00Z'),
      limit: AUDIT_LIST_MAX_LIMIT,
      json: true,
    });
    expect(options({ since: '2026-12-01T09:30:00+02:00' }).since).toEqual(new Date('2026-12-01T07:30:00Z'));
    expect(options({ since: '2026-12-01T09:30:00.250Z' }).since).toEqual(new Date('2026-12-01T09:30:00.250Z'));
    const message = (input: Record<string, unknown>) => {
      const r = auditListOptionsSchema.safeParse(input);
      return r.success ? null : `${String(r.error.issues[0]!.path[0])}: ${r.error.issues[0]!.message}`;
    };
    expect(message({ limit: '10001' })).toBe('limit: must be at most 10000: narrow the list with --since, --mailbox or --event');
    expect(message({ limit: '0' })).toBe('limit: must be at least 1');
    for (const bad of ['-1', '1.5', '1e3', 'ten', '']) expect(message({ limit: bad }), bad).toBe('limit: must be a whole number');
    for (const bad of ['yesterday', 'December 1', '2026-02-30', '2026-12-01T25:00Z', '2026-12-01T09:30', '1700000000']) expect(message({ since: bad }), bad).toMatch(/^since: must be an ISO 8601 date or time/);
    expect(message({ event: 'logn_failed' })).toMatch(/^event: unknown event "logn_failed"; known events: .*login_failed/);
    expect(message({ mailbox: 'carol' })).toBe('mailbox: must be an address like name@example.com');
    expect(auditListOptionsSchema.safeParse({ until: '2026-01-01' }).success).toBe(false);
  });

  it('lists every account\'s rows and rows of no account, newest first, filtered by exact mailbox, event and time, up to the limit', async () => {
    const [a, b] = [await account(), await account()];
    const at = (minute: number) => new Date(Date.UTC(2090, 0, 1, 0, minute));
    await row(a, { at: at(1), mailboxEmail: 'carol@list.test', event: 'login_failed', clientIp: '192.0.2.7', protocol: 'imap', detail: { reason: 'bad_password' } });
    await row(b, { at: at(2), mailboxEmail: 'dave@list.test', event: 'login_succeeded', actorKind: 'mailbox', actorEmail: 'dave@list.test' });
    await row(null, { at: at(3), mailboxEmail: 'nobody@list.test', event: 'login_failed', detail: { reason: 'unknown_mailbox' } });
    await row(a, { at: at(4), mailboxEmail: 'caroline@list.test', event: 'login_failed' });
    await row(a, { at: new Date(Date.UTC(2089, 11, 31)), mailboxEmail: 'carol@list.test', event: 'login_failed' });
    const since = new Date(Date.UTC(2090, 0, 1));

    const all = await list({ since, limit: 100 });
    expect(all.map((r) => r.mailbox)).toEqual(['caroline@list.test', 'nobody@list.test', 'dave@list.test', 'carol@list.test']);
    // Exact address: carol does not match caroline.
    const carol = await list({ since, mailbox: 'carol@list.test', limit: 100 });
    expect(carol).toEqual([
      {
        at: '2090-01-01T00:01:00.000Z',
        event: 'login_failed',
        actor: { kind: 'mailbox', email: null },
        mailbox: 'carol@list.test',
        address: '192.0.2.7',
        protocol: 'imap',
        detail: { reason: 'bad_password' },
        sentence: auditSentence({ event: 'login_failed', mailboxEmail: 'carol@list.test', actorKind: 'mailbox', actorEmail: null, clientIp: '192.0.2.7', protocol: 'imap', detail: { reason: 'bad_password' } }),
      },
    ]);
    expect(carol[0]!.sentence).toContain('carol@list.test');
    expect((await list({ since, event: 'login_failed', limit: 100 })).map((r) => r.mailbox)).toEqual(['caroline@list.test', 'nobody@list.test', 'carol@list.test']);
    expect((await list({ mailbox: 'carol@list.test', limit: 100 })).map((r) => r.at)).toEqual(['2090-01-01T00:01:00.000Z', '2089-12-31T00:00:00.000Z']);
    // The limit holds across batches smaller than it.
    expect((await list({ since, limit: 3 }, 2)).map((r) => r.mailbox)).toEqual(['caroline@list.test', 'nobody@list.test', 'dave@list.test']);
    expect(await list({ since, limit: 100 }, 1)).toEqual(all);
  });
});
