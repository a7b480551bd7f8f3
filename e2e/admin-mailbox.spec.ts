import bcrypt from 'bcrypt';
import { accountWithAdmin, adminAt, mailboxPath, openList, openMailbox, recordSignIn } from './support/admin';
import { auditFor, clientAt, createMailbox, expect, formAlert, mailboxRow, signIn, sqlRows, strongPassword, test } from './support/fixtures';

test.describe('admin mailbox page', () => {
  test('a list with valid and invalid entries saves nothing and names every invalid entry with its reason', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
    const before = mailboxRow(mailbox.id);
    const { context, page } = await adminAt(browser, '198.51.100.140', admin);
    await openMailbox(page, mailbox.email);
    const field = page.getByLabel('Allowed networks');
    await field.fill('203.0.113.0/24, 10.0.0.1/33, abc, 2001:db8::/32, 300.1.1.1');
    // Live validation in the browser, by the same parser as the server.
    const live = page.getByTestId('allowNets-errors');
    await expect(live.getByRole('listitem')).toHaveText([
      '10.0.0.1/33: prefix length must be between 0 and 32',
      'abc: not an IP address or network',
      '300.1.1.1: each number of an IPv4 address must be between 0 and 255',
    ]);
    // Save waits for a valid list, and says why.
    const save = page.getByRole('button', { name: 'Save' });
    await expect(save).toBeDisabled();
    await expect(save).toHaveAccessibleDescription('Fix the invalid entries in Allowed networks to save.');
    // The server enforces it all the same (a form submitted past the disabled button).
    await page.locator('form[aria-labelledby="settings-heading"]').evaluate((form: HTMLFormElement) => form.requestSubmit());
    await expect(formAlert(page)).toContainText('Nothing was saved');
    // The errors are listed once, under the field (not again in the alert).
    await expect(page.locator('li', { hasText: 'abc: not an IP address or network' })).toHaveCount(1);
    // The draft is kept for correction; the database is untouched.
    await expect(field).toHaveValue('203.0.113.0/24, 10.0.0.1/33, abc, 2001:db8::/32, 300.1.1.1');
    expect(mailboxRow(mailbox.id)).toEqual(before);
    expect(auditFor(mailbox.email, 'allow_nets_changed')).toHaveLength(0);
    // Once the field is valid again, the server's alert has done its job and goes away.
    await field.fill('203.0.113.0/24, 2001:db8::/32');
    await expect(formAlert(page)).toHaveCount(0);
    await expect(save).toBeEnabled();
    await context.close();
  });

  test('a valid list is saved in canonical form, shown as changed, and cuts off the user’s open session at its next request', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const user = await clientAt(browser, '198.51.100.141');
    const userPage = await user.newPage();
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/mail$/);

    const { context, page } = await adminAt(browser, '198.51.100.142', admin);
    await openMailbox(page, mailbox.email);
    await page.getByLabel('Allowed networks').fill(' 203.0.113.7/24,\n2001:DB8:0::1 , ::ffff:192.0.2.0/120');
    await expect(page.getByTestId('allowNets-canonical')).toHaveText('203.0.113.0/24,2001:db8::1,192.0.2.0/24');
    await expect(page.getByTestId('allowNets-warnings')).toContainText('has host bits set');
    // The user's only address of the last 30 days would be refused: saving needs a confirmation.
    await expect(page.getByTestId('lockout-warning')).toContainText('This list refuses every address');
    await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
    await page.getByLabel('Yes, save this list anyway').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('saved-changes')).toHaveText('Allowed networks: no restriction → 203.0.113.0/24,2001:db8::1,192.0.2.0/24');
    // The field now holds the canonical form the server stored.
    await expect(page.getByLabel('Allowed networks')).toHaveValue('203.0.113.0/24,2001:db8::1,192.0.2.0/24');
    expect(mailboxRow(mailbox.id).allowNets).toBe('203.0.113.0/24,2001:db8::1,192.0.2.0/24');
    expect(auditFor(mailbox.email, 'allow_nets_changed')[0]).toMatchObject({ actorKind: 'admin', clientIp: '198.51.100.142', protocol: 'web' });

    await userPage.goto('/mail');
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);
    await context.close();
    await user.close();
  });

  test('"Add my current IP" adds the address the portal sees for the admin', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
    const { context, page } = await adminAt(browser, '2001:db8:77::5', admin);
    await openMailbox(page, mailbox.email);
    await page.getByRole('button', { name: 'Add my current IP (2001:db8:77::5)' }).click();
    await expect(page.getByLabel('Allowed networks')).toHaveValue('192.0.2.0/24, 2001:db8:77::5');
    await expect(page.getByTestId('allowNets-add-ip-note')).toHaveText('2001:db8:77::5 was added to the list. Save to apply it.');
    // A second click adds nothing and says why, also when the draft names a set (which once made it add the address again).
    await page.getByRole('button', { name: 'Add my current IP (2001:db8:77::5)' }).click();
    await expect(page.getByTestId('allowNets-add-ip-note')).toHaveText('2001:db8:77::5 is already in the list.');
    await page.getByLabel('Allowed networks').fill('@office, 192.0.2.0/24, 2001:db8:77::5');
    await page.getByRole('button', { name: 'Add my current IP (2001:db8:77::5)' }).click();
    await expect(page.getByLabel('Allowed networks')).toHaveValue('@office, 192.0.2.0/24, 2001:db8:77::5');
    await expect(page.getByTestId('allowNets-add-ip-note')).toHaveText('2001:db8:77::5 is already in the list.');
    await page.getByLabel('Allowed networks').fill('192.0.2.0/24, 2001:db8:77::5');
    // Nothing is saved until the admin saves.
    expect(mailboxRow(mailbox.id).allowNets).toBe('192.0.2.0/24');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('saved-changes')).toContainText('192.0.2.0/24,2001:db8:77::5');
    expect(mailboxRow(mailbox.id).allowNets).toBe('192.0.2.0/24,2001:db8:77::5');
    await context.close();
  });

  test('the impact preview lists the recent sign-ins the draft would refuse', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    recordSignIn(account, mailbox, { ip: '203.0.113.10', daysAgo: 1 });
    recordSignIn(account, mailbox, { ip: '203.0.113.10', daysAgo: 2, protocol: 'imap' });
    recordSignIn(account, mailbox, { ip: '198.51.100.20', daysAgo: 5 });
    recordSignIn(account, mailbox, { ip: '2001:db8:1::9', daysAgo: 6, event: 'login_failed', reason: 'network_not_allowed' });
    // Not sign-ins of the owner (wrong password) or too old: never listed.
    recordSignIn(account, mailbox, { ip: '192.0.2.99', daysAgo: 1, event: 'login_failed', reason: 'bad_password' });
    recordSignIn(account, mailbox, { ip: '192.0.2.98', daysAgo: 40 });

    const { context, page } = await adminAt(browser, '198.51.100.143', admin);
    await openMailbox(page, mailbox.email);
    await expect(page.getByTestId('impact-summary')).toHaveText('No restriction is saved: none of the 3 addresses used in the last 30 days is refused.');
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24');
    await expect(page.getByTestId('impact-summary')).toHaveText('This draft would refuse 2 of 3 addresses used in the last 30 days:');
    const rows = page.getByTestId('impact-refused').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('198.51.100.20');
    await expect(rows.nth(0)).toContainText('signed in');
    await expect(rows.nth(1)).toContainText('2001:db8:1::9');
    await expect(rows.nth(1)).toContainText('refused: network not allowed');
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24, 198.51.100.0/24, 2001:db8::/32');
    await expect(page.getByTestId('impact-summary')).toHaveText('All 3 addresses used in the last 30 days are allowed by this draft.');
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24, nonsense');
    await expect(page.getByTestId('impact-summary')).toHaveText('Fix the invalid entries to see which sign-ins the list would refuse.');
    await context.close();
  });

  test('the impact preview counts repeat successes from the sign-in summaries (spec §19)', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // A mail app from one address all month: its audit row is 31 days old (outside the window), its summary
    // counted 1,284 successes and was last seen 2 days ago.
    recordSignIn(account, mailbox, { ip: '198.51.100.7', daysAgo: 31, protocol: 'imap' });
    sqlRows(account.server, `UPDATE sign_in_summaries SET count = 1284, last_seen = :'at' WHERE mailbox_id = :'box' RETURNING id`, { at: Date.now() - 2 * 86_400_000, box: mailbox.id });
    const { context, page } = await adminAt(browser, '198.51.100.143', admin);
    await openMailbox(page, mailbox.email);
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24');
    await expect(page.getByTestId('impact-summary')).toHaveText('This draft would refuse 1 of 1 address used in the last 30 days:');
    const row = page.getByTestId('impact-refused').locator('tbody tr');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('198.51.100.7');
    await expect(row).toContainText('1284');
    await expect(row).toContainText('imap');
    await context.close();
  });

  test('forcing a password change ends the user’s session; the next sign-in lands on the interstitial', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const user = await clientAt(browser, '198.51.100.144');
    const userPage = await user.newPage();
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/mail$/);

    const { context, page } = await adminAt(browser, '198.51.100.145', admin);
    await openMailbox(page, mailbox.email);
    await page.getByLabel('Force password change at next login').first().check();
    await page.getByLabel('Memo').fill('Phished on 3 March; reset requested by IT.');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('saved-changes').getByRole('listitem')).toHaveText([
      'Force password change at next login: off → on (open sessions were ended)',
      'Memo updated',
    ]);
    expect(mailboxRow(mailbox.id)).toMatchObject({ requireResetPassword: true, memo: 'Phished on 3 March; reset requested by IT.' });

    await userPage.goto('/account');
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/change-password$/);
    await context.close();
    await user.close();
  });

  test('an admin-set password must pass the policy, is never echoed, and ends open sessions', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { local: 'marketing' });
    const user = await clientAt(browser, '198.51.100.146');
    const userPage = await user.newPage();
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/mail$/);
    const before = mailboxRow(mailbox.id);

    const { context, page } = await adminAt(browser, '198.51.100.147', admin);
    await openMailbox(page, mailbox.email);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Set a new password' }) });
    await form.getByLabel('New password', { exact: true }).fill('Marketing-2024-Spring!');
    await form.getByLabel('New password again').fill('Marketing-2024-Spring!');
    await form.getByRole('button', { name: 'Set password' }).click();
    await expect(form.locator('#newPassword-error')).toContainText('Do not use the mailbox name ("marketing")');
    await expect(form.getByLabel('New password', { exact: true })).toHaveValue('');
    expect(await page.content()).not.toContain('Marketing-2024-Spring!');
    expect(mailboxRow(mailbox.id).passwordHash).toBe(before.passwordHash);

    const newPassword = strongPassword();
    await form.getByLabel('New password', { exact: true }).fill(newPassword);
    await form.getByLabel('New password again').fill(newPassword);
    await form.getByRole('button', { name: 'Set password' }).click();
    await expect(form.getByRole('status')).toContainText('The user must choose a new password at the next sign-in.');
    expect(await page.content()).not.toContain(newPassword);
    const after = mailboxRow(mailbox.id);
    expect(bcrypt.compareSync(newPassword, after.passwordHash)).toBe(true);
    expect(after.requireResetPassword).toBe(true);
    expect(auditFor(mailbox.email, 'password_set_by_admin')[0]).toMatchObject({ actorKind: 'admin', detail: {} });

    await userPage.reload();
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(formAlert(userPage)).toBeVisible();
    await signIn(userPage, mailbox.email, newPassword);
    await expect(userPage).toHaveURL(/\/change-password$/);
    await context.close();
    await user.close();
  });

  test('deactivating shows what changed and the list reflects it', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { context, page } = await adminAt(browser, '198.51.100.148', admin);
    await openMailbox(page, mailbox.email);
    // Deactivation is not among the settings: it has its own danger zone.
    await expect(page.getByLabel('Active')).toHaveCount(0);
    const danger = page.getByRole('region', { name: 'Danger zone' });
    await danger.getByRole('button', { name: 'Deactivate this mailbox' }).click();
    await expect(danger.getByTestId('active-result')).toContainText('is deactivated: it cannot sign in anywhere');
    expect(mailboxRow(mailbox.id).active).toBe(false);
    expect(auditFor(mailbox.email, 'active_changed')[0]).toMatchObject({ actorKind: 'admin', detail: { old: true, new: false } });
    await expect(danger.getByRole('button', { name: 'Reactivate this mailbox' })).toBeVisible();
    await openList(page, '/admin/mailboxes?filter=inactive');
    await expect(page.getByRole('link', { name: mailbox.email })).toBeVisible();
    await context.close();
  });

  test('without JavaScript: an invalid list is refused with every entry named, a valid one is saved', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    recordSignIn(account, mailbox, { ip: '198.51.100.30', daysAgo: 2 });
    const { context, page } = await adminAt(browser, '198.51.100.149', admin, { javaScriptEnabled: false });
    await page.goto(mailboxPath(mailbox.email));
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24, 10.0.0.0/8/8, fe80::1%eth0');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(formAlert(page)).toContainText('Nothing was saved');
    await expect(page.getByTestId('allowNets-errors').getByRole('listitem')).toHaveText([
      '10.0.0.0/8/8: only one "/" is allowed, as in 10.0.0.0/8',
      'fe80::1%eth0: zone ids (like %eth0) are not allowed in a list',
    ]);
    expect(mailboxRow(mailbox.id).allowNets).toBeNull();

    // The "Preview" round trip shows the impact of the draft without saving.
    await page.getByLabel('Allowed networks').fill('203.0.113.0/24');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('impact-refused')).toContainText('198.51.100.30');
    expect(mailboxRow(mailbox.id).allowNets).toBeNull();

    // "Add my current IP" without JavaScript: the server appends the address to the draft.
    await page.getByRole('button', { name: 'Add my current IP (198.51.100.149)' }).click();
    await expect(page.getByLabel('Allowed networks')).toHaveValue('203.0.113.0/24, 198.51.100.149');
    // 198.51.100.30, the mailbox's only address of the last 30 days, would be refused: the server asks first.
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(formAlert(page)).toContainText('Nothing was saved: this list refuses every address');
    expect(mailboxRow(mailbox.id).allowNets).toBeNull();
    await page.getByLabel('Yes, save this list anyway').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('saved-changes')).toHaveText('Allowed networks: no restriction → 203.0.113.0/24,198.51.100.149');
    expect(mailboxRow(mailbox.id).allowNets).toBe('203.0.113.0/24,198.51.100.149');
    await context.close();
  });

  test('recent sign-ins show the result and the reason', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const refused = await clientAt(browser, '198.51.100.150');
    const refusedPage = await refused.newPage();
    await signIn(refusedPage, mailbox.email, mailbox.password);
    await expect(formAlert(refusedPage)).toBeVisible();
    const allowed = await clientAt(browser, '203.0.113.150');
    const allowedPage = await allowed.newPage();
    await signIn(allowedPage, mailbox.email, mailbox.password);
    await expect(allowedPage).toHaveURL(/\/mail$/);

    const { context, page } = await adminAt(browser, '198.51.100.151', admin);
    await openMailbox(page, mailbox.email);
    const rows = page.getByTestId('recent-sign-ins').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('203.0.113.150');
    await expect(rows.nth(0)).toContainText('Signed in');
    await expect(rows.nth(1)).toContainText('198.51.100.150');
    await expect(rows.nth(1)).toContainText('Refused: network not allowed');
    await expect(rows.nth(1)).toHaveClass(/refused/);
    await context.close();
    await refused.close();
    await allowed.close();
  });

  test('an address with +, % and dots opens from the list and round-trips through the URL', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const odd = createMailbox(account, { local: 'first.last+tag%41' });
    createMailbox(account, { local: 'first.last+taga' });
    const { context, page } = await adminAt(browser, '198.51.100.152', admin);
    await page.getByRole('link', { name: odd.email }).click();
    await expect(page.getByRole('heading', { name: odd.email, exact: true })).toBeVisible();
    await context.close();
  });
});
