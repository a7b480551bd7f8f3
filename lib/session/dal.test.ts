import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { accounts, admins, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { encodeSession, sessionCookie } from '@/lib/session/token';
import { createWebSession } from '@/lib/session/row';

/**
 * The data-access layer must refuse on its own, without proxy.ts: these tests call requireMailbox() with
 * only a cookie and the server-decided address, as a page or server action would.
 */
const request = { cookie: '', adminCookie: '', address: '' };

vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) =>
      name === sessionCookie('mailbox', false).name && request.cookie
        ? { value: request.cookie }
        : name === sessionCookie('admin', false).name && request.adminCookie
          ? { value: request.adminCookie }
          : undefined,
  }),
  headers: async () => new Headers({ [CLIENT_ADDRESS_HEADER]: `unit-gate-token ${request.address}`, 'user-agent': 'vitest' }),
}));
vi.mock('next/navigation', () => ({
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
}));
// React's request cache() only memoises inside a server request; here each call must run.
vi.mock('react', async (original) => ({ ...(await original<typeof import('react')>()), cache: <T>(fn: T) => fn }));

const { requireAdmin, requireMailbox, requirePendingAdmin } = await import('./dal');

async function as(mailbox: { id: number }, address: string) {
  const sv = (await getDb().select({ sv: mailboxes.sessionVersion }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).limit(1))[0]!.sv;
  const sid = await createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: sv, clientIp: address, userAgent: 'vitest' });
  request.cookie = await encodeSession({ kind: 'mailbox', sid });
  request.address = address;
}

describe('requireMailbox (data-access layer)', () => {
  beforeEach(() => {
    request.cookie = '';
    request.address = '';
  });

  it('without a session sends to sign-in', async () => {
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login');
  });

  it('passes a valid session from an allowed address and returns the gate-checked mailbox', async () => {
    const { domain, accountId } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    await as(box, '203.0.113.5');
    const session = await requireMailbox();
    expect(session.mailbox).toMatchObject({ id: box.id, email: box.email });
    // The scope services take is issued here, for the mailbox's own account.
    expect(session.scope).toEqual({ kind: 'account', accountId });
    expect(session.clientIp).toBe('203.0.113.5');
  });

  it('ends the session when the current list no longer admits the address', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    await as(box, '203.0.113.5');
    await getDb().update(mailboxes).set({ allowNets: '198.51.100.0/24' }).where(eq(mailboxes.id, box.id));
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login?ended=1');
  });

  it('ends the session after a session-version bump or deactivation', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    await as(box, '198.51.100.5');
    await getDb().update(mailboxes).set({ sessionVersion: sql`${mailboxes.sessionVersion} + 1` }).where(eq(mailboxes.id, box.id));
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login?ended=1');
    await as(box, '198.51.100.5');
    await getDb().update(mailboxes).set({ active: false }).where(eq(mailboxes.id, box.id));
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login?ended=1');
  });

  it('confines a pending forced change to the change-password flow', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { requireResetPassword: true });
    await as(box, '198.51.100.6');
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /change-password');
    await expect(requireMailbox('password-choice')).resolves.toMatchObject({ mailbox: { id: box.id, requireResetPassword: true } });
  });

  it('treats a forged or foreign-kind token as no session', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    request.cookie = await encodeSession({ kind: 'admin', sid: await createWebSession({ kind: 'admin', subjectId: box.id, sessionVersion: 1, clientIp: null, userAgent: null }) });
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login');
    request.cookie = 'not-a-jwt';
    await expect(requireMailbox()).rejects.toThrow('REDIRECT /login');
  });
});

describe('requireAdmin and requirePendingAdmin (data-access layer)', () => {
  beforeEach(() => {
    request.adminCookie = '';
    request.address = '198.51.100.9';
  });

  async function asAdmin(patch: { mustChangePassword?: boolean; requireTwoFactor?: boolean; pending?: boolean }) {
    const { accountId, adminId } = await makeAccount();
    await getDb().update(admins).set({ mustChangePassword: patch.mustChangePassword ?? false }).where(eq(admins.id, adminId));
    await getDb().update(accounts).set({ requireTwoFactor: patch.requireTwoFactor ?? false }).where(eq(accounts.id, accountId));
    const sid = await createWebSession({ kind: 'admin', subjectId: adminId, sessionVersion: 1, clientIp: null, userAgent: null, pending: patch.pending ? 'second_factor' : undefined });
    request.adminCookie = await encodeSession({ kind: 'admin', sid });
    return { accountId, adminId };
  }

  it('admits a plain admin with the scope of their own account', async () => {
    const { accountId, adminId } = await asAdmin({});
    await expect(requireAdmin()).resolves.toMatchObject({ admin: { id: adminId }, scope: { kind: 'account', accountId } });
    // The verify page is done with: back to the console.
    await expect(requirePendingAdmin()).rejects.toThrow('REDIRECT /admin');
  });

  it('a pending second factor opens the verify page only, even for sign-out', async () => {
    await asAdmin({ pending: true, mustChangePassword: true });
    await expect(requirePendingAdmin()).resolves.toMatchObject({ admin: { mustChangePassword: true } });
    await expect(requireAdmin()).rejects.toThrow('REDIRECT /admin/login/verify');
    await expect(requireAdmin('sign-out')).rejects.toThrow('REDIRECT /admin/login/verify');
  });

  it('password choice before enrolment, and the password-choice page admits an admin who needs both (no redirect loop)', async () => {
    await asAdmin({ mustChangePassword: true, requireTwoFactor: true });
    await expect(requireAdmin()).rejects.toThrow('REDIRECT /admin/choose-password');
    await expect(requireAdmin('enrolment')).rejects.toThrow('REDIRECT /admin/choose-password');
    await expect(requireAdmin('password-choice')).resolves.toMatchObject({ admin: { mustChangePassword: true, enrolmentRequired: true } });
    await expect(requireAdmin('sign-out')).resolves.toMatchObject({ admin: { mustChangePassword: true } });
  });

  it('an account requiring two-factor confines an admin without it to enrolment', async () => {
    await asAdmin({ requireTwoFactor: true });
    await expect(requireAdmin()).rejects.toThrow('REDIRECT /admin/two-factor');
    await expect(requireAdmin('password-choice')).rejects.toThrow('REDIRECT /admin/two-factor');
    await expect(requireAdmin('enrolment')).resolves.toMatchObject({ admin: { enrolmentRequired: true } });
  });
});
