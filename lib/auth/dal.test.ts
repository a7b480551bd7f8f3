import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { encodeSession, sessionCookie } from '@/lib/session/token';
import { createWebSession } from '@/lib/session/row';

/**
 * The data-access layer must refuse on its own, without proxy.ts: these tests call requireMailbox() with
 * only a cookie and the server-decided address, as a page or server action would.
 */
const request = { cookie: '', address: '' };

vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (name === sessionCookie('mailbox', false).name && request.cookie ? { value: request.cookie } : undefined) }),
  headers: async () => new Headers({ [CLIENT_ADDRESS_HEADER]: `unit-gate-token ${request.address}`, 'user-agent': 'vitest' }),
}));
vi.mock('next/navigation', () => ({
  redirect: (to: string) => {
    throw new Error(`REDIRECT ${to}`);
  },
}));
// React's request cache() only memoises inside a server request; here each call must run.
vi.mock('react', async (original) => ({ ...(await original<typeof import('react')>()), cache: <T>(fn: T) => fn }));

const { requireMailbox } = await import('./dal');

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
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    await as(box, '203.0.113.5');
    const session = await requireMailbox();
    expect(session.mailbox).toMatchObject({ id: box.id, email: box.email });
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
