import { accountWithAdmin, adminAt } from './support/admin';
import { createMailbox, expect, rememberSecret, submitAction, test } from './support/fixtures';

/** Issue 24, items 5 and 6: the API-key list and copy button, the Add-admin hint, the bulk bar that moved the list. */

test('a new API key is listed at once, and Copy puts the once-shown key on the clipboard', async ({ browser }) => {
  const { admin } = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.231', admin);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/admin/security');
  await expect(page.getByText('No API keys yet.')).toBeVisible();
  await page.getByLabel('Label').fill('Backups');
  await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
  const key = (await page.getByTestId('new-api-key').innerText()).trim();
  rememberSecret(key);
  expect(key).toMatch(/^pcak_/);
  // No reload: the server-rendered list already has the key.
  await expect(page.getByTestId('api-keys').locator('tbody tr', { hasText: 'Backups' })).toContainText('Active');
  await expect(page.getByText('No API keys yet.')).toHaveCount(0);

  const notice = page.getByTestId('new-api-key').locator('xpath=ancestor::div[contains(@class, "notice")]');
  await notice.getByRole('button', { name: 'Copy the new API key' }).click();
  await expect(notice.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await context.close();
});

test('without JavaScript the once-shown key is plain selectable text and no dead Copy button is offered', async ({ browser }) => {
  const { admin } = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.232', admin, { javaScriptEnabled: false });
  await page.goto('/admin/security');
  await page.getByLabel('Label').fill('Nightly');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const shown = page.getByTestId('new-api-key');
  const key = (await shown.innerText()).trim();
  rememberSecret(key);
  expect(key).toMatch(/^pcak_/);
  await expect(shown).not.toHaveCSS('user-select', 'none');
  await expect(page.getByRole('button', { name: 'Copy the new API key' })).toHaveCount(0);
  await expect(page.getByTestId('api-keys').locator('tbody tr', { hasText: 'Nightly' })).toHaveCount(1);
  await context.close();
});

test("the Add-admin form's password hint is the shared new-password hint, not bytes", async ({ browser }) => {
  const { admin } = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.233', admin);
  await page.goto('/admin/admins');
  const hint = page.locator('#admin-password-hint');
  await expect(hint).toHaveText(
    /^Use \d+ to 72 characters; several unrelated words work well\. Avoid the new admin's address, seasons, months, years and keyboard rows\. Give it to the new admin safely/,
  );
  await expect(hint).not.toContainText('bytes');
  await expect(page.getByLabel('Initial password')).toHaveAccessibleDescription(/Use \d+ to 72 characters/);
  await context.close();
});

for (const javaScriptEnabled of [true, false]) {
  test(`ticking a mailbox does not move the list (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = ['m1', 'm2', 'm3'].map((local) => createMailbox(account, { local }));
    const { context, page } = await adminAt(browser, javaScriptEnabled ? '198.51.100.234' : '198.51.100.235', admin, { javaScriptEnabled });
    const firstRow = page.getByTestId('mailbox-table').locator('tbody tr').first();
    // In page coordinates: ticking may scroll the checkbox into view, which is no move of the list.
    const top = () => firstRow.evaluate((row) => row.getBoundingClientRect().top + window.scrollY);
    const before = await top();
    await page.getByRole('checkbox', { name: `Select ${boxes[0]!.email}` }).check();
    if (javaScriptEnabled) await expect(page.getByTestId('bulk-controls')).toContainText('1 selected');
    expect(await top()).toBe(before);
    await context.close();
  });
}
