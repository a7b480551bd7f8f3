import type { Browser, BrowserContext, Page } from '@playwright/test';
import { netSets } from '../../db/schema';
import { clientAt, createAccount, createAdmin, dbOf, defaultServer, expect, rememberCookies, rememberSecret, sqlRows, type TestAccount } from './fixtures';

/** Helpers for the admin area's specs (e2e/admin*.spec.ts). */

export type TestAdmin = ReturnType<typeof createAdmin>;

/** Fills and submits /admin/login (or the page it was sent to). */
export async function adminSignIn(page: Page, admin: { email: string; password: string }, path = '/admin/login'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Admin email address').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  rememberSecret(admin.password);
}

/** A browser context at `address` with the admin signed in, on the mailbox list. */
export async function adminAt(browser: Browser, address: string, admin: TestAdmin, options: { javaScriptEnabled?: boolean; timezoneId?: string; locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await clientAt(browser, address, options);
  const page = await context.newPage();
  await adminSignIn(page, admin);
  await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  await rememberCookies(context);
  if (options.javaScriptEnabled !== false) await listHydrated(page);
  return { context, page };
}

/**
 * Typing into a React-controlled field before the page's scripts have run can be undone by hydration, so
 * tests with JavaScript wait for a control that only exists once it runs.
 */
export async function listHydrated(page: Page): Promise<void> {
  await expect(page.getByRole('checkbox', { name: 'Select all mailboxes on this page' })).toBeVisible();
}

/** Opens the mailbox list (with JavaScript) and waits for it to be interactive. */
export async function openList(page: Page, path = '/admin/mailboxes'): Promise<void> {
  await page.goto(path);
  await listHydrated(page);
}

/** Waits until the page's "Allowed networks" fields are driven by React (with JavaScript only). */
export async function netsFieldsHydrated(page: Page): Promise<void> {
  await expect(page.locator('.nets-field').first()).toHaveAttribute('data-hydrated', 'true');
}

/** Opens a mailbox page (with JavaScript) and waits for it to be interactive. */
export async function openMailbox(page: Page, email: string): Promise<void> {
  await page.goto(mailboxPath(email));
  await netsFieldsHydrated(page);
}

/** An account with its admin. */
export function accountWithAdmin(): { account: TestAccount; admin: TestAdmin } {
  const account = createAccount();
  return { account, admin: createAdmin(account) };
}

/** A named network set of the account, created straight in the database (referenced as `@name`). */
export function createNetSet(account: TestAccount, name: string, allowNets: string): void {
  dbOf(account.server).insert(netSets).values({ accountId: account.id, name, allowNets }).run();
}

/** The mailbox page's URL. */
export function mailboxPath(email: string): string {
  return `/admin/mailboxes/${encodeURIComponent(email)}`;
}

/** Records a sign-in attempt in the audit log directly, as the sign-in code would, at a chosen time. */
export function recordSignIn(
  account: TestAccount,
  mailbox: { id: number; email: string },
  options: { ip: string | null; daysAgo: number; event?: 'login_succeeded' | 'login_failed'; reason?: string; protocol?: 'web' | 'imap' },
): void {
  sqlRows(
    account.server,
    `INSERT INTO audit_events (at, account_id, actor_kind, actor_email, mailbox_id, mailbox_email, event, client_ip, protocol, detail)
     VALUES (:'at', :'account', 'mailbox', :'email', :'box', :'email', :'event', ${options.ip === null ? 'NULL' : `:'ip'`}, :'protocol', ${options.reason ? `:'detail'` : 'NULL'})
     RETURNING id`,
    {
      at: Date.now() - options.daysAgo * 86_400_000,
      account: account.id,
      email: mailbox.email,
      box: mailbox.id,
      event: options.event ?? 'login_succeeded',
      ip: options.ip,
      protocol: options.protocol ?? 'web',
      detail: options.reason ? JSON.stringify({ reason: options.reason }) : null,
    },
  );
  if ((options.event ?? 'login_succeeded') !== 'login_succeeded') return;
  // A success is also counted, as the sign-in code counts it (lib/sign-in-summaries): its summary row and
  // its day, which the suggestions, the history and the charts read.
  const at = Date.now() - options.daysAgo * 86_400_000;
  sqlRows(
    account.server,
    `INSERT INTO sign_in_summaries (account_id, mailbox_id, protocol, credential, client_ip, first_seen, last_seen, count, audited_at)
     VALUES (:'account', :'box', :'protocol', 'password', :'ip', :'at', :'at', 1, :'at')
     ON CONFLICT (mailbox_id, protocol, credential, client_ip) DO UPDATE SET count = sign_in_summaries.count + 1,
       last_seen = CASE WHEN excluded.last_seen > sign_in_summaries.last_seen THEN excluded.last_seen ELSE sign_in_summaries.last_seen END
     RETURNING id`,
    { account: account.id, box: mailbox.id, protocol: options.protocol ?? 'web', ip: options.ip ?? '', at },
  );
  sqlRows(
    account.server,
    `INSERT INTO sign_in_days (account_id, mailbox_id, day, count) VALUES (:'account', :'box', :'day', 1)
     ON CONFLICT (mailbox_id, day) DO UPDATE SET count = sign_in_days.count + 1
     RETURNING count`,
    { account: account.id, box: mailbox.id, day: new Date(at).toISOString().slice(0, 10) },
  );
}

/** Whether a mailbox with that address exists at all (any account). */
export function mailboxExists(email: string): boolean {
  return sqlRows(defaultServer(), `SELECT id FROM mailboxes WHERE email = :'email'`, { email }).length > 0;
}

/** Sets the value of a form control in the page's DOM, as an attacker editing the page would. */
export async function tamper(page: Page, selector: string, value: string): Promise<void> {
  const count = await page.locator(selector).count();
  expect(count, `no element matches ${selector}`).toBeGreaterThan(0);
  await page.locator(selector).evaluateAll((elements, v) => {
    for (const el of elements) (el as HTMLInputElement).value = v;
  }, value);
}
