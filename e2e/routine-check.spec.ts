import { eq } from 'drizzle-orm';
import { jobLeases } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { auditFor, clientAt, createMailbox, dbOf, expect, mailboxRow, signIn, submitAction, test, updateMailboxRow } from './support/fixtures';

/*
 * The routine check (spec §21) in the running server: the policy on /admin/security, the reminder on
 * /mail, the forced change set by the server's own background jobs (lib/jobs, started by server.ts), the
 * list filter and the overview's password ages. The clock is moved by moving the passwords' ages.
 */

const DAY = 86_400_000;
const ageBy = (days: number) => new Date(Date.now() - days * DAY);

test('passwords expire after N days: policy, reminder from day 16, expiry by the server\'s jobs ending the open session, filter and overview', async ({ browser }) => {
  test.setTimeout(120_000);
  const { account, admin } = accountWithAdmin();
  const day16 = createMailbox(account);
  const day15 = createMailbox(account);
  const expiring = createMailbox(account);
  updateMailboxRow(day16.id, { passwordChangedAt: ageBy(16) });
  updateMailboxRow(day15.id, { passwordChangedAt: ageBy(15) });
  updateMailboxRow(expiring.id, { passwordChangedAt: ageBy(29.5) });

  // The admin turns the policy on; the page says why it is off by default.
  const { page: adminPage } = await adminAt(browser, '198.51.100.121', admin);
  await adminPage.goto('/admin/security');
  const section = adminPage.getByRole('region', { name: 'Policies for mailboxes' });
  await expect(section.getByTestId('nist-note')).toContainText('NIST SP 800-63B advises against');
  const field = section.getByLabel('Passwords expire after (days)');
  await expect(field).toHaveValue('');
  await field.fill('0');
  await submitAction(adminPage, section.getByRole('button', { name: 'Save policies for mailboxes' }));
  await expect(adminPage.getByRole('region', { name: 'Policies for mailboxes' }).getByText('must be at least 1 day')).toBeVisible();
  await adminPage.getByRole('region', { name: 'Policies for mailboxes' }).getByLabel('Passwords expire after (days)').fill('30');
  await submitAction(adminPage, adminPage.getByRole('region', { name: 'Policies for mailboxes' }).getByRole('button', { name: 'Save policies for mailboxes' }));
  await expect(adminPage.getByRole('status')).toHaveText('The policies for mailboxes have been saved.');
  await expect(adminPage.getByRole('region', { name: 'Policies for mailboxes' }).getByLabel('Passwords expire after (days)')).toHaveValue('30');

  // Day 16 of 30: reminded, with a way to change it now; day 15: not yet.
  const user = await (await clientAt(browser, '198.51.100.122')).newPage();
  await signIn(user, day16.email, day16.password);
  await expect(user).toHaveURL(/\/mail$/);
  const reminder = user.getByTestId('password-reminder');
  await expect(reminder).toContainText('Your password expires in 14 days');
  await expect(reminder.getByRole('link', { name: 'Change your password now' })).toHaveAttribute('href', '/account#password-heading');
  const other = await (await clientAt(browser, '198.51.100.123')).newPage();
  await signIn(other, day15.email, day15.password);
  await expect(other).toHaveURL(/\/mail$/);
  await expect(other.getByTestId('password-reminder')).toHaveCount(0);

  // The password of a signed-in user expires: the server's background jobs set the flag (the job is made
  // due now, as at its next 10-minute run), and the open web session ends at its next request.
  const victim = await (await clientAt(browser, '198.51.100.124')).newPage();
  await signIn(victim, expiring.email, expiring.password);
  await expect(victim).toHaveURL(/\/mail$/);
  await expect(victim.getByTestId('password-reminder')).toContainText('Your password expires within a day');
  // A day later: past the 30 days.
  updateMailboxRow(expiring.id, { passwordChangedAt: ageBy(31) });
  dbOf().update(jobLeases).set({ nextRunAt: new Date(0) }).where(eq(jobLeases.name, 'password_expiry')).run();
  await expect.poll(() => mailboxRow(expiring.id).requireResetPassword, { timeout: 15_000 }).toBe(true);
  expect(auditFor(expiring.email, 'password_expired')[0]).toMatchObject({ actorKind: 'system', detail: { max_age_days: 30 } });
  expect(mailboxRow(day16.id).requireResetPassword).toBe(false);
  await victim.goto('/mail');
  await expect(victim).toHaveURL(/\/login\?ended=1$/);

  // The admin's list filter and overview.
  await adminPage.goto('/admin/mailboxes?age=20');
  await expect(adminPage.getByTestId('list-count')).toContainText('1 mailbox matches');
  await expect(adminPage.getByRole('link', { name: expiring.email })).toBeVisible();
  await adminPage.goto('/admin/mailboxes');
  await adminPage.getByLabel('Password older than (days)').fill('10');
  await adminPage.getByRole('button', { name: 'Search' }).click();
  await expect(adminPage).toHaveURL(/age=10/);
  await expect(adminPage.getByTestId('list-count')).toContainText('3 mailboxes match');
  await adminPage.goto('/admin');
  const ages = adminPage.getByTestId('password-ages');
  await expect(ages.getByTestId('password-age-under90')).toContainText('3 set within the last 90 days');
  await expect(ages).toContainText('Passwords expire after 30 days.');
  await expect(ages).toContainText('1 password expires within 14 days.');
});
