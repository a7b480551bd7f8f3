import bcrypt from 'bcrypt';
import { desc, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { appPasswords, auditEvents, mailKicks } from '@/db/schema';
import { getDb } from '@/db';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { setAccountPolicy, getAccountPolicy } from '@/lib/accounts/policy';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { operatorScope } from '@/lib/scope';
import { countAppPasswords, createAppPassword, MAX_APP_PASSWORD_CREATIONS_PER_HOUR, listAppPasswords, listAppPasswordsOf, revokeAppPassword, revokeAppPasswordOf } from './service';
import { MAX_APP_PASSWORDS } from './schema';

process.env.MAIL_AUTH_SECRET = 'unit-mail-auth-secret-0123456789';
process.env.IMAP_BACKEND = '10.1.2.3:1143';
process.env.SMTP_BACKEND = '10.1.2.3:1587';
process.env.MAIL_AUTH_WAIT_SECONDS = '2';
const { answerMailAuth } = await import('@/lib/mail-auth/handler');
const { toResponse } = await import('@/lib/mail-auth/response');
// What server.ts's table serves (lib/machine-endpoints/table.ts), in the web Response shape.
const GET = async (request: Request) => toResponse(await answerMailAuth(request.headers));

/** nginx's auth_http request for a login (Auth-Pass escaped as nginx does: space and % only here). */
async function imap(user: string, pass: string, options: { clientIp?: string; protocol?: string } = {}) {
  const response = await GET(
    new Request('http://portcullis.test/api/mail-auth', {
      headers: {
        'Auth-Method': 'plain',
        'Auth-User': user,
        'Auth-Pass': pass.replace(/%/g, '%25').replace(/ /g, '%20'),
        'Auth-Protocol': options.protocol ?? 'imap',
        'Auth-Login-Attempt': '1',
        'Client-IP': options.clientIp ?? '192.0.2.10',
        'X-Mail-Auth-Secret': process.env.MAIL_AUTH_SECRET!,
      },
    }),
  );
  return response.headers.get('auth-status');
}

const user = (box: { id: number; email: string }, accountId: number) => ({ id: box.id, email: box.email, accountId });
const userCtx = (email: string) => ({ actor: { kind: 'mailbox' as const, email }, clientIp: '192.0.2.10', protocol: 'web' as const });

async function audits(email: string) {
  return await getDb().select({ event: auditEvents.event, detail: auditEvents.detail, clientIp: auditEvents.clientIp }).from(auditEvents).where(eq(auditEvents.mailboxEmail, email)).orderBy(desc(auditEvents.id));
}
const kicks = async (email: string) => (await getDb().select({ reason: mailKicks.reason }).from(mailKicks).where(eq(mailKicks.email, email))).map((r) => r.reason);

async function setup(allowNets: string | null = null) {
  const account = await makeAccount();
  const box = await makeMailbox(account.domain, { allowNets });
  return { account, box, owner: user(box, account.accountId) };
}

describe('app passwords', () => {
  it('are shown once in four groups, stored only as a bcrypt hash, and audited', async () => {
    const { box, owner } = await setup();
    const { id, password } = await createAppPassword(owner, { label: "Anna's iPhone", protocols: ['imap', 'smtp'] }, userCtx(box.email));
    expect(password).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    const [row] = await getDb().select().from(appPasswords).where(eq(appPasswords.id, id));
    expect(row!.passwordHash).toMatch(/^\$2[ab]\$/);
    expect(JSON.stringify(row)).not.toContain(password.replaceAll(' ', ''));
    expect(await bcrypt.compare(password.replaceAll(' ', ''), row!.passwordHash)).toBe(true);
    expect((await listAppPasswords(box.id))[0]).toMatchObject({ id, label: "Anna's iPhone", protocols: ['imap', 'smtp'], allowNets: null, lastUsedAt: null });
    expect((await audits(box.email))[0]).toMatchObject({ event: 'app_password_created', detail: { label: "Anna's iPhone", protocols: ['imap', 'smtp'] } });
  });

  it('sign in over IMAP typed as shown and without the spaces, and record their last use and first use from an address', async () => {
    const { box, owner } = await setup();
    const { id, password } = await createAppPassword(owner, { label: 'Laptop', protocols: ['imap'] }, userCtx(box.email));
    expect(await imap(box.email, password)).toBe('OK');
    expect(await imap(box.email, password.replaceAll(' ', ''))).toBe('OK');
    expect(await imap(box.email, password.toUpperCase())).toBe('OK');
    const [used] = await listAppPasswords(box.id);
    expect(used).toMatchObject({ id, lastUsedAddress: '192.0.2.10', lastUsedProtocol: 'imap' });
    expect(used!.lastUsedAt).not.toBeNull();
    // Within a minute, from the same address and protocol, a login writes no new last use.
    expect(await imap(box.email, password)).toBe('OK');
    expect((await listAppPasswords(box.id))[0]!.lastUsedAt).toEqual(used!.lastUsedAt);
    expect(await imap(box.email, password, { clientIp: '192.0.2.11' })).toBe('OK');
    const events = (await audits(box.email)).map((a) => [a.event, a.clientIp]);
    // One "first use" row per new address, not one per login.
    expect(events.filter(([e]) => e === 'app_password_used')).toEqual([
      ['app_password_used', '192.0.2.11'],
      ['app_password_used', '192.0.2.10'],
    ]);
    expect((await audits(box.email)).find((a) => a.event === 'login_succeeded')).toMatchObject({ detail: { app_password_id: id, app_password: 'Laptop' } });
  });

  it('are refused for web sign-in and the API with the generic failure, after one bcrypt comparison as always', async () => {
    const { box, owner } = await setup();
    const { password } = await createAppPassword(owner, { label: 'Phone', protocols: ['imap', 'pop3', 'smtp'] }, userCtx(box.email));
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      for (const protocol of ['web', 'api'] as const) {
        for (const typed of [password, password.replaceAll(' ', '')]) {
          compare.mockClear();
          const result = await verifyMailboxSignIn({ email: box.email, password: typed, context: { ...testContext, protocol }, allowPendingReset: true });
          expect(result).toEqual({ ok: false, reason: 'failed' });
          expect(compare).toHaveBeenCalledTimes(1);
          expect((await audits(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'bad_password' } });
        }
      }
    } finally {
      compare.mockRestore();
    }
    // The account password still works there.
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: testContext, allowPendingReset: true })).ok).toBe(true);
  });

  it('are refused on a protocol they were not given, after expiry, and from an address their own list does not admit though the mailbox does', async () => {
    const { box, owner } = await setup('192.0.2.0/24');
    const imapOnly = await createAppPassword(owner, { label: 'IMAP only', protocols: ['imap'] }, userCtx(box.email));
    expect(await imap(box.email, imapOnly.password, { protocol: 'smtp' })).toBe('Invalid login or password');
    expect((await audits(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'app_password_protocol' } });

    const narrow = await createAppPassword(owner, { label: 'Office', protocols: ['imap'], allowNets: '192.0.2.128/25' }, userCtx(box.email));
    expect(await imap(box.email, narrow.password, { clientIp: '192.0.2.10' })).toBe('Invalid login or password');
    expect((await audits(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'app_password_network' } });
    expect(await imap(box.email, narrow.password, { clientIp: '192.0.2.200' })).toBe('OK');
    // Never wider than the mailbox's own list.
    const wide = await createAppPassword(owner, { label: 'Anywhere', protocols: ['imap'], allowNets: '0.0.0.0/0' }, userCtx(box.email));
    expect(await imap(box.email, wide.password, { clientIp: '198.51.100.1' })).toBe('Invalid login or password');
    expect((await audits(box.email))[0]).toMatchObject({ detail: { reason: 'network_not_allowed' } });

    await getDb().update(appPasswords).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(appPasswords.id, imapOnly.id));
    expect(await imap(box.email, imapOnly.password)).toBe('Invalid login or password');
    expect((await audits(box.email))[0]).toMatchObject({ detail: { reason: 'app_password_expired' } });
  });

  it('pay exactly one bcrypt comparison for every refusal, cached or not, so timing shows no reason', async () => {
    const { box, owner } = await setup('192.0.2.0/24');
    const ok = await createAppPassword(owner, { label: 'Works', protocols: ['imap'] }, userCtx(box.email));
    const narrow = await createAppPassword(owner, { label: 'Narrow', protocols: ['imap'], allowNets: '192.0.2.128/25' }, userCtx(box.email));
    // Warm the verification cache for both.
    expect(await imap(box.email, ok.password)).toBe('OK');
    expect(await imap(box.email, narrow.password, { clientIp: '192.0.2.200' })).toBe('OK');
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      for (const [pass, options] of [
        [narrow.password, { clientIp: '192.0.2.10' }], // own list refuses
        [ok.password, { protocol: 'smtp' }], // protocol refused
        ['abcd efgh jkmn pqrs', {}], // app-shaped guess
        ['Wrong-Password-123', {}],
      ] as const) {
        compare.mockClear();
        expect(await imap(box.email, pass, options)).toBe('Invalid login or password');
        expect(compare, pass).toHaveBeenCalledTimes(1);
      }
      // A warm success pays none.
      compare.mockClear();
      expect(await imap(box.email, ok.password)).toBe('OK');
      expect(compare).toHaveBeenCalledTimes(0);
    } finally {
      compare.mockRestore();
    }
  });

  it('a warm (cached) one is still refused once it expires or from outside its own networks, after a full comparison', async () => {
    const { box, owner } = await setup();
    const { id, password } = await createAppPassword(owner, { label: 'Warm', protocols: ['imap'], allowNets: '192.0.2.0/25' }, userCtx(box.email));
    expect(await imap(box.email, password)).toBe('OK');
    expect(await imap(box.email, password)).toBe('OK');
    // Each refusal pays the full comparison, never the cache's answer, so it takes as long as a wrong password.
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      expect(await imap(box.email, password, { clientIp: '192.0.2.200' })).toBe('Invalid login or password');
      expect(compare).toHaveBeenCalledTimes(1);
      await getDb().update(appPasswords).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(appPasswords.id, id));
      compare.mockClear();
      expect(await imap(box.email, password)).toBe('Invalid login or password');
      expect(compare).toHaveBeenCalledTimes(1);
    } finally {
      compare.mockRestore();
    }
    expect((await audits(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'app_password_expired' } });
  });

  it('at most 20 per mailbox', async () => {
    const { box, owner } = await setup();
    for (let i = 0; i < MAX_APP_PASSWORDS; i++) await createAppPassword(owner, { label: `App ${i}`, protocols: ['imap'] }, userCtx(box.email));
    await expect(createAppPassword(owner, { label: 'One more', protocols: ['imap'] }, userCtx(box.email))).rejects.toThrow(/20 app passwords already/);
    expect(await countAppPasswords(box.id)).toBe(MAX_APP_PASSWORDS);
  });

  it('cost a bcrypt hash each, so creating them is limited per mailbox and hour (creating and revoking in a loop stops)', async () => {
    const { box, owner } = await setup();
    for (let i = 0; i < MAX_APP_PASSWORD_CREATIONS_PER_HOUR; i++) {
      const { id } = await createAppPassword(owner, { label: `Loop ${i}`, protocols: ['imap'] }, userCtx(box.email));
      await revokeAppPassword(owner, id, userCtx(box.email));
    }
    await expect(createAppPassword(owner, { label: 'One more', protocols: ['imap'] }, userCtx(box.email))).rejects.toThrow(/at most 30 an hour/);
    expect(await countAppPasswords(box.id)).toBe(0);
  });

  it('refuse bad input and change nothing', async () => {
    const { box, owner } = await setup();
    await expect(createAppPassword(owner, { label: '', protocols: ['imap'] }, userCtx(box.email))).rejects.toThrow(/label/);
    await expect(createAppPassword(owner, { label: 'x', protocols: [] }, userCtx(box.email))).rejects.toThrow(/protocol/);
    await expect(createAppPassword(owner, { label: 'x', protocols: ['web' as 'imap'] }, userCtx(box.email))).rejects.toThrow(/IMAP, POP3 or SMTP/);
    await expect(createAppPassword(owner, { label: 'x', protocols: ['imap'], allowNets: '10.0.0.1/33' }, userCtx(box.email))).rejects.toThrow(/allow_nets/);
    await expect(createAppPassword(owner, { label: 'x', protocols: ['imap'], allowNets: '@office' }, userCtx(box.email))).rejects.toThrow(/allow_nets/);
    await expect(createAppPassword(owner, { label: 'x', protocols: ['imap'], expires: '2020-01-01' }, userCtx(box.email))).rejects.toThrow(/today or later/);
    expect(await countAppPasswords(box.id)).toBe(0);
  });

  it('revoked, are refused at once and end the mailbox\'s open mail connections', async () => {
    const { box, owner } = await setup();
    const { id, password } = await createAppPassword(owner, { label: 'Tablet', protocols: ['imap'] }, userCtx(box.email));
    expect(await imap(box.email, password)).toBe('OK');
    await revokeAppPassword(owner, id, userCtx(box.email));
    expect(await kicks(box.email)).toEqual(['app_password_revoked']);
    expect(await imap(box.email, password)).toBe('Invalid login or password');
    expect((await audits(box.email))[1]).toMatchObject({ event: 'app_password_revoked', detail: { app_password_id: id, label: 'Tablet' } });
    await expect(revokeAppPassword(owner, id, userCtx(box.email))).rejects.toThrow(/not found/);
  });

  it("another account's admin can neither list nor revoke them: not found, as for a missing mailbox", async () => {
    const { box, owner } = await setup();
    const other = await makeAccount();
    const { id } = await createAppPassword(owner, { label: 'Mine', protocols: ['imap'] }, userCtx(box.email));
    const ctx = { actor: { kind: 'admin' as const, id: other.adminId, email: other.adminEmail }, clientIp: '192.0.2.1' };
    await expect(listAppPasswordsOf(other.scope, box.email)).rejects.toThrow(`Mailbox ${box.email} not found`);
    await expect(revokeAppPasswordOf(other.scope, box.email, id, ctx)).rejects.toThrow(`Mailbox ${box.email} not found`);
    // Nor through a mailbox of their own.
    const theirs = await makeMailbox(other.domain);
    await expect(revokeAppPasswordOf(other.scope, theirs.email, id, ctx)).rejects.toThrow('App password not found');
    expect(await countAppPasswords(box.id)).toBe(1);
    expect(await listAppPasswordsOf(operatorScope, box.email)).toHaveLength(1);
  });
});

describe('"Mail apps must use app passwords"', () => {
  it('from off to on: the account password is refused on IMAP with the app-password message, app passwords and the web still work', async () => {
    const { account, box, owner } = await setup();
    const { password } = await createAppPassword(owner, { label: 'Mail', protocols: ['imap'] }, userCtx(box.email));
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('OK');
    const adminCtx = { actor: { kind: 'admin' as const, id: account.adminId, email: account.adminEmail }, clientIp: '192.0.2.1' };
    expect(await setAccountPolicy(account.scope, adminCtx, { require_app_passwords: true })).toMatchObject({ require_app_passwords: true });
    // The connections the account password opened end.
    expect(await kicks(box.email)).toEqual(['app_password_policy']);
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('Use an app password for mail apps');
    expect((await audits(box.email))[0]).toMatchObject({ event: 'login_failed', detail: { reason: 'app_password_required' } });
    // Only with the right password: a wrong one gets the generic failure.
    expect(await imap(box.email, 'Wrong-Password-123')).toBe('Invalid login or password');
    expect(await imap(box.email, password)).toBe('OK');
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: testContext, allowPendingReset: true })).ok).toBe(true);
    const [change] = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.event, 'account_policy_changed')).orderBy(desc(auditEvents.id)).limit(1);
    expect(change!.detail).toEqual({ policy: 'require_app_passwords', old: false, new: true });
    await setAccountPolicy(account.scope, adminCtx, { require_app_passwords: false });
    expect(await getAccountPolicy(account.scope)).toMatchObject({ require_app_passwords: false });
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('OK');
  });

  it('refuses the proven (cached) account password too', async () => {
    const { account, box } = await setup();
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('OK');
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('OK');
    await setAccountPolicy(account.scope, { actor: { kind: 'admin', id: account.adminId } }, { require_app_passwords: true });
    expect(await imap(box.email, MAILBOX_PASSWORD)).toBe('Use an app password for mail apps');
  });

  it('refuses unknown fields', async () => {
    const { account } = await setup();
    await expect(setAccountPolicy(account.scope, { actor: { kind: 'admin', id: account.adminId } }, { require_app_passwords: 'yes' as unknown as boolean })).rejects.toThrow(/require_app_passwords/);
  });
});
