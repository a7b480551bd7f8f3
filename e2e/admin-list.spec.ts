import { accountWithAdmin, adminAt, listHydrated } from './support/admin';
import { createMailbox, expect, test, updateMailboxRow } from './support/fixtures';

test.describe('admin mailbox list', () => {
  test('pages, sorts and counts on the server, with the columns of spec §8', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = Array.from({ length: 30 }, (_, i) => createMailbox(account, { local: `p${String(i).padStart(2, '0')}`, messages: 0 }));
    updateMailboxRow(boxes[5]!.id, { lastLoginAt: new Date(Date.now() - 86_400_000), lastLoginIp: '198.51.100.5' });
    updateMailboxRow(boxes[17]!.id, { lastLoginAt: new Date(), lastLoginIp: '2001:db8::17' });
    updateMailboxRow(boxes[29]!.id, { lastLoginAt: new Date(Date.now() - 2 * 86_400_000), lastLoginIp: '198.51.100.29' });
    updateMailboxRow(boxes[3]!.id, { allowNets: '203.0.113.0/24,198.51.100.0/24,2001:db8::/32', requireResetPassword: true, active: false });

    const { context, page } = await adminAt(browser, '198.51.100.200', admin);
    await page.goto('/admin/mailboxes?size=25');
    await listHydrated(page);
    await expect(page.getByTestId('list-count')).toHaveText(/^30 mailboxes match; showing 1–25\./);
    const rows = page.getByTestId('mailbox-table').locator('tbody tr');
    await expect(rows).toHaveCount(25);
    await expect(rows.first()).toContainText(boxes[0]!.email);
    // Columns: address, networks (count and first entries), reset pending, last sign-in, active.
    await expect(rows.nth(3).locator('td')).toHaveText([
      '',
      boxes[3]!.email,
      '3 entries: 203.0.113.0/24, 198.51.100.0/24, …',
      'Yes',
      'never',
      'No',
    ]);
    await expect(rows.nth(5).locator('td').nth(4)).toHaveText(/UTC\)?198\.51\.100\.5$/);

    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId('list-count')).toHaveText(/showing 26–30\./);
    await expect(rows).toHaveCount(5);
    await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 2 of 2');

    await page.getByLabel('Sort by').selectOption({ label: 'Last sign-in' });
    await page.getByLabel('Order').selectOption({ label: 'Descending' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/sort=last_login_at&order=desc/);
    await expect(page.getByRole('columnheader', { name: /Last sign-in/ })).toHaveAttribute('aria-sort', 'descending');
    const emails = await rows.locator('td:nth-child(2)').allInnerTexts();
    expect(emails.slice(0, 3)).toEqual([boxes[17]!.email, boxes[5]!.email, boxes[29]!.email]);

    // Sorting is offered once, by the fields above the list: the headers only show the order.
    await expect(page.getByRole('link', { name: /Last sign-in/ })).toHaveCount(0);
    await page.getByLabel('Order').selectOption({ label: 'Ascending' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('columnheader', { name: /Last sign-in/ })).toHaveAttribute('aria-sort', 'ascending');
    await context.close();
  });
});
