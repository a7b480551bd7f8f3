import bcrypt from 'bcrypt';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { operatorScope } from '@/lib/scope';
import { changeOwnPassword, createMailbox, deleteMailbox, getMailbox, listMailboxes, requirePasswordReset, setAllowNets, updateMailbox } from './service';

const row = async (id: number) =>
  (
    await getDb()
    .select({ allowNets: mailboxes.allowNets, sv: mailboxes.sessionVersion, reset: mailboxes.requireResetPassword, hash: mailboxes.passwordHash, memo: mailboxes.memo, active: mailboxes.active })
    .from(mailboxes)
    .where(eq(mailboxes.id, id))
  )[0]!;

describe('mailbox domain service', () => {
  it('stores allow_nets in canonical form and NULL for empty input', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    const { mailbox, changes } = await setAllowNets(scope, box.email, ' 198.51.100.7/24,\n2001:DB8:0::1 , ::ffff:192.0.2.0/120', testContext);
    expect(mailbox.allowNets).toBe('198.51.100.0/24,2001:db8::1,192.0.2.0/24');
    expect(changes).toEqual([{ field: 'allow_nets', old: null, new: '198.51.100.0/24,2001:db8::1,192.0.2.0/24' }]);
    for (const empty of ['', '   ', null]) {
      await setAllowNets(scope, box.email, '203.0.113.1', testContext);
      expect((await setAllowNets(scope, box.email, empty, testContext)).mailbox.allowNets).toBeNull();
    }
    expect((await row(box.id)).allowNets).toBeNull();
  });

  it('an invalid entry rejects the whole update, names every bad entry and saves nothing', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain, { allowNets: '203.0.113.0/24' });
    const before = await row(box.id);
    const error = await updateMailbox(scope, box.email, { allowNets: '10.0.0.0/8, 10.0.0.1/33, abc', memo: 'changed', requireResetPassword: true }, testContext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('allow_nets');
    expect((error as ValidationError).message).toContain('"10.0.0.1/33"');
    expect((error as ValidationError).message).toContain('"abc"');
    expect((error as ValidationError).details).toHaveLength(2);
    expect(await row(box.id)).toEqual(before);
  });

  it('forcing a password change bumps the session version and is audited with the actor; cancelling does not bump', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    const sv = (await row(box.id)).sv;
    await requirePasswordReset(scope, box.email, true, { ...testContext, actor: { kind: 'admin', id: 7, email: 'boss@x.test' } });
    expect(await row(box.id)).toMatchObject({ reset: true, sv: sv + 1 });
    await requirePasswordReset(scope, box.email, false, testContext);
    expect(await row(box.id)).toMatchObject({ reset: false, sv: sv + 1 });
    const audit = await getDb().select({ actorKind: auditEvents.actorKind, actorEmail: auditEvents.actorEmail, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'require_reset_password_changed')));
    expect(audit[0]).toEqual({ actorKind: 'admin', actorEmail: 'boss@x.test', detail: { old: false, new: true } });
  });

  it('admin-set passwords follow the policy; the same password only with samePasswordAllowed', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    await expect(updateMailbox(scope, box.email, { password: 'short' }, testContext)).rejects.toThrow('Use at least 12 characters');
    await expect(updateMailbox(scope, box.email, { password: MAILBOX_PASSWORD }, testContext)).rejects.toThrow('different from the current one');
    const sv = (await row(box.id)).sv;
    await updateMailbox(scope, box.email, { password: MAILBOX_PASSWORD, samePasswordAllowed: true }, testContext);
    expect((await row(box.id)).sv).toBe(sv + 1);
    await updateMailbox(scope, box.email, { password: 'Fresh-Ocean-Lantern-64' }, testContext);
    expect(bcrypt.compareSync('Fresh-Ocean-Lantern-64', (await row(box.id)).hash)).toBe(true);
  });

  it("another account's mailbox is not found for reading, changing and deleting; nothing changes", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const theirs = await makeMailbox(b.domain, { allowNets: '203.0.113.0/24' });
    const before = await row(theirs.id);
    await expect(getMailbox(a.scope, theirs.email)).rejects.toThrow(NotFoundError);
    await expect(setAllowNets(a.scope, theirs.email, '', testContext)).rejects.toThrow(NotFoundError);
    await expect(requirePasswordReset(a.scope, theirs.email, true, testContext)).rejects.toThrow(NotFoundError);
    await expect(deleteMailbox(a.scope, theirs.email, testContext)).rejects.toThrow(NotFoundError);
    await expect(createMailbox(a.scope, { email: `new@${b.domain}`, password: 'Fresh-Ocean-Lantern-64' }, testContext)).rejects.toThrow(NotFoundError);
    expect((await listMailboxes(a.scope, { domain: b.domain })).total).toBe(0);
    expect(await row(theirs.id)).toEqual(before);
  });

  it('creating a duplicate address is a conflict; the address is stored lower-case', async () => {
    const { domain, scope } = await makeAccount();
    const created = await createMailbox(scope, { email: `Mixed.Case@${domain.toUpperCase()}`, password: 'Fresh-Ocean-Lantern-64' }, testContext);
    expect(created.email).toBe(`mixed.case@${domain}`);
    await expect(createMailbox(scope, { email: `mixed.case@${domain}`, password: 'Fresh-Ocean-Lantern-64' }, testContext)).rejects.toThrow(ConflictError);
  });

  it('lists with search, filters, sort and pages', async () => {
    const { domain, scope } = await makeAccount();
    await makeMailbox(domain, { local: 'anna', allowNets: '203.0.113.1' });
    await makeMailbox(domain, { local: 'ben', requireResetPassword: true });
    await makeMailbox(domain, { local: 'cara_x', active: false });
    expect((await listMailboxes(scope, { filter: 'restricted' })).items.map((m) => m.email)).toEqual([`anna@${domain}`]);
    expect((await listMailboxes(scope, { filter: 'reset_pending' })).items.map((m) => m.email)).toEqual([`ben@${domain}`]);
    expect((await listMailboxes(scope, { filter: 'inactive' })).items.map((m) => m.email)).toEqual([`cara_x@${domain}`]);
    expect((await listMailboxes(scope, { filter: 'unrestricted' })).total).toBe(2);
    // LIKE wildcards in the search are literal characters.
    expect((await listMailboxes(scope, { search: 'a_x' })).items.map((m) => m.email)).toEqual([`cara_x@${domain}`]);
    expect((await listMailboxes(scope, { search: '_' })).total).toBe(1);
    const page2 = await listMailboxes(scope, { sort: 'email', order: 'desc', page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, items: [{ email: `anna@${domain}` }] });
  });

  it('changeOwnPassword: checks the current password (voluntary), the rules, and bumps the session version', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain, { requireResetPassword: true });
    await expect(changeOwnPassword(box.id, { reason: 'voluntary', currentPassword: 'wrong', newPassword: 'Fresh-Ocean-Lantern-64' }, testContext)).rejects.toThrow('current password is not correct');
    await expect(changeOwnPassword(box.id, { reason: 'forced', newPassword: MAILBOX_PASSWORD }, testContext)).rejects.toThrow('different from the current one');
    expect((await row(box.id)).reset).toBe(true);
    const sv = (await row(box.id)).sv;
    const result = await changeOwnPassword(box.id, { reason: 'forced', newPassword: 'Fresh-Ocean-Lantern-64' }, testContext);
    expect(result.sessionVersion).toBe(sv + 1);
    expect(await row(box.id)).toMatchObject({ reset: false, sv: sv + 1 });
  });

  it('a change moves updated_at and leaves created_at alone', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    await new Promise((r) => setTimeout(r, 20));
    const { mailbox } = await updateMailbox(scope, box.email, { memo: 'moved' }, testContext);
    expect(mailbox.createdAt.getTime()).toBe(box.createdAt.getTime());
    expect(mailbox.updatedAt.getTime()).toBeGreaterThan(box.updatedAt.getTime());
  });

  it('the operator scope reaches every account', async () => {
    const { domain } = await makeAccount();
    const box = await makeMailbox(domain);
    expect((await getMailbox(operatorScope, box.email)).id).toBe(box.id);
  });
});
