import type { Page } from '@playwright/test';
import { auditEvents } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { dbOf, expect, test } from './support/fixtures';

// Spec §19 / issue 21: the audit page pages by cursor ("Older", "Newer", "Newest"); it counts the matching
// events (up to 1,000) only when asked ("Count matching events").

/** `n` sign-in rows of one mailbox of the account, one second apart (the newest first in id order too). */
function seed(accountId: number, email: string, n: number, from = Date.UTC(2026, 0, 1)): void {
  const rows = Array.from({ length: n }, (_, i) => ({ at: new Date(from + i * 1000), accountId, actorKind: 'mailbox' as const, event: 'login_failed', mailboxEmail: email, clientIp: `192.0.2.${i % 250}`, protocol: 'imap' as const }));
  for (let i = 0; i < rows.length; i += 200) dbOf().insert(auditEvents).values(rows.slice(i, i + 200)).run();
}

const shownIds = async (page: Page) => (await page.getByTestId('audit-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-id')))));

test.describe('the audit page at length', () => {
  test('pages older and newer by cursor with the filter kept, and counts "more than 1,000" only when asked', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const busy = `busy@${account.domain}`;
    const quiet = `quiet@${account.domain}`;
    seed(account.id, busy, 1_050);
    seed(account.id, quiet, 150, Date.UTC(2025, 0, 1));
    const { context, page } = await adminAt(browser, '198.51.100.190', admin);

    await page.goto('/admin/audit');
    const status = page.getByTestId('audit-count');
    await expect(status).toContainText('100 events on this page, newest first.');
    await expect(status).not.toContainText('In all');
    await status.getByRole('link', { name: 'Count matching events' }).click();
    await expect(page).toHaveURL(/[?&]count=1/);
    await expect(status).toContainText('In all, more than 1,000 events match.');
    await expect(status.getByRole('link', { name: 'Count matching events' })).toHaveCount(0);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await expect(pager.getByRole('link', { name: 'Newer' })).toHaveCount(0);
    // The pager's links leave the count out again: each page view reads its rows only.
    expect(await pager.getByRole('link', { name: 'Older →' }).getAttribute('href')).not.toContain('count=');

    // One mailbox: 150 rows, two pages.
    await page.goto(`/admin/audit?mailbox=${encodeURIComponent(quiet)}`);
    await expect(status).toContainText('100 events on this page, newest first.');
    const first = await shownIds(page);
    expect(first).toHaveLength(100);
    await pager.getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL(/[?&]before=\d+-\d+/);
    await expect(page).toHaveURL(new RegExp(`mailbox=${encodeURIComponent(quiet).replace(/[.%]/g, '\\$&')}`));
    const second = await shownIds(page);
    expect(second).toHaveLength(50);
    // Newest first, no row twice, none left out (the ids were written oldest first).
    const all = [...first, ...second];
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(new Set(all).size).toBe(150);
    expect(Math.max(...all) - Math.min(...all)).toBe(149);
    await expect(pager.getByRole('link', { name: 'Older →' })).toHaveCount(0);
    await expect(status).toContainText('50 events on this page');
    // Counting from the second page keeps the page (its cursor and the filter) and counts the filter's events.
    const secondUrl = page.url();
    await status.getByRole('link', { name: 'Count matching events' }).click();
    await expect(status).toContainText('In all, 150 events match.');
    expect(await shownIds(page)).toEqual(second);
    expect(page.url()).toBe(`${secondUrl}&count=1`);

    await pager.getByRole('link', { name: '← Newer' }).click();
    await expect(page).toHaveURL(/[?&]after=\d+-\d+/);
    expect(await shownIds(page)).toEqual(first);
    await expect(pager.getByRole('link', { name: '← Newer' })).toHaveCount(0);

    // From deep in the busy mailbox, "Newest" is its first page again.
    await page.goto(`/admin/audit?mailbox=${encodeURIComponent(busy)}`);
    const busyFirst = await shownIds(page);
    for (let i = 0; i < 3; i++) {
      const older = pager.getByRole('link', { name: 'Older →' });
      const href = (await older.getAttribute('href'))!;
      await older.click();
      await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === href);
    }
    expect((await shownIds(page))[0]).toBe(busyFirst[0]! - 300);
    await pager.getByRole('link', { name: 'Newest' }).click();
    await expect(page).not.toHaveURL(/before=|after=/);
    expect(await shownIds(page)).toEqual(busyFirst);

    // A cursor that does not parse is the newest page, not an error.
    await page.goto(`/admin/audit?mailbox=${encodeURIComponent(busy)}&before=junk`);
    expect(await shownIds(page)).toEqual(busyFirst);
    await context.close();
  });
});
