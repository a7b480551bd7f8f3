import { eq } from 'drizzle-orm';
import { accounts } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { dbOf, expect, test } from './support/fixtures';
import { enrolTotp } from './support/two-factor';

/** Issue 24 item 7: /admin/two-factor has navigation and a way back; recovery codes can be kept; no stale offers. */

test.describe('two-factor setup page', () => {
  test.describe.configure({ timeout: 120_000 });

  test('has the admin navigation and a way back, and no way around an enrolment the account requires', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.71', admin);
    await page.goto('/admin/two-factor');
    const nav = page.getByRole('navigation', { name: 'Admin' });
    await expect(nav.getByRole('link', { name: 'Mailboxes' })).toBeVisible();
    await page.getByRole('link', { name: '← Back to Security' }).click();
    await expect(page).toHaveURL(/\/admin\/security$/);

    // An account that requires two-factor: the page is the only one open, so it offers no links away from it.
    dbOf().update(accounts).set({ requireTwoFactor: true }).where(eq(accounts.id, account.id)).run();
    await page.goto('/admin/two-factor');
    await expect(page.getByRole('status')).toContainText('Your account requires two-factor');
    await expect(nav.getByRole('link')).toHaveCount(0);
    await expect(page.getByRole('link', { name: '← Back to Security' })).toHaveCount(0);
    await expect(nav.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await context.close();
  });

  test('recovery codes can be downloaded, copied and printed; the passkey offer goes once two-factor is on', async ({ browser }) => {
    const { admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.72', admin);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/admin/two-factor');
    await expect(page.getByRole('heading', { name: 'Or add a passkey' })).toBeVisible();
    const { recoveryCodes } = await enrolTotp(page);
    await expect(page.getByRole('heading', { name: 'Or add a passkey' })).toHaveCount(0);

    const actions = page.getByRole('group', { name: 'Save your recovery codes' });
    const [download] = await Promise.all([page.waitForEvent('download'), actions.getByRole('link', { name: 'Download as .txt' }).click()]);
    expect(download.suggestedFilename()).toBe('portcullis-recovery-codes.txt');
    const file = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(file).toString('utf8');
    expect(text.split('\n').filter((l) => /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(l))).toEqual(recoveryCodes);
    expect(text).toContain(admin.email);

    await actions.getByRole('button', { name: 'Copy' }).click();
    await expect(actions.getByRole('status')).toHaveText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await actions.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    // Printed, the page is the codes alone: the header and the other sections are hidden.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('navigation', { name: 'Admin' })).toBeHidden();
    await expect(page.getByTestId('recovery-codes')).toBeVisible();
    await expect(actions).toBeHidden();
    await context.close();
  });
});
