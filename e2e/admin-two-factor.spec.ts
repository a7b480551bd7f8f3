import AxeBuilder from '@axe-core/playwright';
import { and, desc, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { admins, auditEvents } from '../db/schema';
import { accountWithAdmin, adminAt, adminSignIn, tamper } from './support/admin';
import { call, rpc } from './support/api';
import { cli, clientAt, createAccount, createAdmin, dbOf, expect, formAlert, submitAction, test } from './support/fixtures';
import { codeAt, enrolTotp, enterCode } from './support/two-factor';

/** Spec §14: TOTP two-factor for admins, the two-step sign-in, the account policy and the API's `totp`. */

const GENERIC = 'That code did not work. Enter the current code from your authenticator app, or one of your unused recovery codes.';
const USED = 'That code was already used. Wait until your authenticator app shows a new code, or enter one of your unused recovery codes.';

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const audits = (accountId: number, event: string) =>
  dbOf().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event))).orderBy(desc(auditEvents.id)).all();

async function adminSignOut(page: Page) {
  await page.goto('/admin/security');
  await submitAction(page, page.getByRole('button', { name: 'Sign out', exact: true }));
  await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
}

test.describe('admin two-factor (TOTP)', () => {
  test('enrol, then sign in with a code; a wrong code fails, a replayed one says it was used; a recovery code works once; codes work without JavaScript', async ({ browser }) => {
    test.setTimeout(180_000);
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.211', admin);
    await page.goto('/admin/security');
    await expect(page.getByTestId('two-factor-status')).toContainText('Off');
    await page.getByRole('link', { name: 'Set up two-factor' }).click();
    await expect(page).toHaveURL(/\/admin\/two-factor$/);
    await expectNoSeriousViolations(page, 'two-factor start');

    // A wrong code does not turn it on.
    await submitAction(page, page.getByRole('button', { name: 'Set up an authenticator app' }));
    await page.getByLabel('Code from your app').fill('000000');
    await submitAction(page, page.getByRole('button', { name: 'Turn on two-factor' }));
    await expect(formAlert(page)).toContainText('That code is not correct');
    expect(dbOf().select({ on: admins.totpEnabledAt }).from(admins).where(eq(admins.id, admin.id)).get()?.on).toBeNull();

    const { secret, recoveryCodes } = await enrolTotp(page, (name) => expectNoSeriousViolations(page, name));
    await expectNoSeriousViolations(page, 'recovery codes');
    const stored = dbOf().select({ secret: admins.totpSecret, on: admins.totpEnabledAt }).from(admins).where(eq(admins.id, admin.id)).get()!;
    expect(stored.on).not.toBeNull();
    // Stored encrypted: the clear secret is nowhere in the row.
    expect(stored.secret).not.toContain(secret);
    await page.getByRole('link', { name: /continue/ }).click();
    await expect(page.getByTestId('two-factor-status')).toContainText('Recovery codes left: 10');
    await expectNoSeriousViolations(page, 'security with two-factor');
    await adminSignOut(page);

    // Password step: a pending session that opens nothing but the verify page.
    await adminSignIn(page, admin);
    await expect(page).toHaveURL(/\/admin\/login\/verify/);
    await expectNoSeriousViolations(page, 'verify');
    for (const path of ['/admin/mailboxes', '/admin/security', '/admin/admins', '/admin/audit']) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/admin\/login\/verify$/);
    }
    // The pending cookie is refused by the data-access layer too (a route handler the proxy passes on).
    const exported = await context.request.get('/admin/audit/export', { maxRedirects: 0 });
    expect(exported.status()).toBeGreaterThanOrEqual(300);
    expect(exported.status()).toBeLessThan(400);
    expect(await exported.text()).not.toContain(admin.email);

    await enterCode(page, '000000');
    await expect(formAlert(page)).toHaveText(GENERIC);
    const current = codeAt(secret);
    await enterCode(page, current);
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await adminSignOut(page);

    // The same code again (replay): refused, and the person (past the password step) is told why.
    await adminSignIn(page, admin);
    await enterCode(page, current);
    await expect(formAlert(page)).toHaveText(USED);
    // A recovery code (typed in capitals) works once.
    await enterCode(page, recoveryCodes[0]!.toUpperCase());
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await page.goto('/admin/security');
    await expect(page.getByTestId('two-factor-status')).toContainText('Recovery codes left: 9');
    await adminSignOut(page);
    await adminSignIn(page, admin);
    await enterCode(page, recoveryCodes[0]!);
    await expect(formAlert(page)).toHaveText(USED);
    // (A wrong recovery code gets the generic message: lib/admins/two-factor.test.ts. One more failure here
    // would reach the 5-per-15-minutes limit before the step without JavaScript below.)

    const reasons = audits(account.id, 'admin_second_factor_failed').map((r) => r.detail?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['wrong_code', 'replayed_code', 'used_recovery_code']));
    expect(audits(account.id, 'admin_recovery_code_used')).toHaveLength(1);
    expect(audits(account.id, 'admin_two_factor_enabled')).toHaveLength(1);
    expect(audits(account.id, 'admin_login_succeeded').map((r) => r.detail?.method)).toEqual(expect.arrayContaining(['totp', 'recovery_code']));

    // Without JavaScript: password, then the next step's code.
    const plain = await clientAt(browser, '198.51.100.212', { javaScriptEnabled: false });
    const plainPage = await plain.newPage();
    await adminSignIn(plainPage, admin);
    await expect(plainPage).toHaveURL(/\/admin\/login\/verify/);
    await plainPage.getByLabel('Code', { exact: true }).fill(codeAt(secret, 1));
    await plainPage.getByRole('button', { name: 'Verify' }).click();
    await expect(plainPage).toHaveURL(/\/admin\/mailboxes$/);
    await Promise.all([context.close(), plain.close()]);
  });

  test('the verify page is only reachable after a correct password', async ({ browser }) => {
    const { admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.213', admin);
    await enrolTotp(page);
    const stranger = await clientAt(browser, '198.51.100.214');
    const sPage = await stranger.newPage();
    await sPage.goto('/admin/login/verify');
    await expect(sPage).toHaveURL(/\/admin\/login$/);
    await adminSignIn(sPage, { email: admin.email, password: 'Wrong-Password-123' });
    await expect(formAlert(sPage)).toContainText('Sign-in failed');
    await expect(sPage).toHaveURL(/\/admin\/login/);
    await sPage.goto('/admin/login/verify');
    await expect(sPage).toHaveURL(/\/admin\/login$/);
    await Promise.all([context.close(), stranger.close()]);
  });

  test('API: password-only auth of a two-factor admin fails with code 2; with totp it works once per code', async ({ browser, request }) => {
    const { admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.215', admin);
    const { secret } = await enrolTotp(page);
    const failed = await rpc(request, call('auth', { user: admin.email, pass: admin.password }));
    expect(failed.json.error).toMatchObject({ code: 2 });
    const unknown = await rpc(request, call('auth', { user: `nobody@example.test`, pass: admin.password }));
    // The same text as any other refused sign-in.
    expect(failed.json.error.message).toBe(unknown.json.error.message);
    const code = codeAt(secret);
    const ok = await rpc(request, call('auth', { user: admin.email, pass: admin.password, totp: code }));
    expect(ok.json.result).toMatchObject({ level: 'account' });
    const replayed = await rpc(request, call('auth', { user: admin.email, pass: admin.password, totp: code }));
    expect(replayed.json.error).toMatchObject({ code: 2 });
    const wrongPassword = await rpc(request, call('auth', { user: admin.email, pass: 'Wrong-Password-123', totp: codeAt(secret, 1) }));
    expect(wrongPassword.json.error).toMatchObject({ code: 2 });
    await context.close();
  });

  test('policy "require two-factor": an admin without it can do nothing but enrol', async ({ browser, request }) => {
    test.setTimeout(150_000);
    const { account, admin } = accountWithAdmin();
    const colleague = createAdmin(account);
    const { context, page } = await adminAt(browser, '198.51.100.216', admin);
    // The colleague is signed in before the policy changes: an open page, and an API session.
    const { context: cContext, page: cPage } = await adminAt(browser, '198.51.100.217', colleague);
    await cPage.goto('/admin/security');
    const apiSession = await rpc(request, call('auth', { user: colleague.email, pass: colleague.password }));
    const token = apiSession.json.result.session as string;

    // Turning the policy on needs two-factor for oneself first.
    await page.goto('/admin/security');
    await page.getByLabel('Require two-factor for every admin of this account').check();
    await submitAction(page, page.getByRole('button', { name: 'Save policy' }));
    await expect(formAlert(page)).toContainText('Set up two-factor for yourself first');
    await enrolTotp(page);
    await page.goto('/admin/security');
    await page.getByLabel('Require two-factor for every admin of this account').check();
    await submitAction(page, page.getByRole('button', { name: 'Save policy' }));
    await expect(page.getByRole('status')).toContainText('Every admin of this account now needs two-factor');
    expect(audits(account.id, 'account_two_factor_policy_changed')[0]?.detail).toMatchObject({ required: true });

    // The colleague's already-open page: its server action is refused and saves nothing.
    await cPage.getByLabel('Your allowed networks').fill('198.51.100.217');
    await cPage.getByRole('button', { name: 'Save allowed networks' }).click();
    await expect(cPage).toHaveURL(/\/admin\/two-factor$/);
    expect(dbOf().select({ nets: admins.allowNets }).from(admins).where(eq(admins.id, colleague.id)).get()?.nets).toBeNull();
    // Every other page leads to enrolment.
    for (const path of ['/admin/mailboxes', '/admin/security', '/admin/admins', '/admin/audit', '/admin']) {
      await cPage.goto(path);
      await expect(cPage).toHaveURL(/\/admin\/two-factor$/);
    }
    await expectNoSeriousViolations(cPage, 'enrolment required');
    // The API: the open session ends, and a new password-only `auth` is refused.
    const listed = await rpc(request, call('domain.list'), { token });
    expect(listed.json.error).toBeDefined();
    const again = await rpc(request, call('auth', { user: colleague.email, pass: colleague.password }));
    expect(again.json.error).toMatchObject({ code: 2 });

    // A fresh sign-in goes straight to enrolment; once enrolled, the console opens.
    await adminSignOut(cPage).catch(() => undefined);
    const fresh = await clientAt(browser, '198.51.100.218');
    const fPage = await fresh.newPage();
    await adminSignIn(fPage, colleague);
    await expect(fPage).toHaveURL(/\/admin\/two-factor$/);
    await enrolTotp(fPage);
    await fPage.getByRole('link', { name: /continue/ }).click();
    await fPage.goto('/admin/mailboxes');
    await expect(fPage).toHaveURL(/\/admin\/mailboxes$/);
    await Promise.all([context.close(), cContext.close(), fresh.close()]);
  });

  test("reset another admin's two-factor (same account only; CLI too)", async ({ browser }) => {
    test.setTimeout(120_000);
    const { account, admin } = accountWithAdmin();
    const colleague = createAdmin(account);
    const other = createAccount();
    const otherAdmin = createAdmin(other);
    // B's admin has two-factor (set straight in the database: only "enabled" matters to this test).
    dbOf().update(admins).set({ totpEnabledAt: new Date(), totpSecret: 'v1.x.y.z' }).where(eq(admins.id, otherAdmin.id)).run();
    const { context: cContext, page: cPage } = await adminAt(browser, '198.51.100.231', colleague);
    await enrolTotp(cPage);
    await cPage.goto('/admin/admins');
    await expectNoSeriousViolations(cPage, 'admins with two-factor');
    const { context, page } = await adminAt(browser, '198.51.100.232', admin, { javaScriptEnabled: false });
    await page.goto('/admin/admins');
    await expect(page.getByTestId('admins').locator(`tr[data-admin="${colleague.email}"]`)).toContainText('On');
    await expect(page.getByTestId('admins')).not.toContainText(otherAdmin.email);
    // A forged reset of B's admin is "not found" and changes nothing.
    await tamper(page, 'form:has(button[aria-label^="Reset two-factor"]) input[name="email"]', otherAdmin.email);
    await page.getByRole('button', { name: `Reset two-factor of ${colleague.email}` }).click();
    await expect(formAlert(page)).toContainText('That admin was not found in your account.');
    expect(dbOf().select({ on: admins.totpEnabledAt }).from(admins).where(eq(admins.id, otherAdmin.id)).get()?.on).not.toBeNull();

    await page.goto('/admin/admins');
    await page.getByRole('button', { name: `Reset two-factor of ${colleague.email}` }).click();
    await expect(page.getByRole('status')).toContainText(`Two-factor of ${colleague.email} reset`);
    expect(dbOf().select({ on: admins.totpEnabledAt }).from(admins).where(eq(admins.id, colleague.id)).get()?.on).toBeNull();
    expect(audits(account.id, 'admin_two_factor_reset')[0]?.detail).toMatchObject({ admin: colleague.email });
    // The colleague's open session has ended.
    await cPage.goto('/admin/mailboxes');
    await expect(cPage).toHaveURL(/\/admin\/login\?ended=1$/);

    // The operator's break-glass reset.
    const reset = cli(['admin', 'set', '--email', otherAdmin.email, '--reset-2fa']);
    expect(reset.status, reset.stderr).toBe(0);
    expect(dbOf().select({ on: admins.totpEnabledAt }).from(admins).where(eq(admins.id, otherAdmin.id)).get()?.on).toBeNull();
    await Promise.all([context.close(), cContext.close()]);
  });
});
