import { describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { changeOwnAdminPassword } from '@/lib/admins/service';
import { ValidationError } from '@/lib/errors';
import { changeOwnPassword } from '@/lib/mailboxes/service';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { MAX_VOLUNTARY_CHANGES, voluntaryPasswordChange } from './voluntary-change';

const context = { ...testContext, clientIp: '198.51.100.40' };

// Issue 18 finding 7: 40 voluntary changes in a row (current password right, new = current) each cost two
// bcrypt runs and were never counted.
describe('voluntary password changes are counted, right or wrong', () => {
  it('mailbox: "new = current" is refused 10 times, then throttled without any bcrypt; audited in aggregate', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    const request = { realm: 'password-change', subject: box.email, context, audit: { event: 'password_change_refused', accountId: account.accountId, mailboxId: box.id, mailboxEmail: box.email } };
    const same = () => changeOwnPassword(box.id, { currentPassword: MAILBOX_PASSWORD, newPassword: MAILBOX_PASSWORD, reason: 'voluntary' }, context);
    for (let i = 0; i < MAX_VOLUNTARY_CHANGES; i++) await expect(voluntaryPasswordChange(request, same)).rejects.toBeInstanceOf(ValidationError);
    // From now on nothing is checked or hashed: the change is not even started.
    const started = vi.fn(same);
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await voluntaryPasswordChange(request, started));
    expect(results.every((r) => r.limited)).toBe(true);
    // Even a real change waits: every change costs bcrypt, so every one counts.
    const real = vi.fn(() => changeOwnPassword(box.id, { currentPassword: MAILBOX_PASSWORD, newPassword: 'Entirely-New-Password-77', reason: 'voluntary' }, context));
    expect(await voluntaryPasswordChange(request, real)).toMatchObject({ limited: true, retryAfterMinutes: 15 });
    expect(started).not.toHaveBeenCalled();
    expect(real).not.toHaveBeenCalled();
    const rows = await getDb().select({ detail: auditEvents.detail, count: auditEvents.count }).from(auditEvents).where(and(eq(auditEvents.event, 'password_change_refused'), eq(auditEvents.mailboxId, box.id)));
    expect(rows.map((r) => [r.detail?.reason, r.count]).sort()).toEqual([
      ['new_password_refused', MAX_VOLUNTARY_CHANGES],
      ['throttled', 31],
    ]);
  });

  it('admin: wrong current passwords and successful changes count alike', async () => {
    const account = await makeAccount();
    const request = { realm: 'admin-password-change', subject: account.adminEmail, context, audit: { event: 'admin_password_change_refused', accountId: account.accountId, detail: { admin: account.adminEmail } } };
    let current = account.adminPassword;
    for (let i = 0; i < MAX_VOLUNTARY_CHANGES / 2; i++) {
      await expect(voluntaryPasswordChange(request, () => changeOwnAdminPassword(account.adminId, { currentPassword: 'not-the-password', newPassword: 'Whatever-New-Pass-1', reason: 'voluntary' }, context))).rejects.toBeInstanceOf(ValidationError);
      const next = `Fresh-Granite-Cobalt-${i}x`;
      const previous = current;
      expect(await voluntaryPasswordChange(request, () => changeOwnAdminPassword(account.adminId, { currentPassword: previous, newPassword: next, reason: 'voluntary' }, context))).toMatchObject({ limited: false });
      current = next;
    }
    const last = current;
    expect(await voluntaryPasswordChange(request, () => changeOwnAdminPassword(account.adminId, { currentPassword: last, newPassword: 'One-More-Password-9', reason: 'voluntary' }, context))).toMatchObject({ limited: true });
    const rows = await getDb().select({ detail: auditEvents.detail, count: auditEvents.count }).from(auditEvents).where(and(eq(auditEvents.event, 'admin_password_change_refused'), eq(auditEvents.accountId, account.accountId)));
    expect(rows.map((r) => [r.detail?.reason, r.count]).sort()).toEqual([
      ['throttled', 1],
      ['wrong_current_password', MAX_VOLUNTARY_CHANGES / 2],
    ]);
  });
});
