import { auditFor, clientAt, createAccount, createMailbox, expect, failSignIns, formAlert, signIn, test, signOut } from './support/fixtures';

test.describe('sign-in throttling', () => {
  test('ten failures for one mailbox and address trigger a clear "too many attempts" message; other addresses are unaffected', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '192.0.2.61');
    const page = await context.newPage();
    await failSignIns(page, mailbox.email, 10);
    // Even the right password is refused now, with a message that says why and for how long.
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText('Too many attempts. Try again in 15 minutes.');
    expect(auditFor(mailbox.email, 'login_failed')[0]?.detail).toEqual({ reason: 'throttled' });

    const elsewhere = await clientAt(browser, '192.0.2.62');
    const other = await elsewhere.newPage();
    await signIn(other, mailbox.email, mailbox.password);
    await expect(other).toHaveURL(/\/mail$/);
    await context.close();
    await elsewhere.close();
  });

  test('a successful sign-in clears the mailbox counter', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '192.0.2.63');
    const page = await context.newPage();
    const failNine = () => failSignIns(page, mailbox.email, 9);
    await failNine();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await signOut(page);
    await expect(page).toHaveURL(/\/login$/);
    // Nine more failures would have made 18 without the reset; the next attempt still goes through.
    await failNine();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await context.close();
  });
});
