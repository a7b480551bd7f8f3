import AxeBuilder from '@axe-core/playwright';
import { clientAt, createAccount, createMailbox, expect, signIn, test } from './support/fixtures';
import type { Page } from '@playwright/test';

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test('login, inbox, message, account and the forced-change interstitial have no serious accessibility violations', async ({ browser }) => {
  const account = createAccount();
  const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
  const context = await clientAt(browser, '203.0.113.90');
  const page = await context.newPage();
  await page.goto('/login');
  await expectNoSeriousViolations(page);
  await signIn(page, mailbox.email, `${mailbox.password}-wrong`);
  await expectNoSeriousViolations(page);
  await signIn(page, mailbox.email, mailbox.password);
  await expect(page).toHaveURL(/\/mail$/);
  await expectNoSeriousViolations(page);
  await page.getByRole('link', { name: 'Test message 1' }).click();
  await expect(page.getByRole('heading', { name: 'Test message 1' })).toBeVisible();
  await expectNoSeriousViolations(page);
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
  await expectNoSeriousViolations(page);
  await context.close();

  const pending = createMailbox(account, { requireResetPassword: true });
  const second = await clientAt(browser, '203.0.113.91');
  const page2 = await second.newPage();
  await signIn(page2, pending.email, pending.password);
  await expect(page2).toHaveURL(/\/change-password$/);
  await expectNoSeriousViolations(page2);
  await second.close();
});
