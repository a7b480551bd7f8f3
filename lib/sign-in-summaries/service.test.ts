import { describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { auditEvents, mailboxes, signInDays, signInSummaries } from '@/db/schema';
import { getDb } from '@/db';
import { pruneAudit } from '@/lib/audit';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { networkSuggestions } from '@/lib/netsets/suggestions';
import { issueAccountScope as accountScope } from '@/lib/session/account-scope';
import { signInsPerDay } from '@/lib/sign-in-stats';
import { signInSummariesOf } from './read';
import { REAUDIT_AFTER_MS, SignInSummaryWriter, signInSummaryWriter } from './service';

const imap = (clientIp: string) => ({ ...testContext, clientIp, protocol: 'imap' as const, actor: { kind: 'mailbox' as const } });

async function box() {
  const { accountId, domain } = await makeAccount();
  const m = await makeMailbox(domain);
  return { accountId, mailboxId: m.id, mailboxEmail: m.email };
}

async function summary(mailboxId: number) {
  return getDb().select({ count: signInSummaries.count, clientIp: signInSummaries.clientIp, credential: signInSummaries.credential, lastSeen: signInSummaries.lastSeen }).from(signInSummaries).where(eq(signInSummaries.mailboxId, mailboxId));
}

async function audited(mailboxId: number, event = 'login_succeeded') {
  const [row] = await getDb().select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.mailboxId, mailboxId), eq(auditEvents.event, event)));
  return row!.n;
}

describe('sign-in summaries', () => {
  it('audits a success from a new address at once, before any flush, and counts it in the summary row', async () => {
    const b = await box();
    const login = () => verifyMailboxSignIn({ email: b.mailboxEmail, password: MAILBOX_PASSWORD, context: imap('198.51.100.7'), allowPendingReset: false });
    expect((await login()).ok).toBe(true);
    expect(await audited(b.mailboxId)).toBe(1);
    expect(await summary(b.mailboxId)).toMatchObject([{ count: 1, clientIp: '198.51.100.7', credential: 'password' }]);
    // A repeat: counted in memory only, no audit row, no write.
    expect((await login()).ok).toBe(true);
    expect(await audited(b.mailboxId)).toBe(1);
    expect((await summary(b.mailboxId))[0]!.count).toBe(1);
    // Another address is new again: audited at once.
    expect((await verifyMailboxSignIn({ email: b.mailboxEmail, password: MAILBOX_PASSWORD, context: imap('198.51.100.8'), allowPendingReset: false })).ok).toBe(true);
    expect(await audited(b.mailboxId)).toBe(2);
    await signInSummaryWriter.flush();
    const rows = await summary(b.mailboxId);
    expect(rows.map((r) => [r.clientIp, r.count]).sort()).toEqual([['198.51.100.7', 2], ['198.51.100.8', 1]]);
    const [day] = await getDb().select({ count: signInDays.count }).from(signInDays).where(eq(signInDays.mailboxId, b.mailboxId));
    expect(day!.count).toBe(3);
    const [m] = await getDb().select({ ip: mailboxes.lastLoginIp }).from(mailboxes).where(eq(mailboxes.id, b.mailboxId));
    expect(m!.ip).toBe('198.51.100.8');
  });

  it('10,000 warm logins of one app from one address add one audit row, and the count is exact', async () => {
    const b = await box();
    const writer = new SignInSummaryWriter();
    const s = { ...b, protocol: 'imap' as const, credential: 'app:17', clientIp: '203.0.113.5' };
    const start = Date.now();
    for (let i = 0; i < 10_000; i++) {
      const pending = writer.record(imap('203.0.113.5'), s, undefined, start + i);
      if (pending) await pending;
    }
    await writer.stop();
    expect(await audited(b.mailboxId)).toBe(1);
    expect(await summary(b.mailboxId)).toMatchObject([{ count: 10_000, credential: 'app:17' }]);
    expect((await summary(b.mailboxId))[0]!.lastSeen.getTime()).toBe(start + 9_999);
  });

  it('two instances logging in concurrently: the counts add up exactly and each new address is audited once', async () => {
    const b = await box();
    const one = new SignInSummaryWriter();
    const two = new SignInSummaryWriter();
    const addresses = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
    const run = async (writer: SignInSummaryWriter, n: number) => {
      for (let i = 0; i < n; i++) {
        const ip = addresses[i % addresses.length]!;
        const pending = writer.record(imap(ip), { ...b, protocol: 'imap', credential: 'password', clientIp: ip });
        if (pending) await pending;
        // Flushes of both instances interleave with logins.
        if (i % 97 === 0) await writer.flush();
      }
    };
    await Promise.all([run(one, 600), run(two, 900), run(one, 300)]);
    await Promise.all([one.stop(), two.stop()]);
    const rows = await summary(b.mailboxId);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(1_800);
    expect(rows.map((r) => r.count)).toEqual([600, 600, 600]);
    expect(await audited(b.mailboxId)).toBe(3);
  });

  it('a crash between flushes loses at most the unflushed counts, never a failure or a new-address row', async () => {
    const b = await box();
    const crashing = new SignInSummaryWriter();
    const s = { ...b, protocol: 'imap' as const, credential: 'password', clientIp: '198.51.100.20' };
    await crashing.record(imap('198.51.100.20'), s);
    for (let i = 0; i < 50; i++) expect(crashing.record(imap('198.51.100.20'), s)).toBeUndefined();
    expect(crashing.pendingCount()).toBe(50);
    // A failure is audited by the sign-in path at once, whatever the summaries hold.
    expect((await verifyMailboxSignIn({ email: b.mailboxEmail, password: 'Wrong-Password-1', context: imap('198.51.100.20'), allowPendingReset: false })).ok).toBe(false);
    // The process dies here: `crashing` is never flushed.
    expect(await audited(b.mailboxId)).toBe(1);
    expect(await audited(b.mailboxId, 'login_failed')).toBe(1);
    expect((await summary(b.mailboxId))[0]!.count).toBe(1);
    // The restarted instance reads the row: the address is not new, no second audit row.
    const restarted = new SignInSummaryWriter();
    await restarted.record(imap('198.51.100.20'), s);
    await restarted.stop();
    expect(await audited(b.mailboxId)).toBe(1);
    expect((await summary(b.mailboxId))[0]!.count).toBe(2);
  });

  it('audits an address again after 24 h without an audit row for it', async () => {
    const b = await box();
    const writer = new SignInSummaryWriter();
    const s = { ...b, protocol: 'pop3' as const, credential: 'password', clientIp: '198.51.100.30' };
    const t0 = Date.now() - REAUDIT_AFTER_MS - 60_000;
    await writer.record(imap('198.51.100.30'), s, undefined, t0);
    expect(writer.record(imap('198.51.100.30'), s, undefined, t0 + REAUDIT_AFTER_MS - 1)).toBeUndefined();
    await writer.record(imap('198.51.100.30'), s, undefined, t0 + REAUDIT_AFTER_MS);
    // Another instance that saw the address meanwhile reads the fresh audit time from the row.
    const other = new SignInSummaryWriter();
    await other.record(imap('198.51.100.30'), s, undefined, t0 + REAUDIT_AFTER_MS + 1);
    await Promise.all([writer.stop(), other.stop()]);
    expect(await audited(b.mailboxId)).toBe(2);
    expect((await summary(b.mailboxId))[0]!.count).toBe(4);
  });

  it('retention prunes summaries and day counts like audit rows', async () => {
    const b = await box();
    const writer = new SignInSummaryWriter();
    const s = { ...b, protocol: 'imap' as const, credential: 'password', clientIp: '198.51.100.40' };
    await writer.record(imap('198.51.100.40'), s, undefined, Date.now() - 10 * 86_400_000);
    await writer.stop();
    await pruneAudit(30);
    expect(await summary(b.mailboxId)).toHaveLength(1);
    await pruneAudit(5);
    expect(await summary(b.mailboxId)).toHaveLength(0);
    expect(await getDb().select().from(signInDays).where(eq(signInDays.mailboxId, b.mailboxId))).toHaveLength(0);
  });
});

describe('readers of successes', () => {
  it('the history, the day chart and the network suggestions count repeat successes from the summaries', async () => {
    const b = await box();
    const writer = new SignInSummaryWriter();
    const s = { ...b, protocol: 'imap' as const, credential: 'password', clientIp: '198.51.100.7' };
    for (let i = 0; i < 1_284; i++) {
      const pending = writer.record(imap('198.51.100.7'), s);
      if (pending) await pending;
    }
    await writer.stop();
    const [summary] = await signInSummariesOf(b.mailboxId);
    expect(summary).toMatchObject({ protocol: 'imap', clientIp: '198.51.100.7', count: 1_284 });
    const days = await signInsPerDay(accountScope(b.accountId), { days: 2, mailboxId: b.mailboxId });
    expect(days.at(-1)!.allowed).toBe(1_284);
    const overview = await signInsPerDay(accountScope(b.accountId), { days: 2 });
    expect(overview.at(-1)!.allowed).toBe(1_284);
    expect(await networkSuggestions(b.accountId, b.mailboxId)).toMatchObject([{ net: '198.51.100.0/24', total: 1_284, byProtocol: { imap: 1_284 } }]);
    // Another account sees none of it.
    const other = await makeAccount();
    expect((await signInsPerDay(other.scope, { days: 2 })).at(-1)!.allowed).toBe(0);
  });
});
