import { eq } from 'drizzle-orm';
import type { Locator } from '@playwright/test';
import { mailboxes } from '../db/schema';
import { accountWithAdmin, adminAt, mailboxPath, openMailbox } from './support/admin';
import { clientAt, createMailbox, dbOf, expect, signIn, test } from './support/fixtures';

/**
 * Issue 24 item 4: a viewer in New York reads every time in one format, in New York time (sessions,
 * sign-in history, a message, the audit log, entry expiry); expiry is typed in local time and stored as the
 * right instant; the shortcuts; "Saved" and the audit details say what was set, in words.
 */

const ZONE = 'America/New_York';
const nyFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every <time> in `scope` shows its own instant in New York time and the one format (UTC only in the hover text). */
async function expectNewYorkTimes(scope: Locator, atLeast = 1) {
  const times = scope.locator('time');
  expect(await times.count()).toBeGreaterThanOrEqual(atLeast);
  for (const time of await times.all()) {
    const at = new Date((await time.getAttribute('datetime'))!);
    await expect(time).toHaveText(new RegExp(`^${escape(nyFormat.format(at))}`));
    // The UTC form is only the hover text: never the visible text.
    expect(await time.evaluate((t) => (t.firstChild?.textContent ?? '').includes('UTC'))).toBe(false);
  }
}

const nextYear = new Date().getUTCFullYear() + 1;

test.describe('one time format, in the viewer\'s zone', () => {
  test.describe.configure({ timeout: 180_000 });

  test('a mailbox user in New York sees New York times on /account and in a message', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account, { messages: 1 });
    const context = await clientAt(browser, '198.51.100.61', { timezoneId: ZONE, locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await page.goto('/account');
    // "Where you're signed in" and the history beside it: the same sign-in, the same text.
    await expectNewYorkTimes(page.getByTestId('sessions'), 2);
    await expectNewYorkTimes(page.getByTestId('sign-in-history'), 1);
    const signedIn = await page.getByTestId('sessions').locator('td[data-label="Signed in"] time').first().innerText();
    const history = await page.getByTestId('sign-in-history').locator('time').first().innerText();
    expect(signedIn.split(' (')[0]).toBe(history.split(' (')[0]);
    await page.goto('/mail');
    await expectNewYorkTimes(page.locator('main'), 1);
    await page.getByRole('link', { name: /Test message 1/ }).click();
    await expect(page.getByRole('heading', { name: 'Test message 1' })).toBeVisible();
    await expectNewYorkTimes(page.locator('article'), 1);
    await context.close();
  });

  test('without JavaScript every time is in UTC and says so', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account, { messages: 1 });
    const context = await clientAt(browser, '198.51.100.62', { timezoneId: ZONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email address').fill(mailbox.email);
    await page.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/mail$/);
    await page.goto('/account');
    for (const time of await page.getByTestId('sessions').locator('time').all()) await expect(time).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await context.close();
  });

  test('an admin in New York types expiry in local time, uses the shortcuts, and reads what was saved and the audit in words', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { context, page } = await adminAt(browser, '198.51.100.63', admin, { timezoneId: ZONE, locale: 'en-US' });
    await openMailbox(page, mailbox.email);
    await page.getByLabel('Allowed networks').fill('198.51.100.7, 203.0.113.0/24');
    const rows = page.getByTestId('allowNets-rows');
    await expect(rows.getByRole('columnheader', { name: `Expires (your time, ${ZONE})` })).toBeVisible();
    await rows.getByLabel('Label of 198.51.100.7').fill('Hotel');
    // 9:00 on 10 December in New York is 14:00 UTC.
    await rows.getByLabel('Expiry of 198.51.100.7 (your time)').fill(`${nextYear}-12-10T09:00`);
    const before = Date.now();
    await rows.getByRole('button', { name: 'Expire 203.0.113.0/24 in 3 days' }).click();
    const after = Date.now();
    await page.getByLabel('Force password change at next login').check();
    await page.getByRole('button', { name: 'Save' }).click();

    const saved = page.getByTestId('saved-changes').getByRole('listitem');
    const expiry = Date.UTC(nextYear, 11, 10, 14, 0);
    await expect(saved).toHaveText([
      'Allowed networks: no restriction → 198.51.100.7,203.0.113.0/24',
      new RegExp(`^Allowed networks, 198\\.51\\.100\\.7: label "Hotel", expires ${escape(nyFormat.format(expiry))}`),
      /^Allowed networks, 203\.0\.113\.0\/24: expires /,
      /^Force password change at next login: off → on/,
    ]);
    await expectNewYorkTimes(page.getByTestId('saved-changes'), 2);
    const meta = dbOf().select({ meta: mailboxes.allowNetsMeta }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).get()!.meta!;
    expect(meta['198.51.100.7']).toEqual({ label: 'Hotel', expiresAt: expiry });
    const shortcut = meta['203.0.113.0/24']!.expiresAt!;
    // Three days from the click, to the minute.
    expect(shortcut).toBeGreaterThanOrEqual(Math.floor((before + 3 * 86_400_000) / 60_000) * 60_000);
    expect(shortcut).toBeLessThanOrEqual(after + 3 * 86_400_000);
    // The field shows the stored instant in local time again.
    await expect(rows.getByLabel('Expiry of 198.51.100.7 (your time)')).toHaveValue(`${nextYear}-12-10T09:00`);

    // The audit log: New York times, details in words.
    await page.goto(`/admin/audit?mailbox=${encodeURIComponent(mailbox.email)}`);
    const table = page.getByTestId('audit-table');
    await expect(table.locator('tbody tr')).toHaveCount(2);
    for (const time of await table.locator('td.when time').all()) {
      const at = new Date((await time.getAttribute('datetime'))!);
      await expect(time.locator('.reltime-exact')).toHaveText(` (${nyFormat.format(at)})`);
    }
    const nets = table.locator('tr[data-event="allow_nets_changed"]');
    await nets.getByText('Details').click();
    const details = nets.locator('details');
    await expect(details).toContainText('Labels and expiry');
    await expect(details).toContainText(`198.51.100.7: label "Hotel", expires ${nyFormat.format(expiry)}`);
    const reset = table.locator('tr[data-event="require_reset_password_changed"]');
    await reset.getByText('Details').click();
    await expect(reset.locator('details')).toContainText('Forced password change, after');
    await expect(reset.locator('details')).toContainText('turned on');
    for (const text of [await details.innerText(), await reset.locator('details').innerText()]) {
      expect(text).not.toMatch(/[{}]|expiresAt|require_reset_password|Mozilla\/5\.0|\bfalse\b|\btrue\b/);
    }
    await expectNewYorkTimes(details, 1);
    await context.close();
  });

  test('without JavaScript the expiry field says UTC and takes UTC', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '198.51.100.0/24' });
    const { context, page } = await adminAt(browser, '198.51.100.64', admin, { timezoneId: ZONE, javaScriptEnabled: false });
    await page.goto(mailboxPath(mailbox.email));
    const rows = page.getByTestId('allowNets-rows');
    await expect(rows.getByRole('columnheader', { name: 'Expires (UTC)' })).toBeVisible();
    await expect(rows.getByRole('button', { name: /in 3 days/ })).toHaveCount(0);
    await rows.getByLabel('Expiry of 198.51.100.0/24 (UTC)').fill(`${nextYear}-12-10T09:00`);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('saved-changes')).toContainText(`expires ${nextYear}-12-10 09:00 UTC`);
    const meta = dbOf().select({ meta: mailboxes.allowNetsMeta }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).get()!.meta!;
    expect(meta['198.51.100.0/24']).toEqual({ expiresAt: Date.UTC(nextYear, 11, 10, 9, 0) });
    await context.close();
  });
});
