import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { verifyAdminSignIn, verifyMailboxSignIn } from './sign-in';

const at = (clientIp: string | null) => ({ ...testContext, clientIp });

async function lastAudit(email: string) {
  return (await getDb().select({ event: auditEvents.event, detail: auditEvents.detail, clientIp: auditEvents.clientIp }).from(auditEvents).where(eq(auditEvents.mailboxEmail, email)).orderBy(desc(auditEvents.id)).limit(1))[0];
}

describe('verifyMailboxSignIn', () => {
  it('gives one generic result for every failure and audits the real reason', async () => {
    const { domain } = await makeAccount();
    const restricted = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    const inactive = await makeMailbox(domain, { active: false });
    const open = await makeMailbox(domain);
    const cases = [
      { email: restricted.email, password: MAILBOX_PASSWORD, reason: 'network_not_allowed' },
      { email: inactive.email, password: MAILBOX_PASSWORD, reason: 'inactive' },
      { email: open.email, password: 'Wrong-Password-123', reason: 'bad_password' },
      { email: `ghost@${domain}`, password: MAILBOX_PASSWORD, reason: 'unknown_mailbox' },
    ];
    for (const c of cases) {
      const result = await verifyMailboxSignIn({ email: c.email, password: c.password, context: at('198.51.100.9'), allowPendingReset: true });
      expect(result).toEqual({ ok: false, reason: 'failed' });
      expect(await lastAudit(c.email)).toMatchObject({ event: 'login_failed', detail: { reason: c.reason }, clientIp: '198.51.100.9' });
    }
  });

  it('denies a restricted mailbox when the client address is unknown', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '0.0.0.0/0,::/0' });
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at(null), allowPendingReset: true })).ok).toBe(false);
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('203.0.113.1'), allowPendingReset: true })).ok).toBe(true);
  });

  it('matches case-insensitively on the address, records the last sign-in', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '2001:db8::/32' });
    const result = await verifyMailboxSignIn({ email: `  ${box.email.toUpperCase()} `, password: MAILBOX_PASSWORD, context: at('2001:db8::5'), allowPendingReset: true });
    expect(result.ok).toBe(true);
    const row = (await getDb().select({ ip: mailboxes.lastLoginIp, at: mailboxes.lastLoginAt }).from(mailboxes).where(eq(mailboxes.id, box.id)).limit(1))[0]!;
    expect(row.ip).toBe('2001:db8::5');
    expect(row.at).toBeInstanceOf(Date);
  });

  it('a pending reset passes on the web and is refused for the API and mail protocols', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { requireResetPassword: true });
    const web = await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('198.51.100.2'), allowPendingReset: true });
    expect(web).toMatchObject({ ok: true, mailbox: { requireResetPassword: true } });
    const imap = await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: { ...at('198.51.100.2'), protocol: 'imap' }, allowPendingReset: false });
    expect(imap).toEqual({ ok: false, reason: 'password_change_required' });
    // The wrong password still gets the generic answer, so the flag is not revealed to a guesser.
    const guess = await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.2'), allowPendingReset: false });
    expect(guess).toEqual({ ok: false, reason: 'failed' });
  });

  it('throttles after 10 failures and says for how long', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    for (let i = 0; i < 10; i++) await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.3'), allowPendingReset: true });
    const result = await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('198.51.100.3'), allowPendingReset: true });
    expect(result).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });
    expect(await lastAudit(box.email)).toMatchObject({ detail: { reason: 'throttled' } });
  });

  it('spends one bcrypt comparison whether or not the mailbox exists, and for every refusal reason', async () => {
    // Counting comparisons instead of timing them: equal work per path, without a flaky clock on a busy machine.
    const { domain } = await makeAccount();
    const open = await makeMailbox(domain);
    const restricted = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    const inactive = await makeMailbox(domain, { active: false });
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      const attempts: [string, string][] = [
        [`nobody@${domain}`, 'Wrong-Password-123'],
        [open.email, 'Wrong-Password-123'],
        [restricted.email, MAILBOX_PASSWORD],
        [inactive.email, MAILBOX_PASSWORD],
        [open.email, MAILBOX_PASSWORD],
      ];
      for (const [i, [email, password]] of attempts.entries()) {
        compare.mockClear();
        await verifyMailboxSignIn({ email, password, context: at(`198.51.100.${60 + i}`), allowPendingReset: true });
        expect(compare, email).toHaveBeenCalledTimes(1);
      }
    } finally {
      compare.mockRestore();
    }
  });
});

describe('atomic throttling (attack: a burst of concurrent guesses)', () => {
  it('100 concurrent wrong sign-ins for one mailbox from one address evaluate at most the limit', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => verifyMailboxSignIn({ email: box.email, password: `Wrong-${i}-Password`, context: at('198.51.100.77'), allowPendingReset: true })),
      );
      expect(compare.mock.calls.length).toBeLessThanOrEqual(10);
      expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(90);
    } finally {
      compare.mockRestore();
    }
  });

  it('100 concurrent wrong admin sign-ins evaluate at most the limit too', async () => {
    const account = await makeAccount();
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      await Promise.all(Array.from({ length: 100 }, async () => await verifyAdminSignIn({ email: account.adminEmail, password: 'nope-nope-nope', context: at('198.51.100.78') })));
      expect(compare.mock.calls.length).toBeLessThanOrEqual(10);
    } finally {
      compare.mockRestore();
    }
  });

  it('a throttled burst adds one audit row per limiting bucket and window, with a count', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    for (let i = 0; i < 60; i++) await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.79'), allowPendingReset: true });
    const rows = await getDb().select({ detail: auditEvents.detail, count: auditEvents.count }).from(auditEvents).where(eq(auditEvents.mailboxEmail, box.email));
    const throttled = rows.filter((r) => r.detail?.reason === 'throttled');
    expect(throttled).toEqual([{ detail: { reason: 'throttled' }, count: 50 }]);
    expect(rows.filter((r) => r.detail?.reason === 'bad_password')).toHaveLength(10);
  });

  it('a concurrent throttled burst is counted in full, each refusal answered only once its count is committed', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    for (let i = 0; i < 10; i++) await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.81'), allowPendingReset: true });
    const throttledCount = async () =>
      (await getDb().select({ detail: auditEvents.detail, count: auditEvents.count }).from(auditEvents).where(eq(auditEvents.mailboxEmail, box.email)))
        .filter((r) => r.detail?.reason === 'throttled')
        .reduce((sum, r) => sum + r.count, 0);
    const first = await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.81'), allowPendingReset: true });
    expect(first).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await throttledCount()).toBe(1);
    const burst = await Promise.all(Array.from({ length: 200 }, () => verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at('198.51.100.81'), allowPendingReset: true })));
    expect(burst.every((r) => !r.ok && r.reason === 'throttled')).toBe(true);
    expect(await throttledCount()).toBe(201);
  });

  it('20 addresses of one IPv6 /64 share one budget', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    const results = [];
    for (let i = 1; i <= 20; i++) {
      results.push(await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at(`2001:db8:77:1::${i.toString(16)}`), allowPendingReset: true }));
    }
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(10);
  });

  it('a botnet cannot lock the owner out: the mailbox-wide limit spares its known networks', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('192.0.2.50'), allowPendingReset: true })).ok).toBe(true);
    for (let i = 0; i < 60; i++) {
      await verifyMailboxSignIn({ email: box.email, password: 'Wrong-Password-123', context: at(`203.0.113.${i}`), allowPendingReset: true });
    }
    expect(await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('203.0.113.200'), allowPendingReset: true })).toMatchObject({ reason: 'throttled' });
    // Another address of the owner's /24 still signs in.
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: at('192.0.2.51'), allowPendingReset: true })).ok).toBe(true);
  });
});

describe('verifyAdminSignIn', () => {
  it('signs in an admin and refuses a wrong password generically', async () => {
    const account = await makeAccount();
    const ok = await verifyAdminSignIn({ email: account.adminEmail, password: account.adminPassword, context: at('198.51.100.4') });
    expect(ok).toMatchObject({ ok: true, admin: { accountId: account.accountId } });
    expect(await verifyAdminSignIn({ email: account.adminEmail, password: 'nope-nope-nope', context: at('198.51.100.4') })).toEqual({ ok: false, reason: 'failed' });
    expect(await verifyAdminSignIn({ email: `nobody@${account.domain}`, password: 'nope-nope-nope', context: at('198.51.100.4') })).toEqual({ ok: false, reason: 'failed' });
  });
});
