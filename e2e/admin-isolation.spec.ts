import { accountWithAdmin, adminAt, listHydrated, mailboxExists, mailboxPath, openMailbox, recordSignIn, tamper } from './support/admin';
import { createMailbox, defaultServer, expect, formAlert, sqlRows, strongPassword, test } from './support/fixtures';

/**
 * Attack tests: the admin of account A edits the page (hidden fields, checkboxes, select options) to aim
 * every action at account B's mailboxes and domain. Each is "not found" and B's rows stay exactly as they were.
 */

/** Every stored column of a mailbox (as stored: the comparison is before/after on one engine). */
function fullRow(id: number) {
  return sqlRows(defaultServer(), `SELECT * FROM mailboxes WHERE id = :'id'`, { id })[0];
}

function changesBy(adminEmail: string) {
  return sqlRows<{ event: string; mailbox: string | null }>(
    defaultServer(),
    `SELECT event, mailbox_email AS mailbox FROM audit_events WHERE actor_kind = 'admin' AND actor_email = :'email' ORDER BY id`,
    { email: adminEmail },
  ).filter((r) => r.event !== 'admin_login_succeeded');
}

test.describe("tenant isolation: account A's admin cannot see or change account B's mailboxes", () => {
  test("B's mailbox page is a 404 and the list and search never show it", async ({ browser }) => {
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    // A network no page text uses as an example (the catalogues' hints say 203.0.113.0/24), so finding it would be a leak.
    const theirs = createMailbox(b.account, { allowNets: '203.0.113.96/27' });
    const mine = createMailbox(a.account);
    const { context, page } = await adminAt(browser, '198.51.100.170', a.admin);
    const response = await page.goto(mailboxPath(theirs.email));
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Mailbox not found' })).toBeVisible();
    expect(await page.content()).not.toContain('203.0.113.96/27');
    // A missing mailbox of A's own domain answers exactly the same.
    const missing = await page.goto(mailboxPath(`nobody@${a.account.domain}`));
    expect(missing?.status()).toBe(404);

    await page.goto(`/admin/mailboxes?q=${encodeURIComponent(theirs.email)}`);
    await expect(page.getByTestId('list-count')).toHaveText(/No mailboxes match/);
    await page.goto(`/admin/mailboxes?domain=${b.account.domain}`);
    await expect(page.getByTestId('list-count')).toHaveText(/No mailboxes match/);
    await page.goto('/admin/mailboxes');
    await expect(page.getByRole('link', { name: mine.email })).toBeVisible();
    await expect(page.getByText(theirs.email)).toHaveCount(0);
    await context.close();
  });

  test("saving, previewing, adding an IP and setting a password with B's address are refused as not found", async ({ browser }) => {
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    const theirs = createMailbox(b.account, { allowNets: '203.0.113.0/24' });
    const mine = createMailbox(a.account);
    const before = fullRow(theirs.id);
    const { context, page } = await adminAt(browser, '198.51.100.171', a.admin);

    await openMailbox(page, mine.email);
    const settings = page.locator('form', { has: page.getByRole('heading', { name: 'Settings' }) });
    await settings.getByLabel('Allowed networks').fill('0.0.0.0/0');
    await settings.getByLabel('Force password change at next login').check();
    await settings.getByLabel('Memo').fill('pwned');
    await tamper(page, 'form input[type="hidden"][name="email"]', theirs.email);
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(formAlert(page)).toHaveText(`Mailbox ${theirs.email} not found`);

    // The draft-only intents post to the server without JavaScript: they must refuse B's address too.
    const noJs = await adminAt(browser, '198.51.100.171', a.admin, { javaScriptEnabled: false });
    for (const button of ['Preview', 'Add my current IP (198.51.100.171)']) {
      await noJs.page.goto(mailboxPath(mine.email));
      await tamper(noJs.page, 'form input[type="hidden"][name="email"]', theirs.email);
      await noJs.page.getByRole('button', { name: button }).click();
      await expect(formAlert(noJs.page)).toHaveText(`Mailbox ${theirs.email} not found`);
    }
    await noJs.context.close();

    await openMailbox(page, mine.email);
    const passwordForm = page.locator('form', { has: page.getByRole('heading', { name: 'Set a new password' }) });
    const password = strongPassword();
    await passwordForm.getByLabel('New password', { exact: true }).fill(password);
    await passwordForm.getByLabel('New password again').fill(password);
    await tamper(page, 'form input[type="hidden"][name="email"]', theirs.email);
    await passwordForm.getByRole('button', { name: 'Set password' }).click();
    await expect(formAlert(page)).toHaveText(`Mailbox ${theirs.email} not found`);

    expect(fullRow(theirs.id)).toEqual(before);
    expect(changesBy(a.admin.email)).toEqual([]);
    await context.close();
  });

  test("bulk changes with B's addresses mixed into the selection, or B's domain as the filter, change nothing", async ({ browser }) => {
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    const theirs = [createMailbox(b.account, { local: 'x1' }), createMailbox(b.account, { local: 'x2', allowNets: '203.0.113.0/24' })];
    const mine = [createMailbox(a.account, { local: 'm1' }), createMailbox(a.account, { local: 'm2' })];
    const before = [...theirs, ...mine].map((m) => fullRow(m.id));
    const { context, page } = await adminAt(browser, '198.51.100.172', a.admin);

    // Review step: one of B's addresses added as an extra checked checkbox.
    await page.getByRole('checkbox', { name: `Select ${mine[0]!.email}` }).check();
    await page.locator('input[name="selected"]').first().evaluate((el, email) => {
      const extra = el.cloneNode() as HTMLInputElement;
      extra.value = email;
      extra.checked = true;
      el.after(extra);
    }, theirs[0]!.email);
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Replace the allowed networks' });
    await page.getByLabel('Networks (for replacing or adding)').fill('0.0.0.0/0');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(formAlert(page)).toHaveText(`Nothing was changed. Mailbox not found: ${theirs[0]!.email}`);

    // Apply step: a legitimate confirmation whose hidden selection is then rewritten to B's addresses.
    await page.reload();
    await listHydrated(page);
    await page.getByRole('checkbox', { name: `Select ${mine[0]!.email}` }).check();
    await page.getByRole('checkbox', { name: `Select ${mine[1]!.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Force a password change at next login' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByRole('button', { name: 'Apply to 2 mailboxes' })).toBeVisible();
    const confirm = page.locator('form.confirm input[type="hidden"][name="selected"]');
    await confirm.nth(0).evaluate((el, email) => ((el as HTMLInputElement).value = email), theirs[0]!.email);
    await confirm.nth(1).evaluate((el, email) => ((el as HTMLInputElement).value = email), theirs[1]!.email);
    await page.getByRole('button', { name: 'Apply to 2 mailboxes' }).click();
    await expect(formAlert(page)).toContainText('Mailboxes not found');

    // "All matching" with B's domain as the filter matches nothing of B's.
    await page.reload();
    await listHydrated(page);
    await tamper(page, 'form[aria-label="Mailboxes"] input[type="hidden"][name="domain"]', b.account.domain);
    await page.getByLabel(/^All 2 mailboxes matching/).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Remove the network restriction' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(formAlert(page)).toHaveText('No mailboxes match the current search and filter; nothing to change.');

    expect([...theirs, ...mine].map((m) => fullRow(m.id))).toEqual(before);
    expect(changesBy(a.admin.email)).toEqual([]);
    await context.close();
  });

  test("creating a mailbox in B's domain is refused and creates nothing", async ({ browser }) => {
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.173', a.admin);
    await page.goto('/admin/mailboxes/new');
    await page.locator('select#domain').evaluate((el, domain) => {
      const option = document.createElement('option');
      option.value = domain;
      option.textContent = domain;
      el.appendChild(option);
      (el as HTMLSelectElement).value = domain;
    }, b.account.domain);
    await page.getByLabel('Address (before the @)').fill('intruder');
    const password = strongPassword();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await expect(formAlert(page)).toHaveText(`Domain ${b.account.domain} not found. Choose one of your domains.`);
    expect(mailboxExists(`intruder@${b.account.domain}`)).toBe(false);
    await context.close();
  });

  test("B's events never appear in A's audit log or its CSV export", async ({ browser }) => {
    const a = accountWithAdmin();
    const b = accountWithAdmin();
    const theirs = createMailbox(b.account);
    const mine = createMailbox(a.account);
    recordSignIn(b.account, theirs, { ip: '203.0.113.99', daysAgo: 1 });
    recordSignIn(a.account, mine, { ip: '198.51.100.99', daysAgo: 1 });
    const { context, page } = await adminAt(browser, '198.51.100.174', a.admin);
    await page.goto(`/admin/audit?mailbox=${encodeURIComponent(theirs.email)}`);
    await expect(page.getByText('No events match.')).toBeVisible();
    await page.goto('/admin/audit');
    await expect(page.getByTestId('audit-table')).toContainText(mine.email);
    await expect(page.getByTestId('audit-table')).not.toContainText(theirs.email);
    const csv = await (await page.request.get(`/admin/audit/export?mailbox=${encodeURIComponent(theirs.email)}`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(1);
    const all = await (await page.request.get('/admin/audit/export')).text();
    expect(all).toContain(mine.email);
    expect(all).not.toContain(theirs.email);
    expect(all).not.toContain('203.0.113.99');
    await context.close();
  });
});
