import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { accountWithAdmin, adminAt, mailboxPath, recordSignIn } from './support/admin';
import { clientAt, createMailbox, expect, signIn, test } from './support/fixtures';

/**
 * Every page at a phone's width (390 px) and a laptop's (1280 px): no horizontal overflow, no serious or
 * critical axe violation, and a screenshot at 390 px attached to the report. (Console errors and React
 * hydration warnings fail any test through the automatic guard in e2e/support/console-guard.ts.)
 */

const WIDTHS = [390, 1280] as const;

async function checkPage(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(overflow.scrollWidth, `${name} at ${width} px overflows sideways`).toBeLessThanOrEqual(overflow.innerWidth);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${name} at ${width} px: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    if (width === 390) await testInfo.attach(`${name}-390.png`, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  }
}

test('webmail pages fit a phone, pass axe at both widths and load without console errors', async ({ browser }, testInfo) => {
  // Five pages, each measured and checked by axe at two widths, on a loaded 2-core machine.
  test.setTimeout(180_000);
  const { account } = accountWithAdmin();
  const mailbox = createMailbox(account, { local: 'accounts-payable.department', allowNets: '203.0.113.0/24,2001:db8:1234:5678:9abc:def0::/96', messages: 3 });
  recordSignIn(account, mailbox, { ip: '2001:db8:1234:5678:9abc:def0:1:2', daysAgo: 2 });
  recordSignIn(account, mailbox, { ip: '192.0.2.44', daysAgo: 3, event: 'login_failed', reason: 'network_not_allowed' });
  const context = await clientAt(browser, '203.0.113.20');
  const page = await context.newPage();
  await page.goto('/login');
  await checkPage(page, testInfo, 'login');
  await signIn(page, mailbox.email, mailbox.password);
  await expect(page).toHaveURL(/\/mail$/);
  await expect(page.getByRole('link', { name: 'Inbox' })).toHaveAttribute('aria-current', 'page');
  await checkPage(page, testInfo, 'inbox');
  await page.getByRole('link', { name: 'Test message 1' }).click();
  await expect(page.getByRole('heading', { name: 'Test message 1' })).toBeVisible();
  await checkPage(page, testInfo, 'message');
  await page.goto('/account');
  await expect(page.getByRole('link', { name: 'Account' })).toHaveAttribute('aria-current', 'page');
  await checkPage(page, testInfo, 'account');
  await context.close();

  const pending = createMailbox(account, { requireResetPassword: true });
  const second = await clientAt(browser, '198.51.100.21');
  const page2 = await second.newPage();
  await signIn(page2, pending.email, pending.password);
  await expect(page2).toHaveURL(/\/change-password$/);
  await checkPage(page2, testInfo, 'change-password');
  await second.close();
});

test('admin sign-in, new mailbox and audit log fit a phone, pass axe at both widths and load without console errors', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const { account, admin } = accountWithAdmin();
  const mailbox = createMailbox(account, { local: 'accounts-payable.department', allowNets: '127.0.0.1,::1,2001:db8:1234:5678:9abc:def0::/96' });
  createMailbox(account, { requireResetPassword: true });
  recordSignIn(account, mailbox, { ip: '2001:db8:1234:5678:9abc:def0:1:2', daysAgo: 1 });
  recordSignIn(account, mailbox, { ip: '192.0.2.45', daysAgo: 2, event: 'login_failed', reason: 'network_not_allowed' });

  const anonymous = await clientAt(browser, '198.51.100.22');
  const loginPage = await anonymous.newPage();
  await loginPage.goto('/admin/login');
  await checkPage(loginPage, testInfo, 'admin-login');
  await anonymous.close();

  const { context, page } = await adminAt(browser, '198.51.100.23', admin);
  await page.goto('/admin/mailboxes/new');
  await expect(page.getByRole('link', { name: 'New mailbox' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: 'Mailboxes' })).not.toHaveAttribute('aria-current', 'page');
  await checkPage(page, testInfo, 'new-mailbox');
  await page.goto('/admin/audit');
  await checkPage(page, testInfo, 'audit-log');
  await page.locator('details summary').first().click();
  await checkPage(page, testInfo, 'audit-log-details');
  await context.close();
});

test('the mailbox list and a mailbox page fit a phone, pass axe at both widths and load without console errors', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const { account, admin } = accountWithAdmin();
  const mailbox = createMailbox(account, { local: 'accounts-payable.department', allowNets: '127.0.0.1,::1,2001:db8:1234:5678:9abc:def0::/96' });
  createMailbox(account, { requireResetPassword: true });
  recordSignIn(account, mailbox, { ip: '2001:db8:1234:5678:9abc:def0:1:2', daysAgo: 1 });
  recordSignIn(account, mailbox, { ip: '192.0.2.45', daysAgo: 2, event: 'login_failed', reason: 'network_not_allowed' });
  const { context, page } = await adminAt(browser, '198.51.100.24', admin);
  await expect(page.getByRole('link', { name: 'Mailboxes' })).toHaveAttribute('aria-current', 'page');
  await checkPage(page, testInfo, 'mailbox-list');
  // With rows ticked the sticky bar is part of the page.
  await page.getByRole('checkbox', { name: `Select ${mailbox.email}` }).check();
  await checkPage(page, testInfo, 'mailbox-list-selected');
  await page.goto(mailboxPath(mailbox.email));
  await expect(page).toHaveTitle(`${mailbox.email} · Mailbox · Portcullis`);
  await checkPage(page, testInfo, 'mailbox');
  await context.close();
});

test('every page has a favicon, so no browser logs a 404 for it', async ({ page }) => {
  const response = await page.request.get('/favicon.ico');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/image\//);
});
