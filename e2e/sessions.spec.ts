import { and, desc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from '@playwright/test';
import { auditEvents, webSessions } from '../db/schema';
import { servers } from '../playwright.config';
import { accountWithAdmin, adminAt, mailboxPath } from './support/admin';
import { authenticate, call, INVALID_SESSION, rpc } from './support/api';
import { cli, clientAt, createMailbox, dbOf, expect, signIn, signOut, submitAction, test } from './support/fixtures';

/** Spec §13: sessions are rows; ending the row ends the session wherever its cookie went. */

const base = `http://127.0.0.1:${servers.proxied.port}`;

async function replay(browser: Browser, cookie: { name: string; value: string; path: string }, address: string): Promise<BrowserContext> {
  const context = await clientAt(browser, address);
  await context.addCookies([{ name: cookie.name, value: cookie.value, url: `${base}${cookie.path}` }]);
  return context;
}

const webRows = (kind: 'mailbox' | 'admin', subjectId: number) =>
  dbOf().select({ id: webSessions.id }).from(webSessions).where(and(eq(webSessions.kind, kind), eq(webSessions.subjectId, subjectId))).all();

const audit = (accountId: number, event: string) =>
  dbOf().select({ detail: auditEvents.detail, actorKind: auditEvents.actorKind, actorEmail: auditEvents.actorEmail, mailboxEmail: auditEvents.mailboxEmail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event))).orderBy(desc(auditEvents.id)).all();

test.describe('sessions that can be ended', () => {
  test('a copied mailbox cookie is dead once its session signs out', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.171');
    const page = await context.newPage();
    await signIn(page, box.email, box.password);
    await expect(page).toHaveURL(/\/mail$/);
    const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.session-token')!;
    expect(webRows('mailbox', box.id)).toHaveLength(1);

    // The copy works while the session lives...
    const thief = await replay(browser, cookie, '198.51.100.172');
    const stolen = await thief.newPage();
    await stolen.goto('/mail');
    await expect(stolen).toHaveURL(/\/mail$/);

    await signOut(page);
    expect(webRows('mailbox', box.id)).toHaveLength(0);
    // ...and not after sign-out, in a fresh context that still holds the copy.
    const later = await replay(browser, cookie, '198.51.100.172');
    const again = await later.newPage();
    await again.goto('/mail');
    await expect(again).toHaveURL(/\/login\?ended=1$/);
    await Promise.all([context.close(), thief.close(), later.close()]);
  });

  test('a copied admin cookie is dead once its session signs out', async ({ browser }) => {
    const { admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.173', admin);
    const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.admin-session-token')!;
    await submitAction(page, page.getByRole('button', { name: 'Sign out' }));
    await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
    expect(webRows('admin', admin.id)).toHaveLength(0);
    const later = await replay(browser, cookie, '198.51.100.173');
    const again = await later.newPage();
    await again.goto('/admin/mailboxes');
    await expect(again).toHaveURL(/\/admin\/login\?ended=1$/);
    await Promise.all([context.close(), later.close()]);
  });

  test('an admin request sent before sign-out and answered after it does not bring back a cookie', async ({ browser }) => {
    const { admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.189', admin);
    const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.admin-session-token')!;
    await submitAction(page, page.getByRole('button', { name: 'Sign out' }));
    await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
    // A background prefetch that carried the old token, answered after the sign-out.
    const late = await context.request.get('/admin/audit', { headers: { cookie: `${cookie.name}=${cookie.value}` }, maxRedirects: 0 });
    expect(late.headers()['location']).toMatch(/\/admin\/login\?ended=1$/);
    expect((await context.cookies()).some((c) => c.name === cookie.name)).toBe(false);
    await page.goto('/admin/mailboxes');
    await expect(page).toHaveURL(/\/admin\/login\?callbackUrl=%2Fadmin%2Fmailboxes$/);
    await context.close();
  });

  test('"Where you\'re signed in" lists web and API sessions; "Sign out everywhere else" ends the others and keeps this one', async ({ browser, request }) => {
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const here = await clientAt(browser, '198.51.100.174');
    const other = await clientAt(browser, '198.51.100.175');
    const herePage = await here.newPage();
    const otherPage = await other.newPage();
    await signIn(herePage, box.email, box.password);
    await signIn(otherPage, box.email, box.password);
    const { token } = await authenticate(request, box.email, box.password, '198.51.100.176');

    await herePage.goto('/account');
    const list = herePage.getByTestId('sessions');
    await expect(list.locator('tbody tr')).toHaveCount(3);
    await expect(list.locator('tr[data-session="current"]')).toContainText('this device');
    await expect(list.locator('tr[data-session="current"]')).toContainText('198.51.100.174');
    await expect(list).toContainText('198.51.100.175');
    await expect(list).toContainText('(API)');
    await expect(list).toContainText(/Chrom(e|ium)/);

    await submitAction(herePage, herePage.getByRole('button', { name: 'Sign out everywhere else' }));
    await expect(herePage.getByRole('status')).toContainText('signed out everywhere else');
    await expect(herePage.getByTestId('sessions').locator('tbody tr')).toHaveCount(1);

    await otherPage.goto('/mail');
    await expect(otherPage).toHaveURL(/\/login\?ended=1$/);
    expect((await rpc(request, call('hello.innerworld'), { token, ip: '198.51.100.176' })).json.error).toMatchObject(INVALID_SESSION);
    await herePage.goto('/mail');
    await expect(herePage).toHaveURL(/\/mail$/);
    expect(audit(account.id, 'other_sessions_signed_out')[0]).toMatchObject({ mailboxEmail: box.email, detail: { count: 2 } });
    await Promise.all([here.close(), other.close()]);
  });

  test('"Sign out" on one row ends that session only (without JavaScript)', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const here = await clientAt(browser, '198.51.100.177', { javaScriptEnabled: false });
    const other = await clientAt(browser, '198.51.100.178');
    const herePage = await here.newPage();
    const otherPage = await other.newPage();
    await signIn(otherPage, box.email, box.password);
    await herePage.goto('/login');
    await herePage.getByLabel('Email address').fill(box.email);
    await herePage.getByLabel('Password', { exact: true }).fill(box.password);
    await herePage.getByRole('button', { name: 'Sign in' }).click();
    await expect(herePage).toHaveURL(/\/mail$/);
    await herePage.goto('/account');
    await herePage.getByRole('button', { name: /^Sign out .* at 198\.51\.100\.178$/ }).click();
    await expect(herePage).toHaveURL(/\/account\?notice=signed-out-session$/);
    await otherPage.goto('/account');
    await expect(otherPage).toHaveURL(/\/login\?ended=1$/);
    expect(audit(account.id, 'session_signed_out')[0]).toMatchObject({ mailboxEmail: box.email, detail: { channel: 'web' } });
    await Promise.all([here.close(), other.close()]);
  });

  test("the admin's \"End all sessions\" ends the mailbox's web and API sessions, audited", async ({ browser, request }) => {
    const { account, admin } = accountWithAdmin();
    const box = createMailbox(account);
    const user = await clientAt(browser, '198.51.100.179');
    const userPage = await user.newPage();
    await signIn(userPage, box.email, box.password);
    const { token } = await authenticate(request, box.email, box.password, '198.51.100.180');

    const { context, page } = await adminAt(browser, '198.51.100.181', admin);
    await page.goto(mailboxPath(box.email));
    await expect(page.getByTestId('mailbox-sessions').locator('tbody tr')).toHaveCount(2);
    await submitAction(page, page.getByRole('button', { name: 'End all sessions' }));
    await expect(page.getByRole('status').filter({ hasText: 'All sessions ended' })).toContainText('2 signed out');
    await expect(page.getByText('No open sessions.')).toBeVisible();

    await userPage.goto('/mail');
    await expect(userPage).toHaveURL(/\/login\?ended=1$/);
    expect((await rpc(request, call('hello.innerworld'), { token, ip: '198.51.100.180' })).json.error).toMatchObject(INVALID_SESSION);
    expect(audit(account.id, 'sessions_ended')[0]).toMatchObject({ actorKind: 'admin', actorEmail: admin.email, mailboxEmail: box.email, detail: { count: 2 } });
    await Promise.all([user.close(), context.close()]);
  });

  test('CLI: mailbox sessions lists them, mailbox sign-out ends them', async ({ browser }) => {
    // Three CLI processes (each starts tsx): a minute is too tight on a loaded machine.
    test.setTimeout(120_000);
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const user = await clientAt(browser, '198.51.100.182');
    const page = await user.newPage();
    await signIn(page, box.email, box.password);
    const listed = cli(['mailbox', 'sessions', '--email', box.email, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ channel: 'web', last_ip: '198.51.100.182', start_ip: '198.51.100.182' })]);
    const ended = cli(['mailbox', 'sign-out', '--email', box.email]);
    expect(ended.status, ended.stderr).toBe(0);
    expect(ended.stdout).toContain('1 session ended');
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    expect(audit(account.id, 'sessions_ended')[0]).toMatchObject({ actorKind: 'cli', detail: { count: 1 } });
    const missing = cli(['mailbox', 'sessions', '--email', `nobody@${account.domain}`]);
    expect(missing.status).not.toBe(0);
    await user.close();
  });
});
