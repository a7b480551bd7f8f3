import AxeBuilder from '@axe-core/playwright';
import { and, desc, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { accounts, admins, auditEvents } from '../db/schema';
import { accountWithAdmin, adminAt, adminSignIn, tamper } from './support/admin';
import { authenticate, call, rpc } from './support/api';
import { cli, clientAt, createAccount, createAdmin, dbOf, expect, strongPassword, submitAction, test } from './support/fixtures';

/** Spec §14: several admins per account, their own password, sessions and allowed networks. */

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const adminRow = (email: string) =>
  dbOf().select({ id: admins.id, active: admins.active, mustChangePassword: admins.mustChangePassword, allowNets: admins.allowNets }).from(admins).where(eq(admins.email, email)).get();
const audit = (accountId: number, event: string) =>
  dbOf().select({ detail: auditEvents.detail, actorEmail: auditEvents.actorEmail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event))).orderBy(desc(auditEvents.id)).all();

test.describe('several admins per account', () => {
  test('add an admin, who must choose a password at first sign-in; deactivate them; the last active admin stays', async ({ browser }) => {
    test.setTimeout(120_000);
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.201', admin);
    await page.goto('/admin/admins');
    await expectNoSeriousViolations(page, 'admins');
    // Alone: cannot deactivate oneself (no button) and is the last active admin.
    await expect(page.getByTestId('admins').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByRole('button', { name: /^Deactivate/ })).toHaveCount(0);

    const newEmail = `colleague@${account.domain}`;
    const initial = strongPassword();
    await page.getByLabel('Admin email address').fill(newEmail);
    await page.getByLabel('Initial password').fill('short');
    await submitAction(page, page.getByRole('button', { name: 'Add admin' }));
    await expect(page.locator('main [role="alert"]')).toContainText('Nothing was saved');
    expect(adminRow(newEmail)).toBeUndefined();
    await page.getByLabel('Admin email address').fill(newEmail);
    await page.getByLabel('Initial password').fill(initial);
    await submitAction(page, page.getByRole('button', { name: 'Add admin' }));
    await expect(page.getByRole('status')).toContainText(`Admin ${newEmail} added`);
    expect(adminRow(newEmail)).toMatchObject({ active: true, mustChangePassword: true });
    expect(audit(account.id, 'admin_added')[0]).toMatchObject({ actorEmail: admin.email, detail: { admin: newEmail } });

    // The colleague's first sign-in is confined to choosing a password.
    const colleague = await clientAt(browser, '198.51.100.202');
    const cPage = await colleague.newPage();
    await adminSignIn(cPage, { email: newEmail, password: initial });
    await expect(cPage).toHaveURL(/\/admin\/choose-password$/);
    await expectNoSeriousViolations(cPage, 'choose-password');
    await cPage.goto('/admin/mailboxes');
    await expect(cPage).toHaveURL(/\/admin\/choose-password$/);
    const chosen = strongPassword();
    await cPage.getByLabel('New password', { exact: true }).fill(chosen);
    await cPage.getByLabel('New password again').fill(chosen);
    await submitAction(cPage, cPage.getByRole('button', { name: 'Change password' }));
    await expect(cPage).toHaveURL(/\/admin\/mailboxes/);
    expect(adminRow(newEmail)?.mustChangePassword).toBe(false);

    // The first admin deactivates the colleague: their open session ends at once.
    await page.goto('/admin/admins');
    await submitAction(page, page.getByRole('button', { name: `Deactivate ${newEmail}` }));
    await expect(page.getByRole('status')).toContainText(`Admin ${newEmail} deactivated`);
    expect(adminRow(newEmail)?.active).toBe(false);
    await cPage.goto('/admin/mailboxes');
    await expect(cPage).toHaveURL(/\/admin\/login\?ended=1$/);
    expect(audit(account.id, 'admin_deactivated')[0]).toMatchObject({ detail: { admin: newEmail } });
    // Now the first admin is the last active one: the CLI refuses too.
    const refused = cli(['admin', 'set', '--email', admin.email, '--inactive']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('last active admin');
    await Promise.all([context.close(), colleague.close()]);
  });

  test("an admin of account A can neither see nor touch account B's admins", async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const colleague = createAdmin(account);
    const other = createAccount();
    const otherAdmin = createAdmin(other);
    createAdmin(other);
    const { context, page } = await adminAt(browser, '198.51.100.203', admin, { javaScriptEnabled: false });
    await page.goto('/admin/admins');
    await expect(page.getByTestId('admins')).toContainText(colleague.email);
    await expect(page.getByTestId('admins')).not.toContainText(otherAdmin.email);
    // A forged deactivation of B's admin (the form's hidden field edited) is "not found" and changes nothing.
    await tamper(page, 'form:has(button[aria-label^="Deactivate"]) input[name="email"]', otherAdmin.email);
    await page.getByRole('button', { name: `Deactivate ${colleague.email}` }).click();
    await expect(page.locator('main [role="alert"]')).toHaveText('That admin was not found in your account.');
    // The page words it from a code: the forged address is not echoed.
    await expect(page.locator('main')).not.toContainText(otherAdmin.email);
    expect(adminRow(otherAdmin.email)?.active).toBe(true);
    expect(adminRow(colleague.email)?.active).toBe(true);
    await context.close();
  });

  test('CLI admin add, set and list', async () => {
    const account = createAccount();
    const name = dbOf().select({ name: accounts.name }).from(accounts).where(eq(accounts.id, account.id)).get()!.name;
    const email = `ops-${Date.now()}@${account.domain}`;
    const added = cli(['admin', 'add', '--account', name, '--email', email], 'proxied', { PORTCULLIS_PASSWORD: strongPassword() });
    expect(added.status, added.stderr).toBe(0);
    const nets = cli(['admin', 'set', '--email', email, '--allow-nets', '203.0.113.0/24']);
    expect(nets.status, nets.stderr).toBe(0);
    const listed = cli(['admin', 'list', '--account', name, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ email, active: true, two_factor: false, allow_nets: '203.0.113.0/24', must_change_password: true })]);
    const bad = cli(['admin', 'set', '--email', email, '--allow-nets', '10.0.0.1/33']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('10.0.0.1/33');
  });
});

test.describe('admin security page', () => {
  test('own allowed networks: self-lockout refused; governs sign-in, open sessions and account-level API', async ({ browser, request }) => {
    test.setTimeout(120_000);
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '203.0.113.21', admin);
    await page.goto('/admin/security');
    await expectNoSeriousViolations(page, 'security');
    const { token } = await authenticate(request, admin.email, admin.password, '192.0.2.50');

    await page.getByLabel('Your allowed networks').fill('198.51.100.0/24');
    await submitAction(page, page.getByRole('button', { name: 'Save allowed networks' }));
    await expect(page.locator('main [role="alert"]')).toContainText('lock you out');
    expect(adminRow(admin.email)?.allowNets).toBeNull();

    await page.getByLabel('Your allowed networks').fill('203.0.113.0/24');
    await submitAction(page, page.getByRole('button', { name: 'Save allowed networks' }));
    await expect(page.getByRole('status')).toContainText('allowed networks have been saved');
    expect(adminRow(admin.email)?.allowNets).toBe('203.0.113.0/24');
    expect(audit(account.id, 'admin_allow_nets_changed')[0]).toMatchObject({ detail: { old: null, new: '203.0.113.0/24' } });

    // The API session from an unlisted address ends; a new one is refused there, allowed from the list.
    expect((await rpc(request, call('domain.list'), { token, ip: '192.0.2.50' })).json.error).toMatchObject({ code: 253 });
    expect((await rpc(request, call('auth', { user: admin.email, pass: admin.password }), { ip: '192.0.2.50' })).json.error).toMatchObject({ code: 2 });
    await authenticate(request, admin.email, admin.password, '203.0.113.22');

    // Web sign-in from an unlisted address fails with the generic message.
    const elsewhere = await clientAt(browser, '192.0.2.51');
    const ePage = await elsewhere.newPage();
    await adminSignIn(ePage, admin);
    await expect(ePage.locator('main [role="alert"]')).toContainText('Sign-in failed');
    expect(audit(account.id, 'admin_login_failed')[0]).toMatchObject({ detail: { reason: 'network_not_allowed' } });

    // The open session moving to an unlisted address is ended.
    await context.setExtraHTTPHeaders({ 'X-Forwarded-For': '192.0.2.52' });
    await page.goto('/admin/mailboxes');
    await expect(page).toHaveURL(/\/admin\/login\?ended=1$/);
    await Promise.all([context.close(), elsewhere.close()]);
  });

  test('password change ends the other sessions; sign out everywhere else keeps this one', async ({ browser }) => {
    const { admin } = accountWithAdmin();
    const one = await adminAt(browser, '198.51.100.204', admin);
    const two = await adminAt(browser, '198.51.100.205', admin);
    await one.page.goto('/admin/security');
    await expect(one.page.getByTestId('sessions').locator('tbody tr')).toHaveCount(2);
    await submitAction(one.page, one.page.getByRole('button', { name: 'Sign out everywhere else' }));
    await expect(one.page.getByRole('status')).toContainText('signed out everywhere else');
    await two.page.goto('/admin/mailboxes');
    await expect(two.page).toHaveURL(/\/admin\/login\?ended=1$/);

    const three = await adminAt(browser, '198.51.100.206', admin);
    await one.page.goto('/admin/security');
    const next = strongPassword();
    await one.page.getByLabel('Current password').fill(admin.password);
    await one.page.getByLabel('New password', { exact: true }).fill(next);
    await one.page.getByLabel('New password again').fill(next);
    await submitAction(one.page, one.page.getByRole('button', { name: 'Change password' }));
    await expect(one.page.getByRole('status')).toContainText('Your password has been changed');
    await three.page.goto('/admin/mailboxes');
    await expect(three.page).toHaveURL(/\/admin\/login\?ended=1$/);
    await one.page.goto('/admin/mailboxes');
    await expect(one.page).toHaveURL(/\/admin\/mailboxes$/);
    await Promise.all([one.context.close(), two.context.close(), three.context.close()]);
  });
});
