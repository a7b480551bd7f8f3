import AxeBuilder from '@axe-core/playwright';
import { accountWithAdmin, adminAt, mailboxPath, recordSignIn } from './support/admin';
import { createMailbox, expect, randomIPv4, test } from './support/fixtures';

const dayOf = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

test('the overview shows the account’s sign-ins per day, mailbox counts and most-refused addresses, matching the audit rows', async ({ browser }) => {
  test.setTimeout(90_000);
  const { account, admin } = accountWithAdmin();
  const restricted = createMailbox(account, { allowNets: '203.0.113.0/24' });
  const pending = createMailbox(account, { requireResetPassword: true });
  createMailbox(account, { active: false });
  createMailbox(account);
  const worst = randomIPv4('203.0.113');
  const second = randomIPv4('192.0.2');
  // Two days ago: 3 allowed, 2 refused by network, 1 wrong password. Yesterday: 1 allowed. 40 days ago: outside.
  for (let i = 0; i < 3; i++) recordSignIn(account, restricted, { ip: '198.51.100.5', daysAgo: 2 });
  recordSignIn(account, restricted, { ip: worst, daysAgo: 2, event: 'login_failed', reason: 'network_not_allowed', protocol: 'imap' });
  recordSignIn(account, restricted, { ip: worst, daysAgo: 2, event: 'login_failed', reason: 'network_not_allowed' });
  recordSignIn(account, pending, { ip: worst, daysAgo: 2, event: 'login_failed', reason: 'bad_password' });
  recordSignIn(account, pending, { ip: second, daysAgo: 1, event: 'login_failed', reason: 'bad_password' });
  recordSignIn(account, pending, { ip: '198.51.100.6', daysAgo: 1 });
  recordSignIn(account, pending, { ip: worst, daysAgo: 40, event: 'login_failed', reason: 'bad_password' });
  // Another account's rows must not appear anywhere.
  const other = accountWithAdmin();
  const stranger = createMailbox(other.account, { allowNets: '10.0.0.0/8' });
  for (let i = 0; i < 5; i++) recordSignIn(other.account, stranger, { ip: '198.51.100.250', daysAgo: 2, event: 'login_failed', reason: 'network_not_allowed' });

  const { context, page } = await adminAt(browser, '198.51.100.192', admin);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  const table = page.getByTestId('sign-in-chart-table');
  await expect(table.locator('tbody tr')).toHaveCount(30);
  const headers = await table.locator('thead th').allTextContents();
  expect(headers).toEqual(['Day', 'Allowed', 'Refused: wrong password', 'Refused: network not allowed', 'Refused in total']);
  const cells = async (daysAgo: number) => table.getByRole('row', { name: new RegExp(`^${dayOf(daysAgo)}`) }).locator('td').allTextContents();
  expect(await cells(2)).toEqual(['3', '1', '2', '3']);
  expect(await cells(1)).toEqual(['1', '1', '0', '1']);
  expect(await cells(0)).toEqual(['0', '0', '0', '0']);
  await expect(page.getByRole('img', { name: /4 allowed, 4 refused/ })).toBeVisible();

  await expect(page.getByTestId('count-total')).toContainText('4 mailboxes');
  await expect(page.getByTestId('count-restricted')).toContainText('1 restricted to networks');
  await expect(page.getByTestId('count-reset')).toContainText('1 password change pending');
  await expect(page.getByTestId('count-inactive')).toContainText('1 inactive');

  const refused = page.getByTestId('refused-addresses').locator('tbody tr');
  await expect(refused).toHaveCount(2);
  await expect(refused.nth(0).locator('td')).toHaveText([worst, '3', 'network not allowed', /UTC\)?$/]);
  await expect(refused.nth(1).locator('td')).toHaveText([second, '1', 'wrong password', /UTC\)?$/]);
  await expect(page.getByText('198.51.100.250')).toHaveCount(0);

  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // The address links to the audit log, filtered to its refused sign-ins of the period.
  await refused.nth(0).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/admin/audit\\?event=login_failed&ip=${worst.replace(/\./g, '\\.')}&from=`));
  await expect(page.getByTestId('audit-table').locator('tbody tr')).toHaveCount(3);

  // The mailbox page's own small chart: this mailbox's rows only.
  await page.goto(mailboxPath(restricted.email));
  const own = page.getByTestId('mailbox-sign-in-chart-table');
  expect(await own.getByRole('row', { name: new RegExp(`^${dayOf(2)}`) }).locator('td').allTextContents()).toEqual(['3', '2', '2']);
  await expect(page.getByRole('img', { name: /3 allowed, 2 refused/ })).toBeAttached();
  await context.close();
});

test('the overview of an account without activity says there were no sign-ins and nothing was refused', async ({ browser }) => {
  const { admin } = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.193', admin);
  await page.goto('/admin');
  // No empty chart: a sentence says there is nothing to draw.
  await expect(page.getByTestId('sign-in-chart')).toHaveText('No sign-ins in the last 30 days.');
  await expect(page.getByRole('img', { name: /0 allowed, 0 refused/ })).toHaveCount(0);
  await expect(page.getByText('No refused sign-ins in the last 7 days.')).toBeVisible();
  await expect(page.getByTestId('count-total')).toContainText('0 mailboxes');
  await context.close();
});
