import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, domains, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { NotFoundError } from '@/lib/errors';
import { issueAccountScope } from '@/lib/session/account-scope';
import { impactPreview, impactSignIns, lockoutCheck } from './impact';
import { evaluateImpact, locksOut, refusesEveryAddress } from './sign-in-impact';

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

async function signIn(m: Mailbox, at: Date, clientIp: string | null, event: 'login_succeeded' | 'login_failed', reason?: string, protocol: 'web' | 'imap' = 'web') {
  await getDb()
    .insert(auditEvents)
    .values({ at, accountId: m.accountId, actorKind: 'mailbox', mailboxId: m.id, mailboxEmail: m.email, event, clientIp, protocol, detail: reason ? { reason } : null });
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
