import { accountWithAdmin, adminAt, createNetSet, listHydrated, openList } from './support/admin';
import { auditFor, clientAt, createMailbox, expect, formAlert, mailboxRow, signIn, test } from './support/fixtures';

test.describe('admin bulk changes', () => {
  test('select 3 of 5 mailboxes and replace their networks: only those 3 change, after a confirmation with the count', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = ['a1', 'a2', 'a3', 'a4', 'a5'].map((local) => createMailbox(account, { local, allowNets: local === 'a5' ? '192.0.2.0/24' : null }));
    const chosen = [boxes[0]!, boxes[2]!, boxes[4]!];
    const { context, page } = await adminAt(browser, '198.51.100.160', admin);
    for (const m of chosen) await page.getByRole('checkbox', { name: `Select ${m.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Replace the allowed networks' });
    await page.getByLabel('Networks (for replacing or adding)').fill('203.0.113.0/24\n2001:DB8::/32');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('bulk-question')).toHaveText(
      'Replace the allowed networks of 3 mailboxes with 203.0.113.0/24,2001:db8::/32? Open sessions from other addresses end at their next request.',
    );
    // Reviewing changes nothing.
    expect(chosen.map((m) => mailboxRow(m.id).allowNets)).toEqual([null, null, '192.0.2.0/24']);
    await page.getByRole('button', { name: 'Apply to 3 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 3 mailboxes changed.');
    expect(boxes.map((m) => mailboxRow(m.id).allowNets)).toEqual([
      '203.0.113.0/24,2001:db8::/32',
      null,
      '203.0.113.0/24,2001:db8::/32',
      null,
      '203.0.113.0/24,2001:db8::/32',
    ]);
    expect(auditFor(boxes[2]!.email, 'allow_nets_changed')[0]).toMatchObject({ actorKind: 'admin', clientIp: '198.51.100.160' });
    // The list shows the new state.
    await expect(page.getByRole('row', { name: new RegExp(boxes[0]!.email) })).toContainText('2 entries: 203.0.113.0/24, 2001:db8::/32');
    await context.close();
  });

  test('"all matching the filter" forces a password change on every matching mailbox and ends their sessions', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const sales = ['sales-1', 'sales-2', 'sales-3'].map((local) => createMailbox(account, { local }));
    const others = [createMailbox(account, { local: 'ops-1' }), createMailbox(account, { local: 'sales-x', active: false })];
    const user = await clientAt(browser, '198.51.100.161');
    const userPage = await user.newPage();
    await signIn(userPage, sales[1]!.email, sales[1]!.password);
    await expect(userPage).toHaveURL(/\/mail$/);

    const { context, page } = await adminAt(browser, '198.51.100.162', admin);
    await page.getByLabel('Search by address').fill('sales-');
    await page.getByLabel('Show').selectOption({ label: 'Unrestricted' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/admin\/mailboxes\?q=sales-&filter=unrestricted&/);
    await listHydrated(page);
    // The three sales mailboxes and the inactive sales-x; not ops-1.
    await expect(page.getByTestId('list-count')).toContainText('4 mailboxes match');
    await page.getByLabel(/^All 4 mailboxes matching/).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Force a password change at next login' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('bulk-question')).toContainText('Force a password change at the next login for 4 mailboxes?');
    await page.getByRole('button', { name: 'Apply to 4 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 4 mailboxes changed.');
    expect(sales.map((m) => mailboxRow(m.id).requireResetPassword)).toEqual([true, true, true]);
    expect(mailboxRow(others[1]!.id).requireResetPassword).toBe(true);
    expect(mailboxRow(others[0]!.id).requireResetPassword).toBe(false);

    await userPage.goto('/mail');
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);

    // And cancel them again, by the "reset pending" filter.
    await openList(page, '/admin/mailboxes?filter=reset_pending&q=sales-');
    await page.getByLabel(/^All 4 mailboxes matching/).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Cancel a pending password change' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await page.getByRole('button', { name: 'Apply to 4 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 4 mailboxes changed.');
    expect(sales.map((m) => mailboxRow(m.id).requireResetPassword)).toEqual([false, false, false]);
    await context.close();
    await user.close();
  });

  test('invalid networks change nothing and every bad entry is named', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = [createMailbox(account, { allowNets: '192.0.2.0/24' }), createMailbox(account, { allowNets: '192.0.2.0/24' })];
    const { context, page } = await adminAt(browser, '198.51.100.163', admin);
    await page.getByLabel(/^All 2 mailboxes matching/).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Add networks to the allowed networks' });
    await page.getByLabel('Networks (for replacing or adding)').fill('203.0.113.0/24, 1.2.3, 2001:db8::/129');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(formAlert(page)).toContainText('Nothing was changed: the networks contain invalid entries.');
    await expect(page.getByTestId('bulk-allowNets-errors').getByRole('listitem')).toHaveText([
      '1.2.3: an IPv4 address must have four numbers separated by dots, like 192.0.2.1',
      '2001:db8::/129: prefix length must be between 0 and 128',
    ]);
    expect(boxes.map((m) => mailboxRow(m.id).allowNets)).toEqual(['192.0.2.0/24', '192.0.2.0/24']);
    await context.close();
  });

  test("network sets: the live check knows the account's @names as the server does; an unknown one changes nothing", async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    createNetSet(account, 'office', '192.0.2.0/24');
    const { account: other } = accountWithAdmin();
    createNetSet(other, 'branch', '198.51.100.0/24');
    const boxes = [createMailbox(account, { local: 's1', allowNets: '203.0.113.0/24' }), createMailbox(account, { local: 's2', allowNets: '203.0.113.0/24' })];
    const { context, page } = await adminAt(browser, '198.51.100.166', admin);
    for (const m of boxes) await page.getByRole('checkbox', { name: `Select ${m.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Add networks to the allowed networks' });
    const field = page.getByLabel('Networks (for replacing or adding)');
    await field.fill('@nope, @branch');
    await expect(page.getByTestId('bulk-allowNets-errors').getByRole('listitem')).toHaveText(['@nope: unknown network set "@nope"', '@branch: unknown network set "@branch"']);
    // Refused at the review already: no confirmation, nothing changed.
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(formAlert(page)).toContainText('Nothing was changed: the networks contain invalid entries.');
    await expect(page.getByTestId('bulk-question')).toHaveCount(0);
    await expect(page.getByTestId('bulk-allowNets-errors')).toContainText('@nope: unknown network set "@nope"');
    expect(boxes.map((m) => mailboxRow(m.id).allowNets)).toEqual(['203.0.113.0/24', '203.0.113.0/24']);

    await field.fill('@office');
    await expect(page.getByTestId('bulk-allowNets-errors')).toHaveCount(0);
    await expect(page.getByTestId('bulk-allowNets-normal')).toContainText('1 entry');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('bulk-question')).toHaveText('Add @office to the allowed networks of 2 mailboxes? Mailboxes without a restriction stay unrestricted.');
    await page.getByRole('button', { name: 'Apply to 2 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 2 mailboxes changed.');
    expect(boxes.map((m) => mailboxRow(m.id).allowNets)).toEqual(['203.0.113.0/24,@office', '203.0.113.0/24,@office']);
    await context.close();
  });

  test('on a phone (390 px, cards) "select all" is visible and ticks every mailbox of the page for a bulk change', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = ['p1', 'p2', 'p3'].map((local) => createMailbox(account, { local }));
    const { context, page } = await adminAt(browser, '198.51.100.167', admin);
    await page.setViewportSize({ width: 390, height: 844 });
    // The card layout is in force: rows are blocks, and the other column headers are clipped away.
    await expect(page.getByTestId('mailbox-table').locator('tbody tr').first()).toHaveCSS('display', 'block');
    await expect(page.getByRole('columnheader', { name: 'Address' })).toHaveCSS('position', 'absolute');
    const selectAll = page.getByRole('checkbox', { name: 'Select all mailboxes on this page' });
    await selectAll.scrollIntoViewIfNeeded();
    // Wholly on screen, not a clipped 1 px header cell.
    await expect(selectAll).toBeInViewport({ ratio: 1 });
    await expect(page.getByText('Select all on this page')).toBeVisible();
    // A real tap target: Playwright clicks where the checkbox is and fails if something else would get the click.
    await selectAll.click();
    for (const m of boxes) await expect(page.getByRole('checkbox', { name: `Select ${m.email}` })).toBeChecked();
    await expect(page.getByTestId('bulk-controls')).toContainText('3 selected');
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Force a password change at next login' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('bulk-question')).toContainText('Force a password change at the next login for 3 mailboxes?');
    // Tapping the words works as well as the box: it clears the selection again.
    await page.getByText('Select all on this page').click();
    for (const m of boxes) await expect(page.getByRole('checkbox', { name: `Select ${m.email}` })).not.toBeChecked();
    await context.close();
  });

  test('adding networks keeps unrestricted mailboxes unrestricted and says so', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const restricted = createMailbox(account, { local: 'r1', allowNets: '192.0.2.0/24' });
    const open = createMailbox(account, { local: 'u1' });
    const { context, page } = await adminAt(browser, '198.51.100.164', admin);
    await page.getByRole('checkbox', { name: `Select ${restricted.email}` }).check();
    await page.getByRole('checkbox', { name: `Select ${open.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Add networks to the allowed networks' });
    await page.getByLabel('Networks (for replacing or adding)').fill('203.0.113.9');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await page.getByRole('button', { name: 'Apply to 2 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 1 mailbox changed, 1 mailbox without a restriction left unrestricted.');
    expect(mailboxRow(restricted.id).allowNets).toBe('192.0.2.0/24,203.0.113.9');
    expect(mailboxRow(open.id).allowNets).toBeNull();
    await context.close();
  });

  test('without JavaScript: review, confirm and apply work as plain form posts', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = [createMailbox(account, { local: 'n1', allowNets: '192.0.2.0/24' }), createMailbox(account, { local: 'n2', allowNets: '192.0.2.0/24' }), createMailbox(account, { local: 'n3' })];
    const { context, page } = await adminAt(browser, '198.51.100.165', admin, { javaScriptEnabled: false });
    await page.getByRole('checkbox', { name: `Select ${boxes[0]!.email}` }).check();
    await page.getByRole('checkbox', { name: `Select ${boxes[1]!.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Remove the network restriction' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('bulk-question')).toContainText('Remove the network restriction of 2 mailboxes?');
    await page.getByRole('button', { name: 'Apply to 2 mailboxes' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('Done: 2 mailboxes changed.');
    expect(boxes.map((m) => mailboxRow(m.id).allowNets)).toEqual([null, null, null]);
    await context.close();
  });

  test('a selection that changed after the confirmation is refused and nothing changes', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const boxes = [createMailbox(account, { local: 'c1' }), createMailbox(account, { local: 'c2' })];
    const { context, page } = await adminAt(browser, '198.51.100.166', admin);
    await page.getByLabel(/^All 2 mailboxes matching/).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Force a password change at next login' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByRole('button', { name: 'Apply to 2 mailboxes' })).toBeVisible();
    createMailbox(account, { local: 'c3' });
    await page.getByRole('button', { name: 'Apply to 2 mailboxes' }).click();
    await expect(formAlert(page)).toContainText('The selection changed since it was confirmed: 3 mailboxes match now, 2 were confirmed.');
    expect(boxes.map((m) => mailboxRow(m.id).requireResetPassword)).toEqual([false, false]);
    await context.close();
  });
});
