import { eq } from 'drizzle-orm';
import { mailboxes } from '../db/schema';
import { authenticate, call, rpc } from './support/api';
import { accountWithAdmin, adminAt, mailboxPath, netsFieldsHydrated, openMailbox, recordSignIn } from './support/admin';
import { auditFor, clientAt, createMailbox, dbOf, expect, formAlert, signIn, SIGN_IN_FAILED, test } from './support/fixtures';

/** Spec §15 in the browser: temporary entries, network sets, monitor mode, suggestions, labels. */

function storedList(id: number) {
  return dbOf().select({ allowNets: mailboxes.allowNets, meta: mailboxes.allowNetsMeta, mode: mailboxes.allowNetsMode }).from(mailboxes).where(eq(mailboxes.id, id)).get()!;
}

test.describe('Allowlists that admins can run', () => {
  // Each test signs in an admin and a mailbox user in two browsers and saves several forms.
  test.describe.configure({ timeout: 180_000 });

  test('a temporary entry admits a client until its expiry and not after', async ({ browser, request }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    // A short expiry instead of a clock hook: nothing in production can move the server's clock.
    const expiresAt = Date.now() + 45_000;
    const set = await rpc(request, call('mail.set', { mail: mailbox.email, allow_nets_entries: [{ net: '192.0.2.0/24', label: 'Office' }, { net: '203.0.113.44', label: 'Hotel', expires_at: new Date(expiresAt).toISOString() }] }), { token });
    expect(set.json.result, JSON.stringify(set.json.error)).toBe(true);

    const context = await clientAt(browser, '203.0.113.44', { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await page.waitForTimeout(Math.max(0, expiresAt - Date.now() + 300));
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    expect(auditFor(mailbox.email, 'session_ended')[0]).toMatchObject({ detail: { reason: 'network_not_allowed' }, clientIp: '203.0.113.44' });
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    await context.close();

    // The expired entry stays on the list, marked expired, on the mailbox page and the list page.
    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.240', admin);
    await expect(adminPage.getByRole('row', { name: new RegExp(mailbox.email) }).getByTestId('expired-mark')).toHaveText(/1 expired/);
    const office = adminPage.getByRole('row', { name: new RegExp(mailbox.email) }).locator('.net-labelled', { hasText: '192.0.2.0/24' });
    await expect(office).toHaveAttribute('title', 'Office');
    await office.focus();
    await expect(office.getByRole('tooltip')).toBeVisible();
    await openMailbox(adminPage, mailbox.email);
    const row = adminPage.getByTestId('allowNets-rows').locator('tr[data-net="203.0.113.44"]');
    await expect(row.getByLabel('Label of 203.0.113.44')).toHaveValue('Hotel');
    await expect(row).toContainText('Expired: no longer admits anyone');
    await adminContext.close();
  });

  test('labels and expiry edited as rows are saved with the list; a pasted list still works', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // In UTC, so that the local time typed is the stored one (e2e/time-zone.spec.ts covers other zones).
    const { context, page } = await adminAt(browser, '198.51.100.241', admin, { timezoneId: 'UTC' });
    await openMailbox(page, mailbox.email);
    await page.getByLabel('Allowed networks').fill(' 198.51.100.7/24,\n2001:DB8::1 ');
    const rows = page.getByTestId('allowNets-rows');
    await rows.getByLabel('Label of 198.51.100.0/24').fill('Branch office');
    await rows.getByLabel('Expiry of 2001:db8::1 (your time)').fill('2099-12-31T18:00');
    await page.getByRole('button', { name: 'Save' }).click();
    // "Saved" says what was saved: the list, then each entry's label and expiry.
    await expect(page.getByTestId('saved-changes').getByRole('listitem')).toHaveText([
      'Allowed networks: no restriction → 198.51.100.0/24,2001:db8::1',
      'Allowed networks, 198.51.100.0/24: label "Branch office"',
      /^Allowed networks, 2001:db8::1: expires Dec 31, 2099, 6:00\sPM/,
    ]);
    expect(storedList(mailbox.id)).toEqual({
      allowNets: '198.51.100.0/24,2001:db8::1',
      meta: { '198.51.100.0/24': { label: 'Branch office' }, '2001:db8::1': { expiresAt: Date.UTC(2099, 11, 31, 18, 0) } },
      mode: 'enforce',
    });
    // Removing a row removes the entry from the draft.
    await page.getByRole('button', { name: 'Remove 2001:db8::1' }).click();
    await expect(page.getByLabel('Allowed networks')).toHaveValue('198.51.100.0/24');
    await context.close();
  });

  test('editing a set cuts off an open session of a mailbox that references it; deleting it is refused naming the mailboxes', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const other = createMailbox(account);
    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.242', admin);

    // Create the set on /admin/networks and reference it from two mailboxes.
    await adminPage.goto('/admin/networks');
    await netsFieldsHydrated(adminPage);
    const form = adminPage.getByTestId('new-set');
    await form.getByLabel('Name').fill('office');
    await form.getByLabel('Description').fill('Head office');
    await form.getByLabel('Networks').fill('192.0.2.0/24');
    await form.getByRole('button', { name: 'Create set' }).click();
    await expect(adminPage.getByRole('status').filter({ hasText: 'Created @office.' })).toBeVisible();
    for (const m of [mailbox, other]) {
      await openMailbox(adminPage, m.email);
      await adminPage.getByLabel('Allowed networks').fill('@office');
      await adminPage.getByRole('button', { name: 'Save' }).click();
      await expect(adminPage.getByTestId('saved-changes')).toHaveText('Allowed networks: no restriction → @office');
    }

    const userContext = await clientAt(browser, '192.0.2.77', { javaScriptEnabled: false });
    const userPage = await userContext.newPage();
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/mail$/);

    await adminPage.goto('/admin/networks');
    await netsFieldsHydrated(adminPage);
    const setForm = adminPage.getByTestId('set-office');
    await setForm.getByLabel('Networks').fill('198.51.100.0/24');
    await setForm.getByRole('button', { name: 'Save set' }).click();
    await expect(adminPage.getByRole('status').filter({ hasText: 'Saved @office.' })).toBeVisible();

    await userPage.goto('/mail');
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);
    await userContext.close();

    await adminPage.getByRole('button', { name: 'Delete @office' }).click();
    const [first, second] = [mailbox.email, other.email].sort();
    await expect(adminPage.getByRole('alert').filter({ hasText: 'Network set @office' })).toHaveText(`Network set @office is used by mailboxes ${first}, ${second}. Remove it from their lists first.`);
    await expect(adminPage.getByTestId('set-office')).toBeVisible();
    await adminContext.close();
  });

  test('monitor mode lets a sign-in from an unlisted address through, and the mailbox page shows it as "would have been refused"', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.243', admin);
    await openMailbox(adminPage, mailbox.email);
    await adminPage.getByLabel('List mode').selectOption('monitor');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await expect(adminPage.getByTestId('saved-changes')).toContainText('Network list mode: enforce → monitor');
    expect(storedList(mailbox.id).mode).toBe('monitor');

    const userContext = await clientAt(browser, '203.0.113.99', { javaScriptEnabled: false });
    const userPage = await userContext.newPage();
    await signIn(userPage, mailbox.email, mailbox.password);
    await expect(userPage).toHaveURL(/\/mail$/);
    await userPage.goto('/account');
    await expect(userPage).toHaveURL(/\/account$/);
    await userContext.close();
    // One would_refuse for the sign-in, one for the session's requests from that address (not one per request).
    const rows = auditFor(mailbox.email, 'would_refuse');
    expect(rows.map((r) => (r.detail as { kind: string }).kind).sort()).toEqual(['request', 'sign_in']);

    await adminPage.reload();
    await expect(adminPage.getByTestId('would-refuse-summary')).toHaveText('1 sign-in in the last 30 days would have been refused by the list:');
    await expect(adminPage.getByTestId('would-refuse')).toContainText('203.0.113.99');
    await expect(adminPage.getByTestId('impact-monitor')).toContainText('Monitor mode let 1 sign-in through');

    // The list page filters by mode.
    await adminPage.goto('/admin/mailboxes?filter=monitor');
    await expect(adminPage.getByRole('link', { name: mailbox.email })).toBeVisible();
    await adminPage.goto('/admin/mailboxes?filter=enforce');
    await expect(adminPage.getByRole('link', { name: mailbox.email })).toHaveCount(0);
    await adminContext.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`a suggestion from history is added with one click (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async ({ browser }) => {
      const { account, admin } = accountWithAdmin();
      const mailbox = createMailbox(account, { allowNets: '192.0.2.0/24' });
      recordSignIn(account, mailbox, { ip: '203.0.113.10', daysAgo: 1, protocol: 'imap' });
      recordSignIn(account, mailbox, { ip: '203.0.113.200', daysAgo: 2 });
      recordSignIn(account, mailbox, { ip: '192.0.2.5', daysAgo: 3 });
      recordSignIn(account, mailbox, { ip: '203.0.113.10', daysAgo: 40 });
      const { context, page } = await adminAt(browser, '198.51.100.244', admin, { javaScriptEnabled });
      if (javaScriptEnabled) await openMailbox(page, mailbox.email);
      else await page.goto(mailboxPath(mailbox.email));
      const suggestions = page.getByTestId('suggestions');
      await expect(suggestions.locator('tr[data-net="203.0.113.0/24"]')).toContainText('imap 1, web 1');
      await expect(suggestions.locator('tr[data-net="203.0.113.0/24"] td').nth(3)).toHaveText('No');
      await expect(suggestions.locator('tr[data-net="192.0.2.0/24"] td').nth(3)).toHaveText('Yes');
      await page.getByRole('button', { name: 'Add 203.0.113.0/24' }).click();
      await expect(page.getByLabel('Allowed networks')).toHaveValue('192.0.2.0/24, 203.0.113.0/24');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByTestId('saved-changes')).toHaveText('Allowed networks: 192.0.2.0/24 → 192.0.2.0/24,203.0.113.0/24');
      expect(storedList(mailbox.id).allowNets).toBe('192.0.2.0/24,203.0.113.0/24');
      await context.close();
    });
  }
});
