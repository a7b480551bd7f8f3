import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { mailKicks } from '@/db/schema';
import { getDb } from '@/db';
import { applyBulkChange } from '@/lib/mailboxes/bulk';
import { changeOwnPassword, deleteMailbox, updateMailbox } from '@/lib/mailboxes/service';
import { createNetSet, updateNetSet } from '@/lib/netsets/service';
import { endMailboxSessions, signOutOtherSessions } from '@/lib/sessions/service';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';

vi.hoisted(() => {
  process.env.MAIL_KICK_URL = 'http://127.0.0.1:1/doveadm/v1';
  process.env.MAIL_KICK_API_KEY = 'unit-test-doveadm-key';
});

/** The reasons queued for one address, in order. */
const queued = async (email: string) => (await getDb().select({ reason: mailKicks.reason }).from(mailKicks).where(eq(mailKicks.email, email)).orderBy(mailKicks.id)).map((r) => r.reason);

// Spec §18: everything that ends a mailbox's web sessions, and every change that may refuse its address,
// queues the end of its open mail connections in the same transaction.
describe('triggers of ending open mail connections', () => {
  it('a forced change, deactivation and a password set by an admin each queue one', async () => {
    const { domain, scope } = await makeAccount();
    const a = await makeMailbox(domain);
    await updateMailbox(scope, a.email, { requireResetPassword: true }, testContext);
    await updateMailbox(scope, a.email, { active: false }, testContext);
    await updateMailbox(scope, a.email, { password: 'Fresh-Harbor-Lantern-93' }, testContext);
    expect(await queued(a.email)).toEqual(['forced_change', 'deactivated', 'password']);
    // Undoing them gives access back: nothing to end.
    await updateMailbox(scope, a.email, { requireResetPassword: false, active: true, memo: 'back' }, testContext);
    expect(await queued(a.email)).toHaveLength(3);
  });

  it('the user\'s own password change, "sign out everywhere else" and "End all sessions" each queue one', async () => {
    const { domain, scope, accountId } = await makeAccount();
    const a = await makeMailbox(domain);
    await changeOwnPassword(a.id, { currentPassword: MAILBOX_PASSWORD, newPassword: 'Fresh-Harbor-Lantern-93', reason: 'voluntary' }, testContext);
    await signOutOtherSessions({ kind: 'mailbox', id: a.id, email: a.email, accountId }, 'current-sid', testContext);
    await endMailboxSessions(scope, a.email, testContext);
    expect(await queued(a.email)).toEqual(['password', 'sessions_ended', 'sessions_ended']);
  });

  it('a list change that takes a network away queues one; adding one, lifting it or monitor mode does not', async () => {
    const { domain, scope } = await makeAccount();
    const a = await makeMailbox(domain, { allowNets: '203.0.113.7' });
    await updateMailbox(scope, a.email, { allowNets: '203.0.113.7,198.51.100.0/24' }, testContext);
    expect(await queued(a.email)).toEqual([]);
    await updateMailbox(scope, a.email, { allowNets: '198.51.100.0/24' }, testContext);
    expect(await queued(a.email)).toEqual(['list']);
    await updateMailbox(scope, a.email, { allowNets: null }, testContext);
    expect(await queued(a.email)).toEqual(['list']);
    const b = await makeMailbox(domain);
    await updateMailbox(scope, b.email, { allowNets: '203.0.113.7' }, testContext);
    expect(await queued(b.email)).toEqual(['list']);
    await updateMailbox(scope, b.email, { allowNetsMode: 'monitor' }, testContext);
    await updateMailbox(scope, b.email, { allowNets: '198.51.100.7' }, testContext);
    expect(await queued(b.email)).toEqual(['list']);
    await updateMailbox(scope, b.email, { allowNetsMode: 'enforce' }, testContext);
    expect(await queued(b.email)).toEqual(['list', 'mode']);
  });

  it('an edit of a set that takes a network away queues one for every enforcing mailbox that references it', async () => {
    const { domain, scope, accountId } = await makeAccount();
    await createNetSet(accountId, { name: 'office', allowNets: '198.51.100.0/24,203.0.113.0/24' }, testContext);
    const users = [await makeMailbox(domain, { allowNets: '@office' }), await makeMailbox(domain, { allowNets: '192.0.2.1,@office' })];
    const watching = await makeMailbox(domain, { allowNets: '@office' });
    await updateMailbox(scope, watching.email, { allowNetsMode: 'monitor' }, testContext);
    const bystander = await makeMailbox(domain, { allowNets: '198.51.100.7' });
    await updateNetSet(accountId, 'office', { allowNets: '198.51.100.0/24,203.0.113.0/24,192.0.2.0/24' }, testContext);
    for (const m of [...users, watching, bystander]) expect(await queued(m.email)).toEqual([]);
    await updateNetSet(accountId, 'office', { allowNets: '198.51.100.0/24' }, testContext);
    for (const m of users) expect(await queued(m.email)).toEqual(['set']);
    expect(await queued(watching.email)).toEqual([]);
    expect(await queued(bystander.email)).toEqual([]);
  });

  it('a bulk forced change queues one per changed mailbox, in the bulk transaction', async () => {
    const { domain, scope } = await makeAccount();
    const boxes = [await makeMailbox(domain), await makeMailbox(domain), await makeMailbox(domain, { requireResetPassword: true })];
    await applyBulkChange(scope, { action: 'force_reset', target: { kind: 'selected', emails: boxes.map((b) => b.email) } }, testContext);
    expect(await queued(boxes[0]!.email)).toEqual(['forced_change']);
    expect(await queued(boxes[1]!.email)).toEqual(['forced_change']);
    expect(await queued(boxes[2]!.email)).toEqual([]);
    // A bulk change that fails (the confirmed count no longer matches) saves no disconnect either.
    const error = await applyBulkChange(scope, { action: 'replace_nets', allowNets: '192.0.2.1', target: { kind: 'selected', emails: boxes.map((b) => b.email) } }, testContext, { expectedCount: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await queued(boxes[2]!.email)).toEqual([]);
  });

  it('deleting a mailbox queues one', async () => {
    const { domain, scope } = await makeAccount();
    const a = await makeMailbox(domain);
    await deleteMailbox(scope, a.email, testContext);
    expect(await queued(a.email)).toEqual(['deleted']);
  });
});
