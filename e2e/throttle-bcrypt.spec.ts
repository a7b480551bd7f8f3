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
    // Ten changes posted as a browser without JavaScript posts the form (the form's hidden action fields).
    const hidden = await page.locator('form:has(#currentPassword) input[type="hidden"]').evaluateAll((inputs) =>
      Object.fromEntries(inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value])),
    );
    for (let i = 0; i < 10; i++) {
      const response = await context.request.post('/account', {
        headers: { Origin: new URL(page.url()).origin },
        multipart: { ...hidden, currentPassword: mailbox.password, newPassword: mailbox.password, confirmPassword: mailbox.password },
        maxRedirects: 0,
      });
      expect(await response.text()).toContain('Choose a password that is different from the current one.');
    }
    // The eleventh, typed in the page: refused before any password is checked.
    await page.getByLabel('Current password').fill(mailbox.password);
    await page.getByLabel('New password', { exact: true }).fill(mailbox.password);
    await page.getByLabel('New password again').fill(mailbox.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(formAlert(page)).toHaveText('Too many attempts. Try again in 15 minutes.');
    const refused = auditFor(mailbox.email, 'password_change_refused');
    expect(refused.map((r) => (r.detail as { reason: string }).reason).sort()).toEqual(['new_password_refused', 'throttled']);
    await context.close();
  });
});
