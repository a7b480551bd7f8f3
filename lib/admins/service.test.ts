import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { admins } from '@/db/schema';
import { getDb } from '@/db';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { makeAccount, testContext } from '@/lib/testing/factories';
import { operatorScope } from '@/lib/scope';
import { addAdmin, changeOwnAdminPassword, listAdmins, setAdminActive, setAdminAllowNets } from './service';

const PASSWORD = 'Harbour-Lantern-Orbit-47';
const row = (id: number) => getDb().select({ sv: admins.sessionVersion, must: admins.mustChangePassword, active: admins.active }).from(admins).where(eq(admins.id, id)).get()!;

describe('admins service', () => {
  it('adds an admin who must choose a password at first sign-in; a duplicate address conflicts', async () => {
    const a = await makeAccount();
    const added = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext);
    expect(added).toMatchObject({ email: `second@${a.domain}`, active: true, mustChangePassword: true });
    expect(listAdmins(a.scope).map((x) => x.email)).toEqual([a.adminEmail, `second@${a.domain}`].sort());
    await expect(addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext)).rejects.toThrow('already exists');
    await expect(addAdmin(a.scope, { email: `third@${a.domain}`, password: 'short' }, testContext)).rejects.toBeInstanceOf(ValidationError);
  });

  it('never deactivates oneself or the last active admin; deactivation ends sessions (version bump)', async () => {
    const a = await makeAccount();
    expect(() => setAdminActive(a.scope, a.adminEmail, false, testContext, null)).toThrow(ForbiddenError);
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext);
    expect(() => setAdminActive(a.scope, a.adminEmail, false, testContext, a.adminId)).toThrow('cannot deactivate yourself');
    const before = row(second.id).sv;
    setAdminActive(a.scope, second.email, false, testContext, a.adminId);
    expect(row(second.id)).toMatchObject({ active: false, sv: before + 1 });
    expect(() => setAdminActive(a.scope, a.adminEmail, false, testContext, second.id)).toThrow('last active admin');
    setAdminActive(a.scope, second.email, true, testContext, a.adminId);
    expect(row(second.id).active).toBe(true);
  });

  it("keeps accounts apart: another account's admin is not found", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    expect(listAdmins(a.scope).map((x) => x.email)).not.toContain(b.adminEmail);
    expect(() => setAdminActive(a.scope, b.adminEmail, false, testContext, a.adminId)).toThrow(NotFoundError);
    expect(() => setAdminAllowNets(a.scope, b.adminEmail, '203.0.113.0/24', testContext)).toThrow(NotFoundError);
    expect(listAdmins(operatorScope).map((x) => x.email)).toEqual(expect.arrayContaining([a.adminEmail, b.adminEmail]));
  });

  it('refuses an own list that excludes the current address; the operator can always set it', async () => {
    const a = await makeAccount();
    expect(() => setAdminAllowNets(a.scope, a.adminEmail, '198.51.100.0/24', testContext, '203.0.113.5')).toThrow('lock you out');
    expect(setAdminAllowNets(a.scope, a.adminEmail, '203.0.113.0/24', testContext, '203.0.113.5').allowNets).toBe('203.0.113.0/24');
    expect(setAdminAllowNets(operatorScope, a.adminEmail, '198.51.100.0/24', testContext).allowNets).toBe('198.51.100.0/24');
    expect(setAdminAllowNets(operatorScope, a.adminEmail, '', testContext).allowNets).toBeNull();
    expect(() => setAdminAllowNets(operatorScope, a.adminEmail, '10.0.0.1/33', testContext)).toThrow(ValidationError);
  });

  it('changes the own password with the current one, clears the initial-password flag and bumps the version', async () => {
    const a = await makeAccount();
    const second = await addAdmin(a.scope, { email: `second@${a.domain}`, password: PASSWORD }, testContext);
    await expect(changeOwnAdminPassword(second.id, { currentPassword: 'wrong', newPassword: 'Velvet-Canyon-Prism-93', reason: 'voluntary' }, testContext)).rejects.toThrow('current password');
    const { sessionVersion } = await changeOwnAdminPassword(second.id, { newPassword: 'Velvet-Canyon-Prism-93', reason: 'forced' }, testContext);
    expect(row(second.id)).toMatchObject({ must: false, sv: sessionVersion });
  });
});
