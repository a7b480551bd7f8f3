import bcrypt from 'bcrypt';
import { auditFor, cli, submitAction, clientAt, createAccount, createMailbox, expect, formAlert, mailboxRow, signIn, SIGN_IN_FAILED, strongPassword, test, type TestMailbox, signOut } from './support/fixtures';
import type { Page } from '@playwright/test';

const NEW_PASSWORD = 'Violet-Harbor-Lantern-Quartz-93';

async function fillNewPassword(page: Page, password: string, confirm = password) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(confirm);
  await submitAction(page, page.getByRole('button', { name: 'Change password' }));
}

function stillUnchanged(mailbox: TestMailbox) {
  const row = mailboxRow(mailbox.id);
  expect(row.requireResetPassword).toBe(true);
  expect(bcrypt.compareSync(mailbox.password, row.passwordHash)).toBe(true);
}

test.describe('forced password change at next sign-in', () => {
  test('the session is confined to the interstitial: pages, message URLs, back button and direct action POSTs', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { requireResetPassword: true, local: 'frank' });
    const helper = createMailbox(account);

    // The id of the /account page's password-change action, taken from a normal session (ids are per build).
    const helperContext = await clientAt(browser, '198.51.100.30');
    const helperPage = await helperContext.newPage();
    await signIn(helperPage, helper.email, helper.password);
    await helperPage.goto('/account');
    // The form's hidden action fields, exactly as a browser without JavaScript posts them.
    const hidden = await helperPage.locator('form:has(#currentPassword) input[type="hidden"]').evaluateAll((inputs) =>
      Object.fromEntries(inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value])),
    );
    expect(Object.keys(hidden).some((k) => k.startsWith('$ACTION'))).toBe(true);
    const directPost = (ctx: typeof helperContext, current: string) =>
      ctx.request.post('/account', {
        headers: { Origin: new URL(helperPage.url()).origin },
        multipart: { ...hidden, currentPassword: current, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
        maxRedirects: 0,
      });
    // Control: the same direct POST from a normal session does change the password.
    expect((await directPost(helperContext, helper.password)).status()).toBe(303);
    expect(bcrypt.compareSync(NEW_PASSWORD, mailboxRow(helper.id).passwordHash)).toBe(true);
    await helperContext.close();

    const context = await clientAt(browser, '198.51.100.31');
    const page = await context.newPage();
    await page.goto('/mail');
    await page.getByLabel('Email address').fill(mailbox.email);
    await page.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/change-password$/);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();

    for (const path of ['/mail', '/account', '/mail/1', '/', '/login']) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/change-password$/);
    }
    await page.goBack();
    await expect(page).toHaveURL(/\/change-password$/);

    // A direct server-action POST to the voluntary change on /account is refused: nothing changes.
    const response = await directPost(context, mailbox.password);
    expect(response.status()).toBe(303);
    expect(response.headers().location).toMatch(/\/change-password$/);
    stillUnchanged(mailbox);
    expect(auditFor(mailbox.email, 'password_changed')).toHaveLength(0);
    await context.close();
  });

  test('each policy rule is refused with its own message and nothing is saved', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { requireResetPassword: true, local: 'gertrude', password: 'Current-Password-Bluebird-77' });
    const context = await clientAt(browser, '198.51.100.32');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/change-password$/);
    const cases = [
      { password: 'Short-1a', message: 'Use at least 12 characters (this one has 8).' },
      { password: `${'Ünïcödé-'.repeat(8)}x`, message: 'Use a shorter password: at most 72' },
      { password: 'Current-Password-Bluebird-77', message: 'Choose a password that is different from the current one.' },
      { password: 'Gertrude-Blue-Harbor-31', message: 'Do not use the mailbox name ("gertrude") in the password.' },
      { password: 'password1234', message: 'This password is too easy to guess.' },
      { password: 'Summer2026!!', message: 'the name of a season or month ("summer") and a year ("2026")' },
    ];
    for (const c of cases) {
      await fillNewPassword(page, c.password);
      await expect(page.locator('#newPassword-error'), c.password).toContainText(c.message);
      await expect(page).toHaveURL(/\/change-password$/);
      stillUnchanged(mailbox);
    }
    await fillNewPassword(page, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    await expect(page.locator('#confirmPassword-error')).toHaveText('The two new passwords do not match.');
    stillUnchanged(mailbox);
    expect(await page.content()).not.toContain(NEW_PASSWORD);
    await context.close();
  });

  test('success lands on /mail, clears the flag, ends the other sessions; old password refused, new accepted', async ({ browser }) => {
    // Seven bcrypt sign-ins, a password change and a CLI run: a minute is too tight on a loaded machine.
    test.setTimeout(120_000);
    const account = createAccount();
    const mailbox = createMailbox(account);
    // A session opened before the flag is set (second browser).
    const other = await clientAt(browser, '198.51.100.33');
    const otherPage = await other.newPage();
    await signIn(otherPage, mailbox.email, mailbox.password);
    await expect(otherPage).toHaveURL(/\/mail$/);

    const result = cli(['mailbox', 'set', '--email', mailbox.email, '--require-reset']);
    expect(result.status, result.stderr).toBe(0);
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/login\?ended=1$/);
    expect(auditFor(mailbox.email, 'require_reset_password_changed')[0]).toMatchObject({ actorKind: 'cli', detail: { old: false, new: true } });

    // The second browser signs in again and is held at the interstitial, like this one.
    await signIn(otherPage, mailbox.email, mailbox.password);
    await expect(otherPage).toHaveURL(/\/change-password$/);

    const context = await clientAt(browser, '198.51.100.34');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await fillNewPassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/mail\?notice=password-changed$/);
    await expect(page.getByRole('status')).toHaveText('Your password has been changed. Other devices have been signed out.');
    await page.goto('/account');
    await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();

    const row = mailboxRow(mailbox.id);
    expect(row.requireResetPassword).toBe(false);
    expect(row.passwordChangedAt).not.toBeNull();
    expect(bcrypt.compareSync(NEW_PASSWORD, row.passwordHash)).toBe(true);
    expect(auditFor(mailbox.email, 'password_changed')[0]).toMatchObject({ detail: { reason: 'forced' }, clientIp: '198.51.100.34' });

    // The other browser's interstitial session ended with the change.
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/login\?ended=1$/);
    await signIn(otherPage, mailbox.email, mailbox.password);
    await expect(formAlert(otherPage)).toHaveText(SIGN_IN_FAILED);
    await signIn(otherPage, mailbox.email, NEW_PASSWORD);
    await expect(otherPage).toHaveURL(/\/mail$/);
    await other.close();
    await context.close();
  });

  test('with the flag set and the network not allowed, the user gets the generic failure and never the interstitial', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { requireResetPassword: true, allowNets: '203.0.113.0/24' });
    const context = await clientAt(browser, '198.51.100.35');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    await page.goto('/change-password');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fchange-password$/);
    expect(auditFor(mailbox.email, 'login_failed')[0]?.detail).toEqual({ reason: 'network_not_allowed' });
    await context.close();
  });

  test('a voluntary change at /account asks for the current password and follows the same rules', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { local: 'henrietta' });
    const other = await clientAt(browser, '198.51.100.36');
    const otherPage = await other.newPage();
    await signIn(otherPage, mailbox.email, mailbox.password);

    const context = await clientAt(browser, '198.51.100.37');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await page.goto('/account');
    await page.getByLabel('Current password').fill('wrong-current-password');
    await fillNewPassword(page, NEW_PASSWORD);
    await expect(page.locator('#currentPassword-error')).toHaveText('Your current password is not correct.');
    expect(bcrypt.compareSync(mailbox.password, mailboxRow(mailbox.id).passwordHash)).toBe(true);

    await page.getByLabel('Current password').fill(mailbox.password);
    await fillNewPassword(page, 'Henrietta-Walks-Far-2026');
    await expect(page.locator('#newPassword-error')).toContainText('Do not use the mailbox name ("henrietta")');

    await page.getByLabel('Current password').fill(mailbox.password);
    await fillNewPassword(page, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/account\?notice=password-changed$/);
    expect(auditFor(mailbox.email, 'password_changed')[0]?.detail).toEqual({ reason: 'voluntary' });
    await otherPage.goto('/mail');
    await expect(otherPage).toHaveURL(/\/login\?ended=1$/);
    await page.goto('/mail');
    await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
    await other.close();
    await context.close();
  });

  test('sign-out works from the interstitial', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { requireResetPassword: true, password: strongPassword() });
    const context = await clientAt(browser, '198.51.100.38');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await signOut(page);
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/change-password');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fchange-password$/);
    await context.close();
  });
});
