import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { accountWithAdmin, adminAt, mailboxPath, openMailbox, recordSignIn } from './support/admin';
import { createMailbox, expect, test } from './support/fixtures';

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the admin pages in their error, confirmation and saved states have no serious or critical accessibility violations', async ({ browser }) => {
  // The pages as first loaded are checked at two widths by e2e/pages.spec.ts; these are the states after
  // an answer. Several full axe runs: more than the default minute on a loaded 2-core machine.
  test.setTimeout(300_000);
  const { account, admin } = accountWithAdmin();
  const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
  createMailbox(account, { requireResetPassword: true });
  // Admitted by the stored list: a draft refusing it locks the user out (and asks to confirm).
  recordSignIn(account, mailbox, { ip: '203.0.113.90', daysAgo: 1 });

  const { context, page } = await adminAt(browser, '198.51.100.191', admin);
  await page.getByLabel(/^All 2 mailboxes matching/).check();
  await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Replace the allowed networks' });
  await page.getByLabel('Networks (for replacing or adding)').fill('203.0.113.0/24, bad');
  await page.getByRole('button', { name: 'Review the change' }).click();
  await expect(page.locator('main [role="alert"]')).toBeVisible();
  await expectNoSeriousViolations(page, 'mailboxes with bulk errors');
  await page.getByLabel('Networks (for replacing or adding)').fill('203.0.113.0/24');
  await page.getByRole('button', { name: 'Review the change' }).click();
  await expect(page.getByTestId('bulk-question')).toBeVisible();
  await expectNoSeriousViolations(page, 'mailboxes with bulk confirmation');

  await openMailbox(page, mailbox.email);
  await page.getByLabel('Allowed networks').fill('10.1.2.3/8, nope, 198.51.100.0/24');
  await expectNoSeriousViolations(page, 'mailbox with live errors');
  await page.getByLabel('Allowed networks').fill('192.0.2.0/24');
  await expect(page.getByTestId('impact-refused')).toBeVisible();
  await expect(page.getByTestId('lockout-warning')).toBeVisible();
  await expectNoSeriousViolations(page, 'mailbox with lock-out warning');
  await page.getByLabel('Yes, save this list anyway').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('saved-changes')).toBeVisible();
  await expectNoSeriousViolations(page, 'mailbox saved');

  await page.goto(mailboxPath(`nobody@${account.domain}`));
  await expectNoSeriousViolations(page, 'mailbox not found');
  await context.close();
});
