import { accountWithAdmin, adminAt, mailboxPath } from './support/admin';
import { createAccount, createAdmin, createMailbox, expect, test } from './support/fixtures';

/**
 * Notices after an action ("Admin … added", "All sessions ended (2 signed out)") are worded by the server
 * from a code and the database. A crafted link must not be able to make the admin console say anything:
 * neither text from the query string nor a false statement about a real admin or mailbox.
 */

const MARK = 'Mallory-wrote-this-7f3a';

test.describe('notices never echo the query string', () => {
  test('admins page: old and new parameters with crafted text, ids of other accounts and claims that are not true', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const colleague = createAdmin(account);
    const otherAdmin = createAdmin(createAccount());
    const { context, page } = await adminAt(browser, '198.51.100.190', admin, { javaScriptEnabled: false });
    const crafted = [
      `?added=${MARK}%40example.com`,
      `?deactivated=${MARK}`,
      `?reactivated=%3Cb%3E${MARK}%3C%2Fb%3E`,
      `?error=last&email=${MARK}`,
      `?error=not-found&email=${MARK}`,
      `?notice=${MARK}&admin=${colleague.id}`,
      // Another account's admin is unknown here; an active colleague was not "deactivated".
      `?notice=added&admin=${otherAdmin.id}`,
      `?notice=deactivated&admin=${colleague.id}`,
      `?notice=added&admin=${MARK}`,
    ];
    for (const query of crafted) {
      await page.goto(`/admin/admins${query}`);
      await expect(page.getByTestId('admins')).toContainText(colleague.email);
      await expect(page.locator('main')).not.toContainText(MARK);
      await expect(page.locator('main')).not.toContainText(otherAdmin.email);
      await expect(page.locator('main .notice')).toHaveCount(0);
    }
    // The genuine codes still work, with the address from the database.
    await page.goto(`/admin/admins?notice=reactivated&admin=${colleague.id}`);
    await expect(page.getByRole('status')).toHaveText(`Admin ${colleague.email} reactivated.`);
    await context.close();
  });

  test('mailbox page: a crafted "sessions ended" count or notice shows nothing', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { context, page } = await adminAt(browser, '198.51.100.191', admin, { javaScriptEnabled: false });
    for (const query of ['?sessionsEnded=424242', `?sessionsEnded=${MARK}`, '?notice=sessions-ended', `?notice=${MARK}`]) {
      await page.goto(`${mailboxPath(mailbox.email)}${query}`);
      await expect(page.getByRole('heading', { name: mailbox.email })).toBeVisible();
      await expect(page.locator('main')).not.toContainText('All sessions ended');
      await expect(page.locator('main')).not.toContainText('424242');
      await expect(page.locator('main')).not.toContainText(MARK);
    }
    await context.close();
  });
});
