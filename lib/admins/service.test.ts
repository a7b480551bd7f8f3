import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { admins } from '@/db/schema';
import { getDb } from '@/db';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { adminStepSession, makeAccount, testContext } from '@/lib/testing/factories';
import { operatorScope } from '@/lib/scope';
import { addAdmin, changeOwnAdminPassword, listAdmins, removeAdmin, setAdminActive, setAdminAllowNets } from './service';

const PASSWORD = 'Harbour-Lantern-Orbit-47';
const row = async (id: number) => (await getDb().select({ sv: admins.sessionVersion, must: admins.mustChangePassword, active: admins.active }).from(admins).where(eq(admins.id, id)).limit(1))[0]!;

describe('admins service', () => {
  it('adds an admin who must choose a password at first sign-in; a duplicate address is refused', async () => {
    const a = await makeAccount();
    const added = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    expect(added).toMatchObject({ email: `second@${a.domain}`, active: true, mustChangePassword: true });
    expect((await listAdmins(a.scope)).map((x) => x.email)).toEqual([a.adminEmail, `second@${a.domain}`].sort());
    await expect(addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId))).rejects.toThrow('not a mailbox or another admin');
    await expect(addAdmin(a.scope, { email: `third@${a.domain}`, password: 'short' }, testContext, await adminStepSession(a.adminId))).rejects.toBeInstanceOf(ValidationError);
  });

  it('never deactivates oneself or the last active admin; deactivation ends sessions (version bump)', async () => {
    const a = await makeAccount();
    await expect(setAdminActive(a.scope, a.adminEmail, false, testContext, null)).rejects.toThrow(ForbiddenError);
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    await expect(setAdminActive(a.scope, a.adminEmail, false, testContext, a.adminId)).rejects.toThrow('cannot deactivate yourself');
    const before = (await row(second.id)).sv;
    await setAdminActive(a.scope, second.email, false, testContext, a.adminId);
    expect(await row(second.id)).toMatchObject({ active: false, sv: before + 1 });
    await expect(setAdminActive(a.scope, a.adminEmail, false, testContext, second.id)).rejects.toThrow('last active admin');
    await setAdminActive(a.scope, second.email, true, testContext, a.adminId);
    expect((await row(second.id)).active).toBe(true);
  });

  it('the operator removes an admin (never the last active one); their sessions and keys go with them', async () => {
    const a = await makeAccount();
    await expect(removeAdmin(operatorScope, a.adminEmail, testContext)).rejects.toThrow('last active admin');
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    await removeAdmin(operatorScope, second.email, testContext);
    expect((await listAdmins(a.scope)).map((x) => x.email)).toEqual([a.adminEmail]);
    await expect(removeAdmin(operatorScope, second.email, testContext)).rejects.toThrow(NotFoundError);
  });

  it("keeps accounts apart: another account's admin is not found", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    expect((await listAdmins(a.scope)).map((x) => x.email)).not.toContain(b.adminEmail);
    await expect(setAdminActive(a.scope, b.adminEmail, false, testContext, a.adminId)).rejects.toThrow(NotFoundError);
    await expect(setAdminAllowNets(a.scope, b.adminEmail, '203.0.113.0/24', testContext)).rejects.toThrow(NotFoundError);
    expect((await listAdmins(operatorScope)).map((x) => x.email)).toEqual(expect.arrayContaining([a.adminEmail, b.adminEmail]));
  });

  it('refuses an own list that excludes the current address; the operator can always set it', async () => {
    const a = await makeAccount();
    await expect(setAdminAllowNets(a.scope, a.adminEmail, '198.51.100.0/24', testContext, '203.0.113.5')).rejects.toThrow('lock you out');
    expect((await setAdminAllowNets(a.scope, a.adminEmail, '203.0.113.0/24', testContext, '203.0.113.5')).allowNets).toBe('203.0.113.0/24');
    expect((await setAdminAllowNets(operatorScope, a.adminEmail, '198.51.100.0/24', testContext)).allowNets).toBe('198.51.100.0/24');
    expect((await setAdminAllowNets(operatorScope, a.adminEmail, '', testContext)).allowNets).toBeNull();
    await expect(setAdminAllowNets(operatorScope, a.adminEmail, '10.0.0.1/33', testContext)).rejects.toThrow(ValidationError);
  });

  it('changes the own password with the current one, clears the initial-password flag and bumps the version', async () => {
    const a = await makeAccount();
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    await expect(changeOwnAdminPassword(second.id, { currentPassword: 'wrong', newPassword: 'Velvet-Canyon-Prism-93', reason: 'voluntary' }, testContext)).rejects.toThrow('current password');
    const { sessionVersion } = await changeOwnAdminPassword(second.id, { newPassword: 'Velvet-Canyon-Prism-93', reason: 'forced' }, testContext);
    expect(await row(second.id)).toMatchObject({ must: false, sv: sessionVersion });
  });

  it("names the address as the admin's own in the own-address rule, and as the new admin's when adding one", async () => {
    const a = await makeAccount();
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext, await adminStepSession(a.adminId));
    const own = await changeOwnAdminPassword(second.id, { newPassword: 'Second-Velvet-Canyon-Prism-93', reason: 'forced' }, testContext).catch((e: unknown) => e);
    expect(own).toBeInstanceOf(ValidationError);
    expect((own as ValidationError).message).toContain('Do not use your e-mail address ("second") in the password.');
    expect((own as ValidationError).message).not.toContain('mailbox');
    const added = await addAdmin(a.scope, { email: `third@${a.domain}`, password: 'Third-Velvet-Canyon-Prism-93' }, testContext, await adminStepSession(a.adminId)).catch((e: unknown) => e);
    expect((added as ValidationError).message).toContain('Do not use the admin\'s e-mail address ("third") in the password.');
  });
});
