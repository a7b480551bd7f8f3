import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { accounts, auditEvents, domains, mailboxes, signInSummaries } from '@/db/schema';
import { getDb } from '@/db';
import { greaterOf } from '@/db/sql';
import { NotFoundError } from '@/lib/errors';
import { issueAccountScope } from '@/lib/session/account-scope';
import { impactPreview, impactSignIns, lockoutCheck, MAX_IMPACT_ADDRESSES } from './impact';
import { evaluateImpact, locksOut, refusesEveryAddress } from './sign-in-impact';
import { SignInSummaryWriter } from '@/lib/sign-in-summaries/service';
import { completeMailboxSignIn } from '@/lib/session/sign-in';
import { makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';

const NOW = new Date('2025-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

async function mailbox() {
  const db = getDb();
  const tag = crypto.randomBytes(4).toString('hex');
  const [acc] = (await db.insert(accounts).values({ name: `Acc ${tag}` }).returning({ id: accounts.id })) as [{ id: number }];
  const [dom] = (await db.insert(domains).values({ accountId: acc.id, name: `d${tag}.test` }).returning({ id: domains.id })) as [{ id: number }];
  const email = `user@d${tag}.test`;
  const [row] = (await db.insert(mailboxes).values({ accountId: acc.id, domainId: dom.id, email, passwordHash: 'x', allowNets: '203.0.113.0/24' }).returning({ id: mailboxes.id })) as [{ id: number }];
  return { accountId: acc.id, id: row.id, email };
}

type Mailbox = Awaited<ReturnType<typeof mailbox>>;

/** A success is counted in its sign-in summary (as lib/sign-in-summaries writes it); a refusal is an audit row. */
async function signIn(m: Mailbox, at: Date, clientIp: string | null, event: 'login_succeeded' | 'login_failed', reason?: string, protocol: 'web' | 'imap' = 'web') {
  if (event === 'login_succeeded') return counted(m, { at, clientIp, protocol });
  await audit(m, { at, clientIp, protocol, event, detail: reason ? { reason } : null });
}

async function audit(m: Mailbox, row: { at: Date; clientIp: string | null; protocol?: 'web' | 'imap'; event: string; detail?: Record<string, unknown> | null }) {
  await getDb()
    .insert(auditEvents)
    .values({ accountId: m.accountId, actorKind: 'mailbox', mailboxId: m.id, mailboxEmail: m.email, protocol: 'web', ...row });
}

/** `count` successes up to `at` added to the key's summary row, like a flush. */
async function counted(m: Mailbox, s: { at: Date; clientIp: string | null; protocol?: 'web' | 'imap'; count?: number; firstSeen?: Date }) {
  const firstSeen = s.firstSeen ?? s.at;
  await getDb()
    .insert(signInSummaries)
    .values({ accountId: m.accountId, mailboxId: m.id, protocol: s.protocol ?? 'web', credential: 'password', clientIp: s.clientIp ?? '', firstSeen, lastSeen: s.at, count: s.count ?? 1, auditedAt: firstSeen })
    .onConflictDoUpdate({
      target: [signInSummaries.mailboxId, signInSummaries.protocol, signInSummaries.credential, signInSummaries.clientIp],
      set: { count: sql`${signInSummaries.count} + excluded.count`, lastSeen: greaterOf(signInSummaries.lastSeen, sql`excluded.last_seen`) },
    });
}

describe('impactSignIns', () => {
  it("groups the last 30 days' password-proven sign-ins by address, newest first", async () => {
    const m = await mailbox();
    await signIn(m, daysAgo(1), '203.0.113.5', 'login_succeeded');
    await signIn(m, daysAgo(2), '203.0.113.5', 'login_succeeded', undefined, 'imap');
    await signIn(m, daysAgo(3), '198.51.100.9', 'login_failed', 'network_not_allowed');
    await signIn(m, daysAgo(4), '2001:db8::7', 'login_succeeded');
    await signIn(m, daysAgo(0.5), '2001:db8::7', 'login_failed', 'password_change_required');
    // Not counted: a wrong password, an unknown-mailbox attempt, and anything older than 30 days.
    await signIn(m, daysAgo(1), '192.0.2.66', 'login_failed', 'bad_password');
    await signIn(m, daysAgo(1), '192.0.2.67', 'login_failed', 'throttled');
    await signIn(m, daysAgo(31), '192.0.2.68', 'login_succeeded');
    const other = await mailbox();
    await signIn(other, daysAgo(1), '192.0.2.99', 'login_succeeded');

    const { groups, truncated } = await impactSignIns(issueAccountScope(m.accountId), m.email, NOW);
    expect(truncated).toBe(false);
    expect(groups).toEqual([
      { address: '2001:db8::7', attempts: 2, succeeded: 1, lastAt: daysAgo(0.5).toISOString(), lastResult: 'password_change_required', protocols: ['web'], wouldRefuse: 0 },
      { address: '203.0.113.5', attempts: 2, succeeded: 2, lastAt: daysAgo(1).toISOString(), lastResult: 'signed_in', protocols: ['imap', 'web'], wouldRefuse: 0 },
      { address: '198.51.100.9', attempts: 1, succeeded: 0, lastAt: daysAgo(3).toISOString(), lastResult: 'network_not_allowed', protocols: ['web'], wouldRefuse: 0 },
    ]);
  });

  it("treats another account's mailbox as not found", async () => {
    const m = await mailbox();
    const other = await mailbox();
    await expect(impactSignIns(issueAccountScope(other.accountId), m.email, NOW)).rejects.toThrow(NotFoundError);
    await expect(impactPreview(issueAccountScope(other.accountId), m.email, '203.0.113.0/24', NOW)).rejects.toThrow(NotFoundError);
  });
});

describe('impactPreview', () => {
  it('lists the addresses the draft would refuse', async () => {
    const m = await mailbox();
    await signIn(m, daysAgo(1), '203.0.113.5', 'login_succeeded');
    await signIn(m, daysAgo(2), '198.51.100.9', 'login_succeeded');
    await signIn(m, daysAgo(3), '::ffff:198.51.100.10', 'login_succeeded');
    await signIn(m, daysAgo(4), '2001:db8::1', 'login_succeeded');
    await signIn(m, daysAgo(5), null, 'login_succeeded');
    const preview = await impactPreview(issueAccountScope(m.accountId), m.email, '203.0.113.0/24, 2001:db8::/32', NOW);
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.canonical).toBe('203.0.113.0/24,2001:db8::/32');
    expect(preview.considered).toBe(5);
    // The IPv4-mapped client is matched as IPv4 (refused here), and an unknown address fails every list.
    expect(preview.refused.map((g) => g.address)).toEqual(['198.51.100.9', '::ffff:198.51.100.10', null]);

    const mapped = await impactPreview(issueAccountScope(m.accountId), m.email, '198.51.100.0/24,203.0.113.5,2001:db8::1', NOW);
    expect(mapped.ok && mapped.refused.map((g) => g.address)).toEqual([null]);
  });

  it('refuses nothing for an empty draft (no restriction) and reports every invalid entry', async () => {
    const m = await mailbox();
    await signIn(m, daysAgo(1), '203.0.113.5', 'login_succeeded');
    expect(await impactPreview(issueAccountScope(m.accountId), m.email, '  ', NOW)).toMatchObject({ ok: true, canonical: null, considered: 1, refused: [] });
    const invalid = await impactPreview(issueAccountScope(m.accountId), m.email, '203.0.113.0/24, 10.0.0.0/33, nope', NOW);
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.errors.map((e) => e.entry)).toEqual(['10.0.0.0/33', 'nope']);
  });
});

describe('evaluateImpact', () => {
  it('is the same pure function the browser runs', () => {
    const groups = [{ address: '192.0.2.1', attempts: 1, succeeded: 1, lastAt: NOW.toISOString(), lastResult: 'signed_in', protocols: ['web'] }];
    expect(evaluateImpact('192.0.2.0/24', groups)).toMatchObject({ ok: true, refused: [] });
    expect(evaluateImpact('192.0.3.0/24', groups)).toMatchObject({ ok: true, refused: groups });
  });
});

describe('evaluateImpact with sets and expiry', () => {
  it('expands @sets and leaves out entries expired at the given time', () => {
    const groups = ['192.0.2.1', '198.51.100.7'].map((address) => ({ address, attempts: 1, succeeded: 1, lastAt: NOW.toISOString(), lastResult: 'signed_in', protocols: ['web'] }));
    const sets = { office: { canonical: '192.0.2.0/24', meta: null } };
    const meta = { '198.51.100.7': { expiresAt: NOW.getTime() } };
    const before = evaluateImpact('@office,198.51.100.7', groups, { sets, meta, now: NOW.getTime() - 1 });
    expect(before.ok && before.refused).toEqual([]);
    const after = evaluateImpact('@office,198.51.100.7', groups, { sets, meta, now: NOW.getTime() });
    expect(after.ok && after.refused.map((g) => g.address)).toEqual(['198.51.100.7']);
    expect(evaluateImpact('@unknown', groups, { sets }).ok).toBe(false);
  });
});

describe('lockoutCheck', () => {
  it('does not ask to confirm a draft that only keeps refusing the addresses the stored list already refuses', async () => {
    // The stored list is 203.0.113.0/24; the mailbox's only recent address is refused by it already.
    const m = await mailbox();
    await signIn(m, daysAgo(1), '192.0.2.7', 'login_failed', 'network_not_allowed');
    const added = await lockoutCheck(issueAccountScope(m.accountId), m.email, '203.0.113.0/24, 198.51.100.0/24', NOW);
    expect(refusesEveryAddress(added.impact)).toBe(true);
    expect(added.locksOut).toBe(false);
  });

  it('asks to confirm a draft that refuses every recent address when the stored list admits one of them', async () => {
    const m = await mailbox();
    await signIn(m, daysAgo(1), '203.0.113.5', 'login_succeeded');
    await signIn(m, daysAgo(2), '192.0.2.7', 'login_failed', 'network_not_allowed');
    expect((await lockoutCheck(issueAccountScope(m.accountId), m.email, '198.51.100.0/24', NOW)).locksOut).toBe(true);
    // A draft that still admits one recent address locks nobody out.
    expect((await lockoutCheck(issueAccountScope(m.accountId), m.email, '198.51.100.0/24, 203.0.113.5', NOW)).locksOut).toBe(false);
  });

  it("treats another account's mailbox as not found", async () => {
    const m = await mailbox();
    const other = await mailbox();
    await expect(lockoutCheck(issueAccountScope(other.accountId), m.email, '198.51.100.0/24', NOW)).rejects.toThrow(NotFoundError);
  });
});

describe('locksOut', () => {
  const groups = [{ address: '192.0.2.1', attempts: 1, succeeded: 1, lastAt: NOW.toISOString(), lastResult: 'signed_in', protocols: ['web'] }];
  it('needs the draft to refuse every address and the current list to admit one of them', () => {
    const refusing = evaluateImpact('198.51.100.0/24', groups);
    expect(locksOut(refusing, () => true)).toBe(true);
    expect(locksOut(refusing, () => false)).toBe(false);
    expect(locksOut(evaluateImpact('192.0.2.0/24', groups), () => true)).toBe(false);
    expect(locksOut(evaluateImpact('198.51.100.0/24', []), () => true)).toBe(false);
  });
});

describe('impactSignIns reads successes from the sign-in summaries (spec §19)', () => {
  const imap = (clientIp: string) => ({ ...testContext, clientIp, protocol: 'imap' as const, actor: { kind: 'mailbox' as const } });
  const successRows = async (m: Mailbox) => (await getDb().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.mailboxId, m.id), eq(auditEvents.event, 'login_succeeded')))).length;

  it('50 warm logins from one address: the preview shows 50 and the latest time, from one audit row', async () => {
    const m = await mailbox();
    const writer = new SignInSummaryWriter();
    const start = Date.now() - 3_600_000;
    const key = { accountId: m.accountId, mailboxId: m.id, mailboxEmail: m.email, protocol: 'imap' as const, credential: 'password', clientIp: '198.51.100.7' };
    for (let i = 0; i < 50; i++) {
      const pending = writer.record(imap('198.51.100.7'), key, undefined, start + i * 60_000);
      if (pending) await pending;
    }
    await writer.stop();
    expect(await successRows(m)).toBe(1);
    const latest = new Date(start + 49 * 60_000).toISOString();
    const { groups } = await impactSignIns(issueAccountScope(m.accountId), m.email);
    expect(groups).toEqual([{ address: '198.51.100.7', attempts: 50, succeeded: 50, lastAt: latest, lastResult: 'signed_in', protocols: ['imap'], wouldRefuse: 0 }]);
    const preview = await impactPreview(issueAccountScope(m.accountId), m.email, '203.0.113.0/24');
    expect(preview.ok && preview.refused).toEqual([expect.objectContaining({ address: '198.51.100.7', attempts: 50, succeeded: 50, lastAt: latest })]);
  });

  it('warns about an address seen in the window only through its summary (its audit row is older than 30 days)', async () => {
    // Used daily: its audit row is from 30.5 days ago (the next one is due 24 h after it, so none followed
    // in the window), the summary was last seen 29.9 days ago.
    const m = await mailbox();
    await audit(m, { at: daysAgo(30.5), clientIp: '203.0.113.5', protocol: 'imap', event: 'login_succeeded' });
    await counted(m, { at: daysAgo(29.9), firstSeen: daysAgo(30.5), clientIp: '203.0.113.5', protocol: 'imap', count: 40 });
    // Out of the window: last seen 31 days ago.
    await counted(m, { at: daysAgo(31), clientIp: '203.0.113.9', protocol: 'imap', count: 7 });
    const scope = issueAccountScope(m.accountId);
    const { groups } = await impactSignIns(scope, m.email, NOW);
    expect(groups).toEqual([{ address: '203.0.113.5', attempts: 40, succeeded: 40, lastAt: daysAgo(29.9).toISOString(), lastResult: 'signed_in', protocols: ['imap'], wouldRefuse: 0 }]);
    // The stored list (203.0.113.0/24) admits it, the draft refuses it: the lock-out warning.
    const check = await lockoutCheck(scope, m.email, '198.51.100.0/24', NOW);
    expect(check.impact.ok && check.impact.refused.map((g) => g.address)).toEqual(['203.0.113.5']);
    expect(check.locksOut).toBe(true);
    // A draft that admits it warns about nothing.
    expect((await lockoutCheck(scope, m.email, '203.0.113.5', NOW)).impact).toMatchObject({ ok: true, refused: [] });
  });

  it("adds an address's refusals after a correct password to its successes; the latest decides the result", async () => {
    const m = await mailbox();
    await counted(m, { at: daysAgo(3), clientIp: '203.0.113.5', protocol: 'imap', count: 120 });
    await counted(m, { at: daysAgo(2), clientIp: '203.0.113.5', protocol: 'web', count: 3 });
    await audit(m, { at: daysAgo(1), clientIp: '203.0.113.5', event: 'login_failed', detail: { reason: 'password_change_required' } });
    await audit(m, { at: daysAgo(0.5), clientIp: '203.0.113.5', event: 'login_failed', detail: { reason: 'bad_password' } });
    // A refusal followed by a later success: signed in.
    await audit(m, { at: daysAgo(4), clientIp: '192.0.2.8', event: 'login_failed', detail: { reason: 'network_not_allowed' } });
    await counted(m, { at: daysAgo(3.5), clientIp: '192.0.2.8', count: 2 });
    // Monitor mode: every success the list would refuse has an audit row of its own.
    await counted(m, { at: daysAgo(5), clientIp: null, count: 4 });
    for (const d of [5, 6]) await audit(m, { at: daysAgo(d), clientIp: null, event: 'login_succeeded', detail: { wouldRefuse: true } });
    // Another mailbox of the same account and a mailbox of another account.
    const sibling = { ...m, id: (await getDb().insert(mailboxes).values({ accountId: m.accountId, domainId: (await getDb().select({ d: mailboxes.domainId }).from(mailboxes).where(eq(mailboxes.id, m.id)))[0]!.d, email: `other.${m.email}`, passwordHash: 'x' }).returning({ id: mailboxes.id }))[0]!.id };
    await counted(sibling, { at: daysAgo(1), clientIp: '203.0.113.5', count: 1000 });
    const { groups, truncated } = await impactSignIns(issueAccountScope(m.accountId), m.email, NOW);
    expect(truncated).toBe(false);
    expect(groups).toEqual([
      { address: '203.0.113.5', attempts: 124, succeeded: 123, lastAt: daysAgo(1).toISOString(), lastResult: 'password_change_required', protocols: ['imap', 'web'], wouldRefuse: 0 },
      { address: '192.0.2.8', attempts: 3, succeeded: 2, lastAt: daysAgo(3.5).toISOString(), lastResult: 'signed_in', protocols: ['web'], wouldRefuse: 0 },
      { address: null, attempts: 4, succeeded: 4, lastAt: daysAgo(5).toISOString(), lastResult: 'signed_in', protocols: ['web'], wouldRefuse: 2 },
    ]);
  });

  it('past 500 addresses keeps the newest and still counts both parts of each kept address', async () => {
    const m = await mailbox();
    const n = MAX_IMPACT_ADDRESSES + 1;
    // 501 addresses with a success each, newer than the one below.
    await getDb()
      .insert(signInSummaries)
      .values(Array.from({ length: n }, (_, i) => ({ accountId: m.accountId, mailboxId: m.id, protocol: 'imap' as const, credential: 'password', clientIp: `10.0.${i >> 8}.${i & 255}`, firstSeen: daysAgo(2), lastSeen: new Date(daysAgo(2).getTime() + i * 1000), count: 1, auditedAt: daysAgo(2) })));
    // The oldest success of all (ranked past the first 501), but a refusal of today makes it the newest address.
    await counted(m, { at: daysAgo(10), clientIp: '203.0.113.77', protocol: 'imap', count: 9 });
    await audit(m, { at: daysAgo(0.1), clientIp: '203.0.113.77', event: 'login_failed', detail: { reason: 'network_not_allowed' } });
    const { groups, truncated } = await impactSignIns(issueAccountScope(m.accountId), m.email, NOW);
    expect(truncated).toBe(true);
    expect(groups).toHaveLength(MAX_IMPACT_ADDRESSES);
    expect(groups[0]).toEqual({ address: '203.0.113.77', attempts: 10, succeeded: 9, lastAt: daysAgo(0.1).toISOString(), lastResult: 'network_not_allowed', protocols: ['imap', 'web'], wouldRefuse: 0 });
    // The two oldest of the 501 are left out.
    expect(groups.map((g) => g.address)).not.toContain('10.0.0.0');
    expect(groups.map((g) => g.address)).not.toContain('10.0.0.1');
    expect(groups.at(-1)!.address).toBe('10.0.0.2');
  });

  it('a sign-in completed by its second factor is counted in the summaries, so the preview sees it', async () => {
    const { domain, accountId } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '198.51.100.0/24' });
    const ref = { id: box.id, email: box.email, accountId };
    await completeMailboxSignIn(ref, { ...testContext, clientIp: '198.51.100.20' }, 'totp');
    await completeMailboxSignIn(ref, { ...testContext, clientIp: '198.51.100.20' }, 'passkey');
    // Each still has its own audit row naming the method, and the last sign-in is recorded.
    const rows = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'login_succeeded')));
    expect(rows.map((r) => r.detail?.method).sort()).toEqual(['passkey', 'totp']);
    const [last] = await getDb().select({ ip: mailboxes.lastLoginIp, at: mailboxes.lastLoginAt }).from(mailboxes).where(eq(mailboxes.id, box.id));
    expect(last!.ip).toBe('198.51.100.20');
    expect(last!.at).not.toBeNull();
    const check = await lockoutCheck(issueAccountScope(accountId), box.email, '203.0.113.0/24');
    expect(check.impact.ok && check.impact.refused).toEqual([expect.objectContaining({ address: '198.51.100.20', attempts: 2, succeeded: 2, protocols: ['web'] })]);
    expect(check.locksOut).toBe(true);
  });
});
