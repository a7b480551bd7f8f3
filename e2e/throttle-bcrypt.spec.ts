import { auditFor, clientAt, createAccount, createMailbox, expect, formAlert, signIn, test } from './support/fixtures';

// Spec §23 "Everything that costs bcrypt is counted" (issue 18 finding 7): 40 voluntary password changes in a
// row with the right current password and new = current each cost two bcrypt runs and were never counted.
test.describe('voluntary password changes are counted', () => {
  test('ten "new = current" changes at /account, then the form says to wait, and the refusals are one aggregated audit row', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.231');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await page.goto('/account');
    const submit = async () => {
      await page.getByLabel('Current password').fill(mailbox.password);
      await page.getByLabel('New password', { exact: true }).fill(mailbox.password);
      await page.getByLabel('New password again').fill(mailbox.password);
      await page.getByRole('button', { name: 'Change password' }).click();
    };
    for (let i = 0; i < 10; i++) {
      await submit();
      await expect(page.locator('#newPassword-error')).toContainText('current');
    }
    await submit();
    await expect(formAlert(page)).toHaveText('Too many attempts. Try again in 15 minutes.');
    const refused = auditFor(mailbox.email, 'password_change_refused');
    expect(refused.map((r) => (r.detail as { reason: string }).reason).sort()).toEqual(['new_password_refused', 'throttled']);
    await context.close();
  });
});
