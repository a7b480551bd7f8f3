import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { adminApiKeys, admins, apiSessions, auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { looksLikeApiKey } from '@/lib/auth/api-key';
import { signInToApi, verifyApiSession } from '@/lib/session/api-session';
import { adminStepSession, makeAccount, testContext } from '@/lib/testing/factories';
import { ValidationError } from '@/lib/errors';
import { operatorScope } from '@/lib/scope';
import { signOutOtherSessions } from '@/lib/sessions/service';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { changeOwnAdminPassword, setAdminPassword } from './service';
import { resetAdminTwoFactor } from './two-factor';

const at = (clientIp: string) => ({ ...testContext, protocol: 'api' as const, clientIp });

describe('admin API keys', () => {
  it('stores only a keyed hash; the key opens an account session; revocation ends it and refuses the key', async () => {
    const a = await makeAccount();
    const owner = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
    const { key, id } = await createApiKey(owner, { label: 'Backup script' }, testContext, await adminStepSession(owner.id));
    expect(looksLikeApiKey(key)).toBe(true);
    const [row] = await getDb().select({ hash: adminApiKeys.keyHash }).from(adminApiKeys).where(eq(adminApiKeys.id, id));
    expect(row!.hash).not.toContain(key.slice(5));
    const ok = await signInToApi({ user: a.adminEmail, pass: key, context: at('192.0.2.10') });
    expect(ok).toMatchObject({ ok: true, level: 'account' });
    const token = (ok as { token: string }).token;
    expect((await verifyApiSession(token, at('192.0.2.10'))).ok).toBe(true);
    expect((await listApiKeys(a.adminId))[0]).toMatchObject({ label: 'Backup script', status: 'active', lastUsedIp: '192.0.2.10' });
    // Another admin's address with this key: refused.
    const b = await makeAccount();
    expect(await signInToApi({ user: b.adminEmail, pass: key, context: at('192.0.2.10') })).toEqual({ ok: false, reason: 'failed' });
    await revokeApiKey(owner, id, testContext);
    expect((await verifyApiSession(token, at('192.0.2.10'))).ok).toBe(false);
    expect(await signInToApi({ user: a.adminEmail, pass: key, context: at('192.0.2.10') })).toEqual({ ok: false, reason: 'failed' });
  });

  it("holds the key's list and the admin's list; an expired key fails", async () => {
    const a = await makeAccount();
    const owner = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
    const { key } = await createApiKey(owner, { label: 'CI', allowNets: '192.0.2.0/24' }, testContext, await adminStepSession(owner.id));
    expect(await signInToApi({ user: a.adminEmail, pass: key, context: at('203.0.113.9') })).toEqual({ ok: false, reason: 'failed' });
    const ok = await signInToApi({ user: a.adminEmail, pass: key, context: at('192.0.2.7') });
    expect(ok.ok).toBe(true);
    // The session is refused from outside the key's list too.
    expect((await verifyApiSession((ok as { token: string }).token, at('203.0.113.9'))).ok).toBe(false);
    await getDb().update(admins).set({ allowNets: '198.51.100.0/24' }).where(eq(admins.id, a.adminId));
    expect(await signInToApi({ user: a.adminEmail, pass: key, context: at('192.0.2.7') })).toEqual({ ok: false, reason: 'failed' });
    await getDb().update(admins).set({ allowNets: null }).where(eq(admins.id, a.adminId));
    const { key: old, id } = await createApiKey(owner, { label: 'Old' }, testContext, await adminStepSession(owner.id));
    await getDb().update(adminApiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(adminApiKeys.id, id));
    expect(await signInToApi({ user: a.adminEmail, pass: old, context: at('192.0.2.7') })).toEqual({ ok: false, reason: 'failed' });
  });

  it('refuses bad input naming the field, and saves nothing', async () => {
    const a = await makeAccount();
    const owner = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
    await expect(createApiKey(owner, { label: '' }, testContext, await adminStepSession(owner.id))).rejects.toBeInstanceOf(ValidationError);
    await expect(createApiKey(owner, { label: 'x', expires: '2020-01-01' }, testContext, await adminStepSession(owner.id))).rejects.toThrow('today or later');
    await expect(createApiKey(owner, { label: 'x', expires: '2027-02-30' }, testContext, await adminStepSession(owner.id))).rejects.toThrow('must be a date');
    await expect(createApiKey(owner, { label: 'x', allowNets: '10.0.0.0/33' }, testContext, await adminStepSession(owner.id))).rejects.toBeInstanceOf(ValidationError);
    expect(await listApiKeys(a.adminId)).toEqual([]);
  });
});

describe('recovery ends standing credentials (spec §23)', () => {
  type Made = Awaited<ReturnType<typeof makeAccount>>;
  const recoveries: [string, string, (a: Made) => Promise<unknown>][] = [
    ["the operator's admin set --password", 'password_set', (a) => setAdminPassword(operatorScope, a.adminEmail, 'Velvet-Canyon-Prism-93', testContext)],
    ["the operator's admin set --reset-2fa", 'two_factor_reset', (a) => resetAdminTwoFactor(operatorScope, a.adminEmail, testContext)],
    ['"sign out everywhere else"', 'signed_out_everywhere', (a) => signOutOtherSessions({ kind: 'admin', id: a.adminId, email: a.adminEmail, accountId: a.accountId }, 'this-browser', testContext)],
    ["the admin's own password change", 'password_changed', (a) => changeOwnAdminPassword(a.adminId, { currentPassword: a.adminPassword, newPassword: 'Velvet-Canyon-Prism-93', reason: 'voluntary' }, testContext)],
  ];
  for (const [name, reason, recover] of recoveries) {
    it(`${name} revokes every key of the admin and ends the API sessions opened with them, audited`, async () => {
      const a = await makeAccount();
      const owner = { id: a.adminId, email: a.adminEmail, accountId: a.accountId };
      const first = await createApiKey(owner, { label: 'Backup' }, testContext, await adminStepSession(owner.id));
      const second = await createApiKey(owner, { label: 'CI' }, testContext, await adminStepSession(owner.id));
      const opened = await signInToApi({ user: a.adminEmail, pass: first.key, context: at('192.0.2.10') });
      expect(opened.ok).toBe(true);
      const token = (opened as { token: string }).token;
      // Another admin's key is not touched.
      const b = await makeAccount();
      const other = await createApiKey({ id: b.adminId, email: b.adminEmail, accountId: b.accountId }, { label: 'Other' }, testContext, await adminStepSession(b.adminId));

      await recover(a);

      expect((await verifyApiSession(token, at('192.0.2.10'))).ok).toBe(false);
      expect(await getDb().select({ id: apiSessions.id }).from(apiSessions).where(eq(apiSessions.apiKeyId, first.id))).toEqual([]);
      for (const { key } of [first, second]) expect(await signInToApi({ user: a.adminEmail, pass: key, context: at('192.0.2.10') })).toEqual({ ok: false, reason: 'failed' });
      expect((await listApiKeys(a.adminId)).map((k) => k.status)).toEqual(['revoked', 'revoked']);
      const audit = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.event, 'api_keys_revoked'), eq(auditEvents.accountId, a.accountId)));
      expect(audit.map((r) => r.detail)).toEqual([{ admin: a.adminEmail, count: 2, reason }]);
      expect((await signInToApi({ user: b.adminEmail, pass: other.key, context: at('192.0.2.10') })).ok).toBe(true);
    });
  }
});
