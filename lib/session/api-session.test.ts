import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accounts, admins, apiSessions, auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { requirePasswordReset, setAllowNets } from '@/lib/mailboxes/service';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { verifyAdminSignIn, verifyMailboxSignIn } from './sign-in';
import { SESSION_LIFETIME_MS as API_SESSION_ABSOLUTE_MS } from '@/lib/session/lifetime';
import { API_SESSION_IDLE_MS, createApiSession, EXPIRED_API_SESSION_KEPT_MS, endApiSession, hashApiToken, signInToApi, verifyApiSession } from './api-session';

const at = (clientIp: string | null) => ({ ...testContext, protocol: 'api' as const, clientIp });
const sessionRow = async (token: string) =>
  (await getDb().select({ level: apiSessions.level, expiresAt: apiSessions.expiresAt, lastUsedAt: apiSessions.lastUsedAt }).from(apiSessions).where(eq(apiSessions.tokenHash, hashApiToken(token))).limit(1))[0];

async function mailSession(options: { allowNets?: string | null } = {}) {
  const account = await makeAccount();
  const box = await makeMailbox(account.domain, options);
  const result = await signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at('203.0.113.5') });
  if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
  return { account, box, token: result.token };
}

describe('API session tokens', () => {
  it('are 256 random bits, stored only as their SHA-256, expiring 20 minutes after creation', async () => {
    const { adminId } = await makeAccount();
    const now = new Date('2030-01-01T00:00:00Z');
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, now);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, now)).not.toBe(token);
    const stored = (await getDb().select({ tokenHash: apiSessions.tokenHash }).from(apiSessions)).map((r) => r.tokenHash);
    expect(stored).toContain(hashApiToken(token));
    expect(stored).not.toContain(token);
    expect(hashApiToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect((await sessionRow(token))?.expiresAt.getTime()).toBe(now.getTime() + API_SESSION_IDLE_MS);
  });

  it('slide: each use extends the expiry; 20 minutes without use ends the session', async () => {
    const { adminId } = await makeAccount();
    const start = Date.now();
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, new Date(start));
    const later = new Date(start + API_SESSION_IDLE_MS - 1000);
    expect(await verifyApiSession(token, at(null), later)).toMatchObject({ ok: true, session: { level: 'account', admin: { id: adminId } } });
    expect((await sessionRow(token))?.expiresAt.getTime()).toBe(later.getTime() + API_SESSION_IDLE_MS);
    // Past the original expiry but within 20 minutes of the last use: still valid.
    expect((await verifyApiSession(token, at(null), new Date(start + API_SESSION_IDLE_MS + 60_000))).ok).toBe(true);
    const idle = new Date(start + 3 * API_SESSION_IDLE_MS);
    expect(await verifyApiSession(token, at(null), idle)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessionRow(token)).toBeUndefined();
  });

  it("another client's sign-in does not turn a session that has just expired into an unknown one; rows expired for an hour are cleared", async () => {
    const { adminId } = await makeAccount();
    const start = Date.now();
    const justExpired = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, new Date(start));
    const longExpired = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, new Date(start - EXPIRED_API_SESSION_KEPT_MS - API_SESSION_IDLE_MS - 1000));
    // Someone else signs in just after the first session's expiry: the housekeeping keeps it, clears the old one.
    await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, new Date(start + API_SESSION_IDLE_MS + 1000));
    expect(await sessionRow(longExpired)).toBeUndefined();
    expect(await sessionRow(justExpired)).toBeDefined();
    expect(await verifyApiSession(justExpired, at(null), new Date(start + API_SESSION_IDLE_MS + 2000))).toEqual({ ok: false, reason: 'expired' });
    expect(await sessionRow(justExpired)).toBeUndefined();
  });

  it('end 12 hours after auth however often they are used (absolute lifetime)', async () => {
    const { adminId } = await makeAccount();
    const start = Date.now();
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 }, new Date(start));
    for (let t = 15; t < 720; t += 15) expect(await verifyApiSession(token, at(null), new Date(start + t * 60_000))).toMatchObject({ ok: true });
    expect((await sessionRow(token))?.expiresAt.getTime()).toBe(start + API_SESSION_ABSOLUTE_MS);
    expect(await verifyApiSession(token, at(null), new Date(start + API_SESSION_ABSOLUTE_MS))).toEqual({ ok: false, reason: 'expired' });
  });

  it('end an account-level session when the admin list no longer admits the address', async () => {
    const { adminId } = await makeAccount();
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 });
    expect(await verifyApiSession(token, at('203.0.113.5'))).toMatchObject({ ok: true });
    await getDb().update(admins).set({ allowNets: '198.51.100.0/24' }).where(eq(admins.id, adminId));
    expect(await verifyApiSession(token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'admin_session_ended' });
    expect(await verifyApiSession(token, at('198.51.100.1'))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuse a missing, unknown or oversized token', async () => {
    expect(await verifyApiSession(null, at(null))).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyApiSession('A'.repeat(43), at(null))).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifyApiSession('A'.repeat(5000), at(null))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('end an account-level session when the admin is signed out everywhere (version bump)', async () => {
    const { adminId } = await makeAccount();
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 });
    await getDb().update(admins).set({ sessionVersion: 2 }).where(eq(admins.id, adminId));
    expect(await verifyApiSession(token, at(null))).toEqual({ ok: false, reason: 'admin_session_ended' });
    expect(await sessionRow(token)).toBeUndefined();
  });

  it('end a mail-level session when a password change is forced, through any channel', async () => {
    const { account, box, token } = await mailSession();
    expect((await verifyApiSession(token, at('203.0.113.5'))).ok).toBe(true);
    await requirePasswordReset(account.scope, box.email, true, testContext);
    expect(await verifyApiSession(token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'session_version' });
    expect(await sessionRow(token)).toBeUndefined();
  });

  it('end a mail-level session when the current list no longer admits the current address, and audit it', async () => {
    const { account, box, token } = await mailSession({ allowNets: '203.0.113.0/24' });
    expect((await verifyApiSession(token, at('203.0.113.5'))).ok).toBe(true);
    // The same token from another address is refused: the address is checked on every request.
    expect(await verifyApiSession(token, at('198.51.100.5'))).toEqual({ ok: false, reason: 'network_not_allowed' });
    const second = (await signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at('203.0.113.5') })) as { ok: true; token: string };
    await setAllowNets(account.scope, box.email, '192.0.2.0/24', testContext);
    expect(await verifyApiSession(second.token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'network_not_allowed' });
    const audit = await getDb()
      .select({ event: auditEvents.event, detail: auditEvents.detail, protocol: auditEvents.protocol, count: auditEvents.count })
      .from(auditEvents)
      .where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'session_ended')));
    // Both endings share one aggregated row (same mailbox, reason and protocol within the window).
    expect(audit).toEqual([{ event: 'session_ended', detail: { reason: 'network_not_allowed', level: 'mail' }, protocol: 'api', count: 2 }]);
  });

  it('end a mail-level session of an inactive mailbox or one with a reset pending', async () => {
    const first = await mailSession();
    await getDb().update(mailboxes).set({ active: false }).where(eq(mailboxes.id, first.box.id));
    expect(await verifyApiSession(first.token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'inactive' });
    const second = await mailSession();
    // Set behind the service's back (no version bump): the flag alone still refuses the session.
    await getDb().update(mailboxes).set({ requireResetPassword: true }).where(eq(mailboxes.id, second.box.id));
    expect(await verifyApiSession(second.token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'password_change_required' });
  });

  it('account level: the scope is the admin\'s account; enrolment required ends it, an initial password does not (waived)', async () => {
    const { adminId, accountId } = await makeAccount();
    const token = await createApiSession({ level: 'account', subjectId: adminId, sessionVersion: 1 });
    expect(await verifyApiSession(token, at(null))).toMatchObject({ ok: true, session: { scope: { kind: 'account', accountId } } });
    await getDb().update(admins).set({ mustChangePassword: true }).where(eq(admins.id, adminId));
    expect((await verifyApiSession(token, at(null))).ok).toBe(true);
    await getDb().update(accounts).set({ requireTwoFactor: true }).where(eq(accounts.id, accountId));
    expect(await verifyApiSession(token, at(null))).toEqual({ ok: false, reason: 'admin_session_ended' });
    const [ended] = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'admin_session_ended'), eq(auditEvents.accountId, accountId)));
    expect(ended?.detail).toMatchObject({ reason: 'two_factor_required', level: 'account' });
  });

  it('mail level: the scope is the mailbox\'s account', async () => {
    const { account, token } = await mailSession();
    expect(await verifyApiSession(token, at('203.0.113.5'))).toMatchObject({ ok: true, session: { level: 'mail', scope: { kind: 'account', accountId: account.accountId } } });
  });

  it('endApiSession deletes an unexpired session once', async () => {
    const { token } = await mailSession();
    expect(await endApiSession(token)).toBe(true);
    expect(await endApiSession(token)).toBe(false);
    expect(await verifyApiSession(token, at('203.0.113.5'))).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('signInToApi', () => {
  it('gives an admin level account and a mailbox user level mail', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    expect(await signInToApi({ user: account.adminEmail.toUpperCase(), pass: account.adminPassword, context: at('198.51.100.1') })).toMatchObject({ ok: true, level: 'account' });
    expect(await signInToApi({ user: ` ${box.email} `, pass: MAILBOX_PASSWORD, context: at('198.51.100.1') })).toMatchObject({ ok: true, level: 'mail' });
  });

  it('fails alike for a wrong password, an unknown user, an inactive mailbox and a refused network', async () => {
    const account = await makeAccount();
    const open = await makeMailbox(account.domain);
    const inactive = await makeMailbox(account.domain, { active: false });
    const restricted = await makeMailbox(account.domain, { allowNets: '203.0.113.0/24' });
    const attempts = [
      { user: account.adminEmail, pass: 'Wrong-Password-123' },
      { user: open.email, pass: 'Wrong-Password-123' },
      { user: `ghost@${account.domain}`, pass: MAILBOX_PASSWORD },
      { user: inactive.email, pass: MAILBOX_PASSWORD },
      { user: restricted.email, pass: MAILBOX_PASSWORD },
    ];
    for (const attempt of attempts) {
      expect(await signInToApi({ ...attempt, context: at('198.51.100.2') })).toEqual({ ok: false, reason: 'failed' });
    }
    expect(await signInToApi({ user: restricted.email, pass: MAILBOX_PASSWORD, context: at('203.0.113.77') })).toMatchObject({ ok: true, level: 'mail' });
  });

  it('refuses a mailbox with a pending reset until the password is changed in webmail', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain, { requireResetPassword: true });
    expect(await signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at('198.51.100.3') })).toEqual({ ok: false, reason: 'password_change_required' });
    expect((await getDb().select({ id: apiSessions.id }).from(apiSessions).where(eq(apiSessions.subjectId, box.id)))).toEqual([]);
  });

  it('is throttled like the web sign-in', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    for (let i = 0; i < 10; i++) await signInToApi({ user: box.email, pass: `Wrong-${i}-Password`, context: at('198.51.100.4') });
    expect(await signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at('198.51.100.4') })).toMatchObject({ ok: false, reason: 'throttled' });
  });
});

describe('API auth throttling (attack: telling admins from mailboxes)', () => {
  it('answers an admin address and any other address alike from a full per-address bucket', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    const ip = '203.0.113.66';
    for (let i = 0; i < 50; i++) await signInToApi({ user: `nobody${i}@${account.domain}`, pass: 'wrong-password-1', context: at(ip) });
    const asAdmin = await signInToApi({ user: account.adminEmail, pass: 'wrong-password-1', context: at(ip) });
    const asMailbox = await signInToApi({ user: box.email, pass: 'wrong-password-1', context: at(ip) });
    expect(asAdmin).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });
    expect(asMailbox).toEqual(asAdmin);
  });

  it('fills the bucket alike whether the failing addresses are admins or not', async () => {
    const account = await makeAccount();
    const ip = '203.0.113.67';
    for (let i = 0; i < 50; i++) await signInToApi({ user: i % 2 ? account.adminEmail.replace('admin', `admin${i}`) : `x${i}@${account.domain}`, pass: 'wrong-password-1', context: at(ip) });
    expect(await signInToApi({ user: account.adminEmail, pass: account.adminPassword, context: at(ip) })).toMatchObject({ reason: 'throttled' });
  });
});

// Spec §23 "Admins and mailboxes are indistinguishable from outside": whatever was tried before, on whichever
// channel, an admin address, a mailbox address and an unknown one get the same answer next.
describe('finding 5: what was tried before limits every kind of address alike', () => {
  const keyShaped = (i: number) => `pcak_${String(i).padStart(43, 'k')}`;
  type Kind = 'admin' | 'mailbox' | 'unknown';
  const before: Record<string, (email: string, ip: string, i: number) => Promise<unknown>> = {
    '/login': (email, ip, i) => verifyMailboxSignIn({ email, password: `wrong-${i}`, context: { ...testContext, protocol: 'web', clientIp: ip }, allowPendingReset: true }),
    '/admin/login': (email, ip, i) => verifyAdminSignIn({ email, password: `wrong-${i}`, context: { ...testContext, protocol: 'web', clientIp: ip } }),
    'API auth with key-shaped passwords': (email, ip, i) => signInToApi({ user: email, pass: keyShaped(i), context: at(ip) }),
    'API auth with passwords': (email, ip, i) => signInToApi({ user: email, pass: `wrong-${i}`, context: at(ip) }),
  };
  const probes: Record<string, (email: string, ip: string) => Promise<unknown>> = {
    'API auth with a password': (email, ip) => signInToApi({ user: email, pass: 'wrong-again', context: at(ip) }),
    'API auth with a key': (email, ip) => signInToApi({ user: email, pass: keyShaped(99), context: at(ip) }),
    '/login': (email, ip) => verifyMailboxSignIn({ email, password: 'wrong-again', context: { ...testContext, protocol: 'web', clientIp: ip }, allowPendingReset: true }),
    '/admin/login': (email, ip) => verifyAdminSignIn({ email, password: 'wrong-again', context: { ...testContext, protocol: 'web', clientIp: ip } }),
  };
  let n = 0;
  for (const [channel, attempt] of Object.entries(before)) {
    it(`10 failures at ${channel}, then every channel answers admin, mailbox and unknown alike (throttled)`, async () => {
      const account = await makeAccount();
      const box = await makeMailbox(account.domain);
      const emails: Record<Kind, string> = { admin: account.adminEmail, mailbox: box.email, unknown: `nobody@${account.domain}` };
      const answers: Record<string, Record<Kind, unknown>> = {};
      for (const kind of ['admin', 'mailbox', 'unknown'] as const) {
        const ip = `203.0.113.${100 + n++}`;
        for (let i = 0; i < 10; i++) await attempt(emails[kind], ip, i);
        for (const [probe, ask] of Object.entries(probes)) (answers[probe] ??= {} as Record<Kind, unknown>)[kind] = await ask(emails[kind], ip);
      }
      for (const [probe, byKind] of Object.entries(answers)) {
        expect(byKind.admin, probe).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });
        expect(byKind.mailbox, probe).toEqual(byKind.admin);
        expect(byKind.unknown, probe).toEqual(byKind.admin);
      }
    });
  }
});

// Spec §23 "An office is not an attacker": 70 mailboxes whose own lists admit the office's address, signing in
// at once from it (before: the pending attempts filled the per-address bucket of 50 and 20 were refused).
describe('office behind one address (API)', () => {
  it('70 concurrent API sign-ins of 70 mailboxes whose lists admit the address all succeed', async () => {
    const account = await makeAccount();
    const boxes = await Promise.all(Array.from({ length: 70 }, () => makeMailbox(account.domain, { allowNets: '203.0.113.0/24' })));
    const results = await Promise.all(boxes.map((box) => signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at('203.0.113.200') })));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(Array(70).fill('ok'));
  });

  it('an admin whose list admits the office address gets in past a full per-address bucket, as a mailbox does; one without a list does not', async () => {
    const listed = await makeAccount();
    await getDb().update(admins).set({ allowNets: '203.0.113.0/24' }).where(eq(admins.id, listed.adminId));
    const unlisted = await makeAccount();
    const box = await makeMailbox(listed.domain, { allowNets: '203.0.113.0/24' });
    const ip = '203.0.113.201';
    for (let i = 0; i < 50; i++) await signInToApi({ user: `nobody${i}@${listed.domain}`, pass: 'wrong-password-1', context: at(ip) });
    expect(await signInToApi({ user: listed.adminEmail, pass: listed.adminPassword, context: at(ip) })).toMatchObject({ ok: true, level: 'account' });
    expect(await signInToApi({ user: box.email, pass: MAILBOX_PASSWORD, context: at(ip) })).toMatchObject({ ok: true, level: 'mail' });
    expect(await signInToApi({ user: unlisted.adminEmail, pass: unlisted.adminPassword, context: at(ip) })).toMatchObject({ ok: false, reason: 'throttled' });
    // A wrong password at a listed pair is answered as the cap answers anyone.
    expect(await signInToApi({ user: listed.adminEmail, pass: 'wrong-password-2', context: at(ip) })).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });
    expect(await signInToApi({ user: box.email, pass: 'wrong-password-2', context: at(ip) })).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });
  });
});
