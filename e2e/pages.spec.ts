import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page, TestInfo } from '@playwright/test';
import { accountWithAdmin, adminAt, mailboxPath, recordSignIn } from './support/admin';
import { clientAt, createMailbox, expect, signIn, test, type TestAccount } from './support/fixtures';

/**
 * Every page at a phone's width (390 px) and a laptop's (1280 px): no horizontal overflow, no serious or
 * critical axe violation, and a screenshot at 390 px attached to the report. Console errors and React
 * hydration warnings fail these (and all other) tests through the guard in e2e/support/console-guard.ts.
 * One test per page, so that the pages are checked in parallel.
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

/** A mailbox with a long address, an IPv6 network and a refused sign-in: what breaks a narrow layout. */
function awkwardMailbox(account: TestAccount) {
  const mailbox = createMailbox(account, { local: 'accounts-payable.department', allowNets: '203.0.113.0/24,127.0.0.1,::1,2001:db8:1234:5678:9abc:def0::/96', messages: 3 });
  recordSignIn(account, mailbox, { ip: '2001:db8:1234:5678:9abc:def0:1:2', daysAgo: 2 });
  recordSignIn(account, mailbox, { ip: '192.0.2.44', daysAgo: 3, event: 'login_failed', reason: 'network_not_allowed' });
  return mailbox;
}

async function userPage(browser: Browser, address: string) {
  const { account } = accountWithAdmin();
  const mailbox = awkwardMailbox(account);
  const context = await clientAt(browser, address);
  const page = await context.newPage();
  await signIn(page, mailbox.email, mailbox.password);
  await expect(page).toHaveURL(/\/mail$/);
  return { context, page, account, mailbox };
}

async function adminPage(browser: Browser, address: string) {
  const { account, admin } = accountWithAdmin();
  const mailbox = awkwardMailbox(account);
  createMailbox(account, { requireResetPassword: true });
  const { context, page } = await adminAt(browser, address, admin);
  return { context, page, mailbox };
}

test.describe('every page at 390 px and 1280 px', () => {
  // Each page is measured and checked by axe twice, on a machine that may be busy.
  test.describe.configure({ timeout: 240_000 });

  test('sign-in pages, with and without an error', async ({ browser }, testInfo) => {
    const context = await clientAt(browser, '198.51.100.20');
    const page = await context.newPage();
    await page.goto('/login');
    await checkPage(page, testInfo, 'login');
    await signIn(page, 'nobody@example.test', 'wrong-password-for-nobody');
    await expect(page.locator('main [role="alert"]')).toBeVisible();
    await checkPage(page, testInfo, 'login-error');
    await page.goto('/admin/login');
    await checkPage(page, testInfo, 'admin-login');
    await context.close();
  });

  test('inbox and message', async ({ browser }, testInfo) => {
    const { context, page } = await userPage(browser, '203.0.113.20');
    await expect(page.getByRole('link', { name: 'Inbox' })).toHaveAttribute('aria-current', 'page');
    await checkPage(page, testInfo, 'inbox');
    await page.getByRole('link', { name: 'Test message 1' }).click();
    await expect(page.getByRole('heading', { name: 'Test message 1' })).toBeVisible();
    await checkPage(page, testInfo, 'message');
    await context.close();
  });

  test('account', async ({ browser }, testInfo) => {
    const { context, page } = await userPage(browser, '203.0.113.21');
    await page.goto('/account');
    await expect(page.getByRole('link', { name: 'Account' })).toHaveAttribute('aria-current', 'page');
    await checkPage(page, testInfo, 'account');
    await context.close();
  });

  test('forced password change', async ({ browser }, testInfo) => {
    const { account } = accountWithAdmin();
    const pending = createMailbox(account, { requireResetPassword: true });
    const context = await clientAt(browser, '198.51.100.21');
    const page = await context.newPage();
    await signIn(page, pending.email, pending.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await checkPage(page, testInfo, 'change-password');
    await context.close();
  });

  test('mailbox list, also with rows ticked', async ({ browser }, testInfo) => {
    const { context, page, mailbox } = await adminPage(browser, '198.51.100.22');
    await expect(page.getByRole('link', { name: 'Mailboxes' })).toHaveAttribute('aria-current', 'page');
    await checkPage(page, testInfo, 'mailbox-list');
    await page.getByRole('checkbox', { name: `Select ${mailbox.email}` }).check();
    await checkPage(page, testInfo, 'mailbox-list-selected');
    await context.close();
  });

  test('mailbox page', async ({ browser }, testInfo) => {
    const { context, page, mailbox } = await adminPage(browser, '198.51.100.23');
    await page.goto(mailboxPath(mailbox.email));
    await expect(page).toHaveTitle(`${mailbox.email} · Mailbox · Portcullis`);
    await checkPage(page, testInfo, 'mailbox');
    await context.close();
  });

  test('new mailbox', async ({ browser }, testInfo) => {
    const { context, page } = await adminPage(browser, '198.51.100.24');
    await page.goto('/admin/mailboxes/new');
    await expect(page.getByRole('link', { name: 'New mailbox' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('link', { name: 'Mailboxes' })).not.toHaveAttribute('aria-current', 'page');
    await checkPage(page, testInfo, 'new-mailbox');
    await context.close();
  });

  test('audit log, also with details open', async ({ browser }, testInfo) => {
    const { context, page } = await adminPage(browser, '198.51.100.25');
    await page.goto('/admin/audit');
    await checkPage(page, testInfo, 'audit-log');
    await page.locator('details summary').first().click();
    await checkPage(page, testInfo, 'audit-log-details');
    await context.close();
  });
});

test('every page has a favicon, so no browser logs a 404 for it', async ({ page }) => {
  const response = await page.request.get('/favicon.ico');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/image\//);
});
