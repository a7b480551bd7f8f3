import AxeBuilder from '@axe-core/playwright';
import { and, eq } from 'drizzle-orm';
import { adminApiKeys, auditEvents } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { call, INVALID_SESSION, rpc } from './support/api';
import { dbOf, expect, formAlert, rememberSecret, submitAction, test } from './support/fixtures';

/** Spec §14: API keys of an admin, created on /admin/security. */

const events = (accountId: number, event: string) =>
  dbOf().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event))).all();

test('an API key works, its allowed networks hold, an expired or revoked one fails; every use is audited', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { account, admin } = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.221', admin);
  await page.goto('/admin/security');

  // Bad input names the field and saves nothing.
  await page.getByLabel('Label').fill('Nightly');
  await page.getByLabel('Allowed networks for this key (optional)').fill('10.0.0.1/33');
  await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
  await expect(formAlert(page)).toContainText('10.0.0.1/33');
  expect(dbOf().select({ id: adminApiKeys.id }).from(adminApiKeys).where(eq(adminApiKeys.adminId, admin.id)).all()).toHaveLength(0);

  await page.getByLabel('Label').fill('Nightly');
  await page.getByLabel('Allowed networks for this key (optional)').fill('198.51.100.0/24');
  await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
  const key = (await page.getByTestId('new-api-key').innerText()).trim();
  rememberSecret(key);
  expect(key).toMatch(/^pcak_/);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // Stored hashed only.
  const stored = dbOf().select({ hash: adminApiKeys.keyHash }).from(adminApiKeys).where(eq(adminApiKeys.adminId, admin.id)).get()!;
  expect(stored.hash).not.toContain(key.slice(5));

  const ok = await rpc(request, call('auth', { user: admin.email, pass: key }), { ip: '198.51.100.50' });
  expect(ok.json.result).toMatchObject({ level: 'account' });
  const token = ok.json.result.session as string;
  rememberSecret(token);
  expect((await rpc(request, call('domain.list'), { token, ip: '198.51.100.50' })).json.result).toEqual([{ domain: account.domain }]);
  // Outside the key's list: refused at auth and for the open session.
  const outside = await rpc(request, call('auth', { user: admin.email, pass: key }), { ip: '203.0.113.5' });
  expect(outside.json.error).toMatchObject({ code: 2 });
  const wrongAddress = await rpc(request, call('auth', { user: `nobody@${account.domain}`, pass: key }), { ip: '198.51.100.50' });
  expect(wrongAddress.json.error).toMatchObject({ code: 2, message: outside.json.error.message });

  await page.goto('/admin/security');
  const row = page.getByTestId('api-keys').locator('tbody tr', { hasText: 'Nightly' });
  await expect(row).toContainText('198.51.100.50');
  await expect(row).toContainText('Active');

  // An expired key fails with the same generic error.
  await page.getByLabel('Label').fill('Old');
  await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
  const oldKey = (await page.getByTestId('new-api-key').innerText()).trim();
  rememberSecret(oldKey);
  dbOf().update(adminApiKeys).set({ expiresAt: new Date(Date.now() - 60_000) }).where(and(eq(adminApiKeys.adminId, admin.id), eq(adminApiKeys.label, 'Old'))).run();
  const expired = await rpc(request, call('auth', { user: admin.email, pass: oldKey }), { ip: '198.51.100.50' });
  expect(expired.json.error).toMatchObject({ code: 2, message: outside.json.error.message });

  // Revoked: the open session ends and the key no longer signs in.
  await page.goto('/admin/security');
  await submitAction(page, page.getByRole('button', { name: 'Revoke API key Nightly' }));
  await expect(page.getByRole('status')).toContainText('revoked');
  expect((await rpc(request, call('domain.list'), { token, ip: '198.51.100.50' })).json.error).toMatchObject({ code: INVALID_SESSION.code });
  expect((await rpc(request, call('auth', { user: admin.email, pass: key }), { ip: '198.51.100.50' })).json.error).toMatchObject({ code: 2 });

  expect(events(account.id, 'api_key_created')).toHaveLength(2);
  expect(events(account.id, 'api_key_used')).toHaveLength(1);
  expect(events(account.id, 'api_key_revoked')).toHaveLength(1);
  const reasons = events(account.id, 'admin_login_failed').map((e) => e.detail?.reason);
  expect(reasons).toEqual(expect.arrayContaining(['api_key_network_not_allowed', 'api_key_expired', 'api_key_revoked']));
  await page.goto('/admin/audit');
  await expect(page.locator('main')).toContainText('signed in to the API with the key "Nightly"');
  await context.close();
});
