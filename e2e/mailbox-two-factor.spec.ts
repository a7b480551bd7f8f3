import { and, desc, eq } from 'drizzle-orm';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { accounts, auditEvents, mailboxes } from '../db/schema';
import { accountWithAdmin, adminAt, mailboxPath, tamper } from './support/admin';
import { call, rpc } from './support/api';
import { authHttp, nginxHeaders } from './support/auth-http';
import { auditFor, cli, clientAt, createMailbox, dbOf, expect, formAlert, signIn, signOut, submitAction, test } from './support/fixtures';
import { codeAt, enrolTotp, enterCode } from './support/two-factor';

/** Spec §20: two-factor for mailbox users, its verify step, the mail-app refusal, the account policy and the admin's reset. */

const GENERIC = 'That code did not work. Enter the current code from your authenticator app, or one of your unused recovery codes.';
const USED = 'That code was already used. Wait until your authenticator app shows a new code, or enter one of your unused recovery codes.';
const APP_PASSWORD = 'Use an app password for mail apps';
const VERIFY = /\/login\/verify(\?.*)?$/;
const SETUP = '/account/two-factor';

const totpOn = (id: number) => dbOf().select({ on: mailboxes.totpEnabledAt }).from(mailboxes).where(eq(mailboxes.id, id)).get()?.on ?? null;

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Waits until the current TOTP step has at least 8 s left, so that a code typed now is checked in its step. */
async function wellInsideStep(page: Page): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 8_000) await page.waitForTimeout(left + 200);
}

test.describe('mailbox two-factor (TOTP)', () => {
  test('enrol on /account, then sign in with password + code; a reused code is refused; a recovery code works once; mail apps then need an app password', async ({ browser, request }) => {
    test.setTimeout(180_000);
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // Before: IMAP takes the account password.
    expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.221'))).headers['auth-status']).toBe('OK');

    const context = await clientAt(browser, '198.51.100.220');
    const page = await context.newPage();
    // A second browser of the same mailbox: it is signed out when two-factor goes on.
    const otherContext = await clientAt(browser, '198.51.100.222');
    const other = await otherContext.newPage();
    await signIn(other, mailbox.email, mailbox.password);
    await expect(other).toHaveURL(/\/mail$/);

    await signIn(page, mailbox.email, mailbox.password);
    await page.goto('/account');
    await expect(page.getByTestId('two-factor-summary')).toContainText('Two-factor is off');
    await page.getByRole('link', { name: 'Set up two-factor' }).click();
    await expect(page).toHaveURL(/\/account\/two-factor$/);
    await expectNoSeriousViolations(page, 'two-factor start');
    // A wrong code does not turn it on.
    await submitAction(page, page.getByRole('button', { name: 'Set up an authenticator app' }));
    await page.getByLabel('Code from your app').fill('000000');
    await submitAction(page, page.getByRole('button', { name: 'Turn on two-factor' }));
    await expect(formAlert(page)).toContainText('That code is not correct');
    expect(totpOn(mailbox.id)).toBeNull();

    const { secret, recoveryCodes } = await enrolTotp(page, (name) => expectNoSeriousViolations(page, name), SETUP);
    expect(recoveryCodes).toHaveLength(10);
    await expectNoSeriousViolations(page, 'recovery codes');
    expect(totpOn(mailbox.id)).not.toBeNull();
    const stored = dbOf().select({ secret: mailboxes.totpSecret }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).get()!;
    expect(stored.secret).not.toContain(secret);
    await expect(page.getByRole('link', { name: 'Download as .txt' })).toBeVisible();
    await page.getByRole('link', { name: /continue/ }).click();
    await expect(page.getByTestId('two-factor-summary')).toContainText('Two-factor is on');
    // The other browser's session ended with the change; a disconnect of the mail apps was queued with it.
    await other.goto('/mail');
    await expect(other).toHaveURL(/\/login/);
    await otherContext.close();
    expect(auditFor(mailbox.email, 'two_factor_enabled')).toHaveLength(1);

    // Mail apps: the account password is refused with the app-password message (a wrong one stays generic).
    expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.221'))).headers['auth-status']).toBe(APP_PASSWORD);
    expect(auditFor(mailbox.email, 'login_failed')[0]).toMatchObject({ protocol: 'imap', detail: { reason: 'app_password_required' } });
    expect((await authHttp(nginxHeaders(mailbox.email, `${mailbox.password}x`, '198.51.100.221'))).headers['auth-status']).toBe('Invalid login or password');

    // The API: the password alone is refused like any failure.
    const apiRefused = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }));
    expect(apiRefused.json.error).toMatchObject({ code: 2 });

    // Password step: a pending session that opens nothing but the verify page.
    await signOut(page);
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(VERIFY);
    await expectNoSeriousViolations(page, 'verify');
    for (const path of ['/mail', '/account', SETUP, '/change-password', '/']) {
      await page.goto(path);
      await expect(page, path).toHaveURL(VERIFY);
    }
    await enterCode(page, '000000', VERIFY);
    await expect(formAlert(page)).toHaveText(GENERIC);
    await wellInsideStep(page);
    const current = codeAt(secret);
    await enterCode(page, current, VERIFY);
    await expect(page).toHaveURL(/\/mail$/);
    expect(auditFor(mailbox.email, 'login_succeeded')[0]).toMatchObject({ detail: { method: 'totp' } });
    await signOut(page);

    // The same code again: refused, and the person (past the password step) is told why.
    await signIn(page, mailbox.email, mailbox.password);
    await enterCode(page, current, VERIFY);
    await expect(formAlert(page)).toHaveText(USED);
    // A recovery code works once…
    await enterCode(page, recoveryCodes[0]!, VERIFY);
    await expect(page).toHaveURL(/\/mail$/);
    await signOut(page);
    await signIn(page, mailbox.email, mailbox.password);
    await enterCode(page, recoveryCodes[0]!, VERIFY);
    await expect(formAlert(page)).toHaveText(USED);
    // …and another one still does.
    await enterCode(page, recoveryCodes[1]!, VERIFY);
    await expect(page).toHaveURL(/\/mail$/);
    expect(auditFor(mailbox.email, 'recovery_code_used')).toHaveLength(2);
    await context.close();
  });

  test('turning it off asks for the password and a code; then the account password opens mail apps again', async ({ browser }) => {
    test.setTimeout(120_000);
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.223');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    const { secret } = await enrolTotp(page, undefined, SETUP);
    await page.getByRole('link', { name: /continue/ }).click();
    await page.goto(SETUP);
    // The page has two forms asking for the password and a code (new recovery codes, turning off).
    const off = page.getByRole('form', { name: 'Turn off two-factor' });
    await off.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
    await off.getByLabel('Code', { exact: true }).fill(codeAt(secret));
    await submitAction(page, page.getByRole('button', { name: 'Turn off two-factor' }));
    await expect(formAlert(page)).toHaveText('That password or code is not correct.');
    expect(totpOn(mailbox.id)).not.toBeNull();
    await wellInsideStep(page);
    await off.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await off.getByLabel('Code', { exact: true }).fill(codeAt(secret));
    await submitAction(page, page.getByRole('button', { name: 'Turn off two-factor' }));
    await expect(page).toHaveURL(/\/account\?notice=two-factor-off$/);
    expect(totpOn(mailbox.id)).toBeNull();
    expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.224'))).headers['auth-status']).toBe('OK');
    await context.close();
  });
});

test.describe('mailbox recovery codes', () => {
  test('new recovery codes ask for the password and a code, are shown once, and the old codes stop working', async ({ browser }) => {
    test.setTimeout(120_000);
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.225');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    const { recoveryCodes: old } = await enrolTotp(page, undefined, SETUP);
    await page.getByRole('link', { name: /continue/ }).click();
    // One old code used at sign-in: 9 left.
    await signOut(page);
    await signIn(page, mailbox.email, mailbox.password);
    await enterCode(page, old[8]!, VERIFY);
    await expect(page).toHaveURL(/\/mail$/);
    await page.goto(SETUP);
    await expect(page.getByTestId('two-factor-state')).toContainText('Unused recovery codes: 9.');
    const renew = page.getByRole('form', { name: 'New recovery codes' });
    // A wrong password: refused, nothing changes.
    await renew.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
    await renew.getByLabel('Code', { exact: true }).fill(old[9]!);
    await submitAction(page, page.getByRole('button', { name: 'Get new recovery codes' }));
    await expect(formAlert(page)).toHaveText('That password or code is not correct.');
    // The password and a recovery code (an unused one) as the proof.
    await renew.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await renew.getByLabel('Code', { exact: true }).fill(old[9]!);
    await submitAction(page, page.getByRole('button', { name: 'Get new recovery codes' }));
    await expect(page.getByRole('status').filter({ hasText: 'Your old recovery codes no longer work.' })).toBeVisible();
    const fresh = (await page.getByTestId('recovery-codes').locator('li').allInnerTexts()).map((c) => c.trim());
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => old.includes(c))).toEqual([]);
    // The count beside them is refreshed with the answer.
    await expect(page.getByTestId('two-factor-state')).toContainText('Unused recovery codes: 10.');
    await expectNoSeriousViolations(page, 'new recovery codes');
    expect(auditFor(mailbox.email, 'recovery_codes_regenerated')).toHaveLength(1);
    // Shown once: the page again shows the form, not the codes.
    await page.goto(SETUP);
    await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
    await expect(page.getByTestId('two-factor-state')).toContainText('Unused recovery codes: 10.');
    await signOut(page);

    // Old codes, never used or used, are refused at the verify step (as unknown); a new one signs in.
    await signIn(page, mailbox.email, mailbox.password);
    // (The same alert twice: after each answer, wait until the form has been reset by it, so that the next
    // code is not typed into a field the previous answer is about to clear.)
    const answered = async (failures: number) => {
      await expect.poll(() => auditFor(mailbox.email, 'second_factor_failed').length).toBe(failures);
      await expect(formAlert(page)).toHaveText(GENERIC);
      await expect(page.getByLabel('Code', { exact: true })).toHaveValue('');
      await expect(page.getByRole('button', { name: 'Verify' })).toBeEnabled();
    };
    await enterCode(page, old[0]!, VERIFY);
    await answered(1);
    await enterCode(page, old[8]!, VERIFY);
    await answered(2);
    expect(auditFor(mailbox.email, 'second_factor_failed').map((e) => e.detail)).toEqual([{ reason: 'wrong_recovery_code' }, { reason: 'wrong_recovery_code' }]);
    await enterCode(page, fresh[0]!, VERIFY);
    await expect(page).toHaveURL(/\/mail$/);
    await context.close();
  });
});

test.describe('policy "Require two-factor for mailboxes"', () => {
  test('from off to on: the next web sign-in is confined to enrolment on every page and the API refuses, until enrolled; mail apps unaffected until then', async ({ browser, request }) => {
    test.setTimeout(180_000);
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // An API session opened before the policy: it ends with it.
    const before = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }));
    const token = before.json.result.session as string;

    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.225', admin);
    await adminPage.goto('/admin/security');
    await adminPage.getByLabel('Require two-factor for mailboxes').check();
    await submitAction(adminPage, adminPage.getByRole('button', { name: 'Save policies' }));
    await expect(adminPage.getByRole('status').filter({ hasText: 'The policies for mailboxes have been saved.' })).toBeVisible();
    expect(dbOf().select({ on: accounts.requireMailboxTwoFactor }).from(accounts).where(eq(accounts.id, account.id)).get()?.on).toBe(true);
    const changed = dbOf().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, account.id), eq(auditEvents.event, 'account_policy_changed'))).orderBy(desc(auditEvents.id)).all();
    expect(changed[0]?.detail).toEqual({ policy: 'require_two_factor', old: false, new: true });
    await adminPage.goto('/admin/audit');
    await expect(adminPage.getByText(`${admin.email} turned on the policy "Require two-factor for mailboxes"`)).toBeVisible();
    await adminContext.close();

    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token })).json.error).toBeDefined();
    const apiAuth = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }));
    expect(apiAuth.json.error).toMatchObject({ code: 2 });
    // Mail apps keep working until the mailbox enrols.
    expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.226'))).headers['auth-status']).toBe('OK');

    const context = await clientAt(browser, '198.51.100.227');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/account\/two-factor$/);
    await expect(page.getByRole('status').filter({ hasText: 'requires two-factor for every mailbox' })).toBeVisible();
    for (const path of ['/mail', '/account', '/mail/1', '/change-password', '/', '/login', '/login/verify']) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/account\/two-factor$/);
    }
    // Nothing in the header leads elsewhere.
    await expect(page.getByRole('link', { name: 'Inbox' })).toHaveCount(0);
    // A form of another page posted directly (the account page's "Sign out everywhere else") is refused too.
    const posted = await context.request.post('/account', { form: { x: '1' }, headers: { Origin: new URL(page.url()).origin }, maxRedirects: 0 });
    expect(posted.status()).toBe(303);
    expect(posted.headers()['location']).toContain('/account/two-factor');

    await enrolTotp(page, undefined, SETUP);
    await page.getByRole('link', { name: /continue/ }).click();
    await expect(page).toHaveURL(/\/account\?notice=two-factor-on$/);
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/mail$/);
    // Required: it cannot be turned off by the user.
    await page.goto(SETUP);
    await expect(page.getByRole('button', { name: 'Turn off two-factor' })).toHaveCount(0);
    // Enrolled: mail apps need an app password now.
    expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.226'))).headers['auth-status']).toBe(APP_PASSWORD);
    await context.close();
  });
});

test.describe("the admin's side", () => {
  test("the mailbox page shows two-factor and resets it (ending the mailbox's sessions); mail.get says two_factor; another account's admin gets not found", async ({ browser, request }) => {
    test.setTimeout(180_000);
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    const mailbox = createMailbox(a.account);
    const context = await clientAt(browser, '198.51.100.228');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await enrolTotp(page, undefined, SETUP);
    await page.getByRole('link', { name: /continue/ }).click();

    const adminToken = (await rpc(request, call('auth', { user: a.admin.email, pass: a.admin.password }))).json.result.session as string;
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token: adminToken })).json.result).toMatchObject({ two_factor: true });
    expect((await rpc(request, call('account.policy.get'), { token: adminToken })).json.result).toEqual({ require_app_passwords: false, require_two_factor: false, password_max_age_days: null });
    // account.policy.set: one schema for the API and the form; unknown fields and wrong types are refused.
    expect((await rpc(request, call('account.policy.set', { require_two_factor: 'yes' }), { token: adminToken })).json.error).toMatchObject({ code: -32602 });
    expect((await rpc(request, call('account.policy.set', { require_everything: true }), { token: adminToken })).json.error).toMatchObject({ code: -32602 });
    expect((await rpc(request, call('account.policy.set', { require_two_factor: true }), { token: adminToken })).json.result).toEqual({ require_app_passwords: false, require_two_factor: true, password_max_age_days: null });
    expect((await rpc(request, call('account.policy.set', { require_two_factor: false }), { token: adminToken })).json.result).toEqual({ require_app_passwords: false, require_two_factor: false, password_max_age_days: null });
    const policyAudit = dbOf().select({ detail: auditEvents.detail, actorKind: auditEvents.actorKind }).from(auditEvents).where(and(eq(auditEvents.accountId, a.account.id), eq(auditEvents.event, 'account_policy_changed'))).orderBy(desc(auditEvents.id)).all();
    expect(policyAudit.map((r) => [r.actorKind, r.detail])).toEqual([
      ['api', { policy: 'require_two_factor', old: true, new: false }],
      ['api', { policy: 'require_two_factor', old: false, new: true }],
    ]);
    // A mailbox user's session may not read or set the account's policies.
    const user = createMailbox(a.account);
    const userToken = (await rpc(request, call('auth', { user: user.email, pass: user.password }))).json.result.session as string;
    expect((await rpc(request, call('account.policy.get'), { token: userToken })).json.error).toBeDefined();
    expect((await rpc(request, call('account.policy.set', { require_two_factor: false }), { token: userToken })).json.error).toBeDefined();

    // B's admin, on B's own mailbox page (with two-factor on), aims the Reset at A's mailbox: not found.
    const theirs = createMailbox(b.account);
    dbOf().update(mailboxes).set({ totpEnabledAt: new Date() }).where(eq(mailboxes.id, theirs.id)).run();
    const intruder = await adminAt(browser, '198.51.100.229', b.admin);
    await intruder.page.goto(mailboxPath(theirs.email));
    await tamper(intruder.page, 'section[aria-labelledby="mailbox-two-factor-heading"] input[type="hidden"][name="email"]', mailbox.email);
    await submitAction(intruder.page, intruder.page.getByRole('button', { name: 'Reset two-factor' }));
    await expect(formAlert(intruder.page)).toHaveText(`Mailbox ${mailbox.email} not found`);
    expect(totpOn(mailbox.id)).not.toBeNull();
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token: (await rpc(request, call('auth', { user: b.admin.email, pass: b.admin.password }))).json.result.session })).json.error).toBeDefined();
    await intruder.context.close();

    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.230', a.admin);
    await adminPage.goto(mailboxPath(mailbox.email));
    await expect(adminPage.getByTestId('mailbox-two-factor')).toContainText('On');
    await submitAction(adminPage, adminPage.getByRole('button', { name: 'Reset two-factor' }));
    await expect(adminPage.getByRole('status').filter({ hasText: 'Two-factor has been reset' })).toBeVisible();
    await expect(adminPage.getByTestId('mailbox-two-factor')).toContainText('Off');
    expect(totpOn(mailbox.id)).toBeNull();
    expect(auditFor(mailbox.email, 'two_factor_reset')[0]).toMatchObject({ actorKind: 'admin' });
    await adminPage.goto(`/admin/audit?mailbox=${encodeURIComponent(mailbox.email)}`);
    await expect(adminPage.getByText(`${a.admin.email} reset the two-factor of ${mailbox.email}`)).toBeVisible();
    await adminContext.close();
    // The mailbox's own session ended with the reset.
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login/);
    await context.close();
    expect((await rpc(request, call('mail.get', { mail: mailbox.email }), { token: adminToken })).json.result).toMatchObject({ two_factor: false });
  });

  test('CLI: mailbox reset-2fa', async () => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    dbOf().update(mailboxes).set({ totpEnabledAt: new Date(), totpSecret: 'sealed' }).where(eq(mailboxes.id, mailbox.id)).run();
    const result = cli(['mailbox', 'reset-2fa', '--email', mailbox.email]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${mailbox.email}: two-factor reset`);
    expect(totpOn(mailbox.id)).toBeNull();
    expect(auditFor(mailbox.email, 'two_factor_reset')[0]).toMatchObject({ actorKind: 'cli' });
  });
});
