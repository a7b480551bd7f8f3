import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { auditEvents, jobLeases, mailKicks, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { setAccountPolicy } from '@/lib/accounts/policy';
import { checkMailboxSession } from '@/lib/session/check';
import { createWebSession } from '@/lib/session/row';
import { JOBS } from '@/lib/schedule/registry';
import { runDueJobs } from '@/lib/jobs/runner';
import { makeAccount, makeMailbox, testContext } from '@/lib/testing/factories';
import { applyBulkChange } from './bulk';
import { listMailboxes } from './service';
import { ownPasswordAge, passwordAges } from './password-expiry';

vi.hoisted(() => {
  // Rows for every backend are written whatever this process's settings; nothing is delivered here.
  process.env.MAIL_KICK_URL = '';
});

const DAY = 86_400_000;
const expiryJob = JOBS.find((job) => job.name === 'password_expiry')!;
/**
 * `jobs run` of the routine check at a moved clock. The tests share the job's row and move the clock back
 * and forth: the job is made due first, so that every call runs it (and says so).
 */
async function runAt(now: number) {
  await getDb().update(jobLeases).set({ nextRunAt: new Date(0) }).where(eq(jobLeases.name, expiryJob.name));
  const outcomes = await runDueJobs({ jobs: [expiryJob], now });
  expect(outcomes.map((o) => `${o.status} ${o.result}`)).toEqual([expect.stringMatching(/^ran /)]);
  return outcomes;
}

async function boxRow(id: number) {
  const [row] = await getDb().select({ flagged: mailboxes.requireResetPassword, sessionVersion: mailboxes.sessionVersion, changedAt: mailboxes.passwordChangedAt }).from(mailboxes).where(eq(mailboxes.id, id));
  return row!;
}
const eventsOf = (id: number, event: string) => getDb().select().from(auditEvents).where(and(eq(auditEvents.mailboxId, id), eq(auditEvents.event, event)));

describe('routine check: passwords expire after N days (spec §21)', () => {
  it('does not flag at 20 days with a 30-day limit; flags at 40, ending the open web session and mail connections', async () => {
    const { domain, scope } = await makeAccount();
    await setAccountPolicy(scope, testContext, { password_max_age_days: 30 });
    const box = await makeMailbox(domain);
    const setAt = box.passwordChangedAt!.getTime();
    const before = await boxRow(box.id);
    const sid = await createWebSession({ kind: 'mailbox', subjectId: box.id, sessionVersion: before.sessionVersion, clientIp: testContext.clientIp, userAgent: null });
    const claims = { uid: box.id, sv: before.sessionVersion, sid };
    expect((await checkMailboxSession(claims, '198.51.100.1')).ok).toBe(true);

    expect((await runAt(setAt + 20 * DAY))[0]).toMatchObject({ status: 'ran', result: '0 mailboxes flagged' });
    expect((await boxRow(box.id)).flagged).toBe(false);
    expect((await checkMailboxSession(claims, '198.51.100.1')).ok).toBe(true);

    const [outcome] = await runAt(setAt + 40 * DAY);
    expect(outcome).toMatchObject({ status: 'ran' });
    const after = await boxRow(box.id);
    expect(after.flagged).toBe(true);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    // The open web session ends at its next request, as with an admin's forced change.
    expect(await checkMailboxSession(claims, '198.51.100.1')).toMatchObject({ ok: false, reason: 'session_version' });
    // Its open mail connections are ended (spec §18): the outbox row was written with the flag.
    expect((await getDb().select().from(mailKicks).where(eq(mailKicks.email, box.email))).map((k) => k.reason)).toEqual(['forced_change']);
    const [expired] = await eventsOf(box.id, 'password_expired');
    expect(expired).toMatchObject({ actorKind: 'system', detail: { max_age_days: 30 } });
    expect(await eventsOf(box.id, 'require_reset_password_changed')).toHaveLength(1);

    // A second run changes nothing: the flag is already set.
    await runAt(setAt + 41 * DAY);
    expect(await eventsOf(box.id, 'password_expired')).toHaveLength(1);
    expect((await boxRow(box.id)).sessionVersion).toBe(after.sessionVersion);
  });

  it('leaves mailboxes alone when the policy is off, and counts from creation where no change was recorded', async () => {
    const off = await makeAccount();
    const offBox = await makeMailbox(off.domain);
    const on = await makeAccount();
    await setAccountPolicy(on.scope, testContext, { password_max_age_days: 90 });
    const legacy = await makeMailbox(on.domain);
    const created = legacy.createdAt.getTime();
    // A mailbox from before password_changed_at was kept.
    await getDb().update(mailboxes).set({ passwordChangedAt: null }).where(eq(mailboxes.id, legacy.id));
    await runAt(created + 89 * DAY);
    expect((await boxRow(legacy.id)).flagged).toBe(false);
    await runAt(created + 3650 * DAY);
    expect((await boxRow(offBox.id)).flagged).toBe(false);
    expect((await boxRow(legacy.id)).flagged).toBe(true);
  });

  it('counts from the last change: a password changed on day 35 is not flagged on day 40 of a 30-day limit', async () => {
    const { domain, scope } = await makeAccount();
    await setAccountPolicy(scope, testContext, { password_max_age_days: 30 });
    const box = await makeMailbox(domain);
    const setAt = box.passwordChangedAt!.getTime();
    // The user changed it on day 35 (recorded), the run looks at day 40: 5 days old, not expired.
    await getDb().update(mailboxes).set({ passwordChangedAt: new Date(setAt + 35 * DAY) }).where(eq(mailboxes.id, box.id));
    await runAt(setAt + 40 * DAY);
    expect((await boxRow(box.id)).flagged).toBe(false);
  });

  it('reminds the user from day 16 of 30 (14 days before expiry), not before', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    const setAt = box.passwordChangedAt!.getTime();
    expect(await ownPasswordAge(box.id, setAt + 29 * DAY)).toEqual({ state: 'no-limit' });
    await setAccountPolicy(scope, testContext, { password_max_age_days: 30 });
    expect((await ownPasswordAge(box.id, setAt + 15 * DAY)).state).toBe('ok');
    expect(await ownPasswordAge(box.id, setAt + 16 * DAY)).toEqual({ state: 'reminder', expiresAt: setAt + 30 * DAY, daysLeft: 14 });
    expect(await ownPasswordAge(box.id, setAt + 29.5 * DAY)).toMatchObject({ state: 'reminder', daysLeft: 1 });
    expect((await ownPasswordAge(box.id, setAt + 30 * DAY)).state).toBe('expired');
  });

  it('filters the mailbox list by password age and counts the ages for the overview', async () => {
    const { domain, scope } = await makeAccount();
    const fresh = await makeMailbox(domain);
    const old = await makeMailbox(domain);
    const ancient = await makeMailbox(domain);
    const now = Date.now();
    await getDb().update(mailboxes).set({ passwordChangedAt: new Date(now - 100 * DAY) }).where(eq(mailboxes.id, old.id));
    await getDb().update(mailboxes).set({ passwordChangedAt: new Date(now - 400 * DAY) }).where(eq(mailboxes.id, ancient.id));
    const older = async (days: number) => (await listMailboxes(scope, { passwordOlderThanDays: days, now })).items.map((m) => m.email).sort();
    expect(await older(90)).toEqual([old.email, ancient.email].sort());
    expect(await older(365)).toEqual([ancient.email]);
    expect(await older(1)).not.toContain(fresh.email);
    expect(await passwordAges(scope, null, now)).toEqual({ under90: 1, from90to365: 1, over365: 1, expiringSoon: null });
    // Under a 110-day policy the 100-day-old password expires within 14 days; the 400-day one has expired.
    expect((await passwordAges(scope, 110, now)).expiringSoon).toBe(1);
    // Bulk "all matching" with the age filter changes exactly the mailboxes the filtered list shows.
    const result = await applyBulkChange(scope, { action: 'force_reset', target: { kind: 'matching', query: { passwordOlderThanDays: 90 } } }, testContext);
    expect(result.matched).toBe(2);
    expect((await boxRow(fresh.id)).flagged).toBe(false);
    expect((await boxRow(old.id)).flagged).toBe(true);
  });
});
