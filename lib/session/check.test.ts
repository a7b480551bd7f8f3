import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { admins, mailboxes, webSessions } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount, makeMailbox } from '@/lib/testing/factories';
import { checkAdminSession, checkMailboxSession } from './check';
import { createWebSession, deleteWebSession, hashSessionId, needsTouch, sessionRowProblem, TOUCH_INTERVAL_MS } from './row';
import { SESSION_LIFETIME_MS as SESSION_ABSOLUTE_MS } from './lifetime';

const MINUTE = 60_000;
const IDLE = 120 * MINUTE; // SESSION_IDLE_MINUTES default
const row = async (sid: string) =>
  (await getDb().select({ lastActiveAt: webSessions.lastActiveAt, lastIp: webSessions.lastIp }).from(webSessions).where(eq(webSessions.sidHash, hashSessionId(sid))).limit(1))[0];

async function mailboxSession(start: number) {
  const { domain } = await makeAccount();
  const box = await makeMailbox(domain);
  const sid = await createWebSession({ kind: 'mailbox', subjectId: box.id, sessionVersion: 1, clientIp: '203.0.113.5', userAgent: 'vitest' }, start);
  return { box, claims: { sid } };
}

describe('session row expiry (pure, injected clock)', () => {
  const start = Date.UTC(2030, 0, 1);
  const fresh = { lastActiveAt: new Date(start), expiresAt: new Date(start + SESSION_ABSOLUTE_MS) };
  it('admits a live row and refuses a missing one', () => {
    expect(sessionRowProblem(fresh, start + MINUTE, IDLE)).toBeNull();
    expect(sessionRowProblem(undefined, start, IDLE)).toBe('session_unknown');
  });
  it('ends a session idle for SESSION_IDLE_MINUTES, to the millisecond', () => {
    expect(sessionRowProblem(fresh, start + IDLE - 1, IDLE)).toBeNull();
    expect(sessionRowProblem(fresh, start + IDLE, IDLE)).toBe('session_idle');
  });
  it('ends a busy session at the absolute 12-hour limit', () => {
    const busy = { lastActiveAt: new Date(start + SESSION_ABSOLUTE_MS - MINUTE), expiresAt: fresh.expiresAt };
    expect(sessionRowProblem(busy, start + SESSION_ABSOLUTE_MS - 1, IDLE)).toBeNull();
    expect(sessionRowProblem(busy, start + SESSION_ABSOLUTE_MS, IDLE)).toBe('session_expired');
  });
  it('records activity at most once per interval', () => {
    expect(needsTouch(fresh, start + TOUCH_INTERVAL_MS - 1)).toBe(false);
    expect(needsTouch(fresh, start + TOUCH_INTERVAL_MS)).toBe(true);
  });
});

describe('checkMailboxSession with web_sessions', () => {
  it('passes with the row, touching last-active only once a minute, and refuses once the row is deleted', async () => {
    const start = Date.now();
    const { claims } = await mailboxSession(start);
    expect(await checkMailboxSession(claims, '203.0.113.9', start + 30_000)).toMatchObject({ ok: true });
    expect(await row(claims.sid)).toMatchObject({ lastActiveAt: new Date(start), lastIp: '203.0.113.5' });
    expect(await checkMailboxSession(claims, '203.0.113.9', start + 61_000)).toMatchObject({ ok: true });
    expect(await row(claims.sid)).toMatchObject({ lastActiveAt: new Date(start + 61_000), lastIp: '203.0.113.9' });
    expect(await deleteWebSession(claims.sid)).toBe(true);
    expect(await checkMailboxSession(claims, '203.0.113.9', start + 62_000)).toMatchObject({ ok: false, reason: 'session_unknown' });
  });

  it('ends an idle session (and deletes its row), while activity keeps it alive', async () => {
    const start = Date.now();
    const { claims } = await mailboxSession(start);
    // Active every 100 minutes: never idle for 120.
    for (let t = 100; t < 500; t += 100) expect(await checkMailboxSession(claims, null, start + t * MINUTE)).toMatchObject({ ok: true });
    expect(await checkMailboxSession(claims, null, start + 400 * MINUTE + IDLE)).toMatchObject({ ok: false, reason: 'session_idle' });
    expect(await row(claims.sid)).toBeUndefined();
  });

  it('ends a session after 12 hours however active', async () => {
    const start = Date.now();
    const { claims } = await mailboxSession(start);
    for (let t = 60; t < 720; t += 60) expect(await checkMailboxSession(claims, null, start + t * MINUTE)).toMatchObject({ ok: true });
    expect(await checkMailboxSession(claims, null, start + SESSION_ABSOLUTE_MS)).toMatchObject({ ok: false, reason: 'session_expired' });
  });

  it('takes the subject and version from the row, not the cookie: a bump ends it, another kind finds nothing', async () => {
    const start = Date.now();
    const { box, claims } = await mailboxSession(start);
    expect(await checkMailboxSession(claims, null, start)).toMatchObject({ ok: true, mailbox: { id: box.id } });
    // Attack: a mailbox session id presented in the admin cookie.
    expect(await checkAdminSession(claims, null, start)).toMatchObject({ ok: false, reason: 'session_unknown', subjectId: null });
    await getDb().update(mailboxes).set({ sessionVersion: 2 }).where(eq(mailboxes.id, box.id));
    expect(await checkMailboxSession(claims, null, start)).toMatchObject({ ok: false, reason: 'session_version', subjectId: box.id });
  });

  it('a row whose mailbox is gone ends as unknown_mailbox, naming the mailbox for the audit', async () => {
    const start = Date.now();
    const { box, claims } = await mailboxSession(start);
    await getDb().delete(mailboxes).where(eq(mailboxes.id, box.id));
    expect(await checkMailboxSession(claims, null, start)).toMatchObject({ ok: false, reason: 'unknown_mailbox', mailbox: null, subjectId: box.id });
  });
});

describe('checkAdminSession', () => {
  it('requires the row, an active admin and an address admitted by the admin list', async () => {
    const { adminId } = await makeAccount();
    const now = Date.now();
    const sid = await createWebSession({ kind: 'admin', subjectId: adminId, sessionVersion: 1, clientIp: null, userAgent: null }, now);
    const claims = { sid };
    expect(await checkAdminSession(claims, '203.0.113.5', now)).toMatchObject({ ok: true, admin: { id: adminId } });
    // A mailbox session id is no admin session.
    expect(await checkAdminSession({ ...claims, sid: 'x' }, '203.0.113.5', now)).toMatchObject({ ok: false, reason: 'session_unknown' });
    await getDb().update(admins).set({ allowNets: '198.51.100.0/24' }).where(eq(admins.id, adminId));
    expect(await checkAdminSession(claims, '203.0.113.5', now)).toMatchObject({ ok: false, reason: 'network_not_allowed' });
    expect(await checkAdminSession(claims, '198.51.100.7', now)).toMatchObject({ ok: true });
    await getDb().update(admins).set({ active: false }).where(eq(admins.id, adminId));
    expect(await checkAdminSession(claims, '198.51.100.7', now)).toMatchObject({ ok: false, reason: 'inactive' });
  });
});
