import bcrypt from 'bcrypt';
import { eq } from 'drizzle-orm';
import { domains, mailboxes } from '../db/schema';
import { accountWithAdmin, adminAt, createNetSet, mailboxExists, netsFieldsHydrated, recordSignIn } from './support/admin';
import { createMailbox, dbOf, expect, formAlert, strongPassword, test } from './support/fixtures';

test.describe('creating mailboxes', () => {
  test('an admin creates a mailbox in one of the account’s domains and lands on its page', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const second = `second-${account.domain}`;
    dbOf().insert(domains).values({ accountId: account.id, name: second }).run();
    const { context, page } = await adminAt(browser, '198.51.100.180', admin);
    await page.getByRole('link', { name: 'New mailbox' }).click();
    await netsFieldsHydrated(page);
    await page.getByLabel('Address (before the @)').fill('New.Hire');
    await page.getByLabel('Domain').selectOption(second);
    const password = strongPassword();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24, 2001:DB8::/32');
    await page.getByLabel('Memo').fill('Starts Monday');
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    const email = `new.hire@${second}`;
    await expect(page).toHaveURL(new RegExp(`/admin/mailboxes/${encodeURIComponent(email)}\\?created=1$`));
    await expect(page.getByRole('heading', { name: email })).toBeVisible();
    await expect(page.getByText('Mailbox created.')).toBeVisible();
    const row = dbOf()
      .select({ allowNets: mailboxes.allowNets, requireResetPassword: mailboxes.requireResetPassword, active: mailboxes.active, memo: mailboxes.memo, passwordHash: mailboxes.passwordHash, accountId: mailboxes.accountId })
      .from(mailboxes)
      .where(eq(mailboxes.email, email))
      .get();
    expect(row).toMatchObject({ allowNets: '203.0.113.0/24,2001:db8::/32', requireResetPassword: true, active: true, memo: 'Starts Monday', accountId: account.id });
    expect(bcrypt.compareSync(password, row!.passwordHash)).toBe(true);
    await context.close();
  });

  test('a duplicate address is a clear error; a bad list or password creates nothing and says why', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const existing = createMailbox(account, { local: 'taken' });
    const { context, page } = await adminAt(browser, '198.51.100.181', admin);
    await page.goto('/admin/mailboxes/new');
    await netsFieldsHydrated(page);
    const password = strongPassword();
    await page.getByLabel('Address (before the @)').fill('taken');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(formAlert(page)).toHaveText(`Address ${existing.email} is already in use by a mailbox or an admin. Choose another address.`);
    await expect(page.locator('#local-error')).toHaveText('This address is already taken.');
    // Typed values are kept, passwords are not.
    await expect(page.getByLabel('Address (before the @)')).toHaveValue('taken');
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');

    await page.getByLabel('Address (before the @)').fill('fresh');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24, 203.0.113.0/40');
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(formAlert(page)).toContainText('Nothing was created: the allowed networks contain invalid entries');
    await expect(page.getByTestId('allowNets-errors')).toContainText('203.0.113.0/40: prefix length must be between 0 and 32');
    expect(mailboxExists(`fresh@${account.domain}`)).toBe(false);

    await page.getByLabel('Allowed networks').fill('');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(page.locator('#newPassword-error')).toContainText('Use at least 12 characters');
    expect(mailboxExists(`fresh@${account.domain}`)).toBe(false);
    await context.close();
  });

  test("network sets: the live check knows the account's @names as the server does; an unknown one creates nothing", async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    createNetSet(account, 'office', '192.0.2.0/24');
    // Another account's set is unknown here, like a missing one.
    const { account: other } = accountWithAdmin();
    createNetSet(other, 'branch', '198.51.100.0/24');
    const { context, page } = await adminAt(browser, '198.51.100.182', admin);
    await page.goto('/admin/mailboxes/new');
    await netsFieldsHydrated(page);
    const password = strongPassword();
    const fillForm = async (local: string, nets: string) => {
      await page.getByLabel('Address (before the @)').fill(local);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByLabel('Password again').fill(password);
      await page.getByLabel('Allowed networks').fill(nets);
    };

    await fillForm('nope', '203.0.113.0/24, @nope, @branch');
    await expect(page.getByTestId('allowNets-errors').getByRole('listitem')).toHaveText(['@nope: unknown network set "@nope"', '@branch: unknown network set "@branch"']);
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(formAlert(page)).toContainText('Nothing was created: the allowed networks contain invalid entries');
    await expect(page.getByTestId('allowNets-errors')).toContainText('@nope: unknown network set "@nope"');
    expect(mailboxExists(`nope@${account.domain}`)).toBe(false);

    await fillForm('office', '@Office, 203.0.113.0/24');
    await expect(page.getByTestId('allowNets-errors')).toHaveCount(0);
    await expect(page.getByTestId('allowNets-canonical')).toHaveText('@office,203.0.113.0/24');
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(page.getByText('Mailbox created.')).toBeVisible();
    const row = dbOf().select({ allowNets: mailboxes.allowNets }).from(mailboxes).where(eq(mailboxes.email, `office@${account.domain}`)).get();
    expect(row?.allowNets).toBe('@office,203.0.113.0/24');
    await context.close();
  });
});

test.describe('audit log', () => {
  test('filters by mailbox, event and date, and exports the same rows as CSV with formulas defused', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const alice = createMailbox(account, { local: 'alice' });
    const bob = createMailbox(account, { local: 'bob' });
    recordSignIn(account, alice, { ip: '198.51.100.1', daysAgo: 0 });
    recordSignIn(account, alice, { ip: '198.51.100.2', daysAgo: 0, event: 'login_failed', reason: 'network_not_allowed' });
    recordSignIn(account, alice, { ip: '198.51.100.3', daysAgo: 10 });
    recordSignIn(account, bob, { ip: '198.51.100.4', daysAgo: 0 });
    const { context, page } = await adminAt(browser, '198.51.100.182', admin);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await expect(page).toHaveURL(/\/admin\/audit$/);
    // Part of the address is enough, in any case.
    await page.getByLabel('Mailbox (any part of the address)').fill(alice.email.split('@')[0]!.toUpperCase() + '@T');
    await page.getByLabel('Event').selectOption({ label: 'Sign-in' });
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From (UTC, YYYY-MM-DD)').fill(new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10));
    await page.getByLabel('To (UTC, inclusive)').fill(today);
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(`${alice.email} signed in from 198.51.100.1`);
    await expect(page.getByTestId('audit-count')).toContainText('1 event on this page, newest first.');

    const href = await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const response = await page.request.get(href!);
    expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('"time_utc","event","mailbox","actor_kind","actor","client_ip","protocol","user_agent","detail","sentence"');
    expect(lines[1]).toContain(`"login_succeeded","${alice.email}","mailbox","${alice.email}","198.51.100.1","web"`);
    expect(lines[1]).toMatch(new RegExp(`"${alice.email.replace(/\./g, '\\.')} signed in from 198\\.51\\.100\\.1"$`));

    // A user agent crafted as a spreadsheet formula is written as text.
    const context2 = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.183' }, userAgent: '=HYPERLINK("http://evil.example","x")' });
    const page2 = await context2.newPage();
    await page2.goto('/login');
    await page2.getByLabel('Email address').fill(bob.email);
    await page2.getByLabel('Password', { exact: true }).fill(bob.password);
    await page2.getByRole('button', { name: 'Sign in' }).click();
    await expect(page2).toHaveURL(/\/mail$/);
    const csv = await (await page.request.get(`/admin/audit/export?mailbox=${encodeURIComponent(bob.email)}`)).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    await context2.close();

    await page.goto('/admin/audit?from=2025-02-30');
    await expect(page.locator('#from-error')).toHaveText('must be a date like 2025-01-31');
    const bad = await page.request.get('/admin/audit/export?from=2025-02-30');
    expect(bad.status()).toBe(400);
    await context.close();
  });
});
