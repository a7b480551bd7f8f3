import { and, desc, eq } from 'drizzle-orm';
import { auditEvents } from '../db/schema';
import { accountWithAdmin, adminSignIn } from './support/admin';
import { ADMIN_SIGN_IN_FAILED } from '../lib/auth/messages';
import { clientAt, createMailbox, dbOf, expect, formAlert, signIn, test } from './support/fixtures';

function adminAudit(accountId: number, event: string) {
  return dbOf()
    .select({ detail: auditEvents.detail, clientIp: auditEvents.clientIp, actorKind: auditEvents.actorKind })
    .from(auditEvents)
    .where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event)))
    .orderBy(desc(auditEvents.id))
    .all();
}

test.describe('admin sign-in', () => {
  test('an admin signs in, lands on the page asked for, and the session cookie is scoped to /admin', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const context = await clientAt(browser, '198.51.100.131');
    const page = await context.newPage();
    await page.goto('/admin/audit');
    await expect(page).toHaveURL(/\/admin\/login\?callbackUrl=%2Fadmin%2Faudit$/);
    await page.getByLabel('Admin email address').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.admin-session-token');
    expect(cookie).toMatchObject({ path: '/admin', httpOnly: true, sameSite: 'Lax' });
    expect(adminAudit(account.id, 'admin_login_succeeded')[0]).toMatchObject({ clientIp: '198.51.100.131', detail: { admin: admin.email } });
    await context.close();
  });

  test('a wrong password and an unknown admin get the same generic message; the audit log has the reason', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const texts: string[] = [];
    for (const attempt of [
      { email: admin.email, password: `${admin.password}x` },
      { email: `nobody-${admin.email}`, password: admin.password },
    ]) {
      const context = await clientAt(browser, '198.51.100.132');
      const page = await context.newPage();
      await adminSignIn(page, attempt);
      await expect(formAlert(page)).toHaveText(ADMIN_SIGN_IN_FAILED);
      await expect(page).toHaveURL(/\/admin\/login$/);
      // The address is kept, the password is not.
      await expect(page.getByLabel('Admin email address')).toHaveValue(attempt.email);
      await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
      texts.push(await formAlert(page).innerText());
      expect((await context.cookies()).some((c) => c.name === 'next-auth.admin-session-token')).toBe(false);
      await context.close();
    }
    expect(texts[0]).toBe(texts[1]);
    expect(adminAudit(account.id, 'admin_login_failed')[0]?.detail).toEqual({ admin: admin.email, reason: 'bad_password' });
  });

  test('a mailbox session does not open the admin area, and an admin session does not open webmail', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.133');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await page.goto('/admin/mailboxes');
    await expect(page).toHaveURL(/\/admin\/login/);

    const adminContext = await clientAt(browser, '198.51.100.133');
    const adminPage = await adminContext.newPage();
    await adminSignIn(adminPage, admin);
    await expect(adminPage).toHaveURL(/\/admin\/mailboxes$/);
    await adminPage.goto('/mail');
    await expect(adminPage).toHaveURL(/\/login\?callbackUrl=%2Fmail$/);
    await context.close();
    await adminContext.close();
  });

  test('signing out ends the admin session', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const context = await clientAt(browser, '198.51.100.134');
    const page = await context.newPage();
    await adminSignIn(page, admin);
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
    await expect(page.getByText('You have signed out.')).toBeVisible();
    await page.goto('/admin/mailboxes');
    await expect(page).toHaveURL(/\/admin\/login\?callbackUrl=/);
    expect(adminAudit(account.id, 'admin_logout')).toHaveLength(1);
    await context.close();
  });
});
