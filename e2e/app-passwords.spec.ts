import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type Browser, type Page } from '@playwright/test';
import { appPasswordStack, mail } from '../playwright.config';
import { adminSignIn, openMailbox } from './support/admin';
import { call, rpc } from './support/api';
import { cli, expect, rememberSecret, signIn, submitAction, test } from './support/fixtures';
import { imapIdle, imapLogin, type IdlingClient } from './support/imap-client';
import { DOVEADM_API_KEY, startMailServers, type MailServers } from './support/mail-servers';
import { startDoveadmStandIn, type DoveadmStandIn } from './support/doveadm-stand-in';
import { startOwnServer, type OwnServer } from './support/server-process';
import { ownDatabase } from './support/own-database';

/*
 * Spec §20 on real components: app passwords made on /account sign a real IMAP client (imapflow) in through
 * nginx's mail proxy → Portcullis's auth_http → Dovecot; revoking one ends the idling connection through
 * Dovecot's doveadm API (spec §18). Portcullis runs as its own server.ts with MAIL_KICK_URL set.
 */

test.describe.configure({ mode: 'default' });

const FROM = ['127.0.0.2', '127.0.0.3'] as const;
let stack: MailServers;
let standIn: DoveadmStandIn;
let server: OwnServer;
let dbFile: string;
const idling: IdlingClient[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  rememberSecret(DOVEADM_API_KEY);
  const dir = fs.mkdtempSync(path.join(mail.runDir, 'app-passwords-'));
  dbFile = path.join(dir, 'app-passwords.db');
  standIn = await startDoveadmStandIn(appPasswordStack.standIn, appPasswordStack.doveadm);
  server = await startOwnServer(appPasswordStack.server, {
    DATABASE_PATH: dbFile,
    TRUSTED_PROXIES: '127.0.0.1,::1',
    MAIL_AUTH_SECRET: mail.secret,
    IMAP_BACKEND: `127.0.0.1:${appPasswordStack.backend}`,
    MAIL_AUTH_WAIT_SECONDS: '1',
    MAIL_KICK_URL: standIn.url,
    MAIL_KICK_API_KEY: DOVEADM_API_KEY,
  });
  stack = await startMailServers({
    ports: { imap: appPasswordStack.imap, imaps: appPasswordStack.imaps, backend: appPasswordStack.backend, doveadm: appPasswordStack.doveadm },
    authUrl: server.url,
    secret: mail.secret,
    lockFile: path.join(mail.runDir, 'app-passwords-servers.lock'),
  });
});

test.afterAll(async () => {
  await Promise.all(idling.map((c) => c.close()));
  stack?.stop();
  server?.kill();
  if (server) fs.writeFileSync(path.join(mail.runDir, `instance-app-passwords-server-${process.pid}.log`), server.output());
  await standIn?.close();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('mail server logs', { body: stack.logs(), contentType: 'text/plain' });
    await testInfo.attach('server output', { body: server.output(), contentType: 'text/plain' });
  }
});

// The server's own SQLite database (the fixtures' createAccount/createMailbox target the shared servers).
const { sql, account, mailbox, adminOf } = ownDatabase(() => dbFile, { name: 'Apps', domainLetter: 'a', adminDomain: 'apps.test' });

const login = (user: string, password: string, from: string = FROM[0]) => imapLogin({ port: stack.ports.imap, certificate: stack.certificate, from, user, password });

async function idle(user: string, password: string, from: string = FROM[0]): Promise<IdlingClient> {
  const client = await imapIdle({ port: stack.ports.imap, certificate: stack.certificate, from, user, password });
  idling.push(client);
  return client;
}

/** A browser context on the test's own server whose requests arrive from `address` (through the trusted proxy). */
async function pageAt(browser: Browser, address: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { 'X-Forwarded-For': address } });
  return { page: await context.newPage(), close: () => context.close() };
}

/** Creates an app password on /account as the signed-in user; returns it as shown. */
async function createOnAccountPage(page: Page, label: string, options: { protocols?: string[]; allowNets?: string } = {}): Promise<string> {
  await page.goto('/account');
  await page.getByLabel('Label', { exact: true }).fill(label);
  if (options.protocols) {
    for (const name of ['IMAP', 'POP3', 'SMTP']) {
      const box = page.getByLabel(new RegExp(`^${name} `));
      if (options.protocols.includes(name)) await box.check();
      else await box.uncheck();
    }
  }
  if (options.allowNets) await page.getByLabel('Only from these networks (optional)').fill(options.allowNets);
  await submitAction(page, page.getByRole('button', { name: 'Create app password' }));
  const shown = (await page.getByTestId('new-app-password').textContent())!.trim();
  rememberSecret(shown);
  rememberSecret(shown.replaceAll(' ', ''));
  return shown;
}

test.describe('app passwords on real IMAP (spec §20)', () => {
  test('made on /account: signs in over IMAP typed as shown and without spaces, refused on /login and the API, last use shown; revoked, refused and its idling connection ends within 5 s', async ({ browser }) => {
    test.setTimeout(120_000);
    const request = await playwrightRequest.newContext({ baseURL: server.url });
    const { domain } = account();
    const box = mailbox(domain);
    const user = await pageAt(browser, '198.51.100.80');
    await signIn(user.page, box.email, box.password);
    const shown = await createOnAccountPage(user.page, 'Laptop', { protocols: ['IMAP'] });
    expect(shown).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    // Stored as bcrypt only.
    const [stored] = sql<{ password_hash: string }>('SELECT app_passwords.password_hash FROM app_passwords JOIN mailboxes ON mailboxes.id = app_passwords.mailbox_id WHERE mailboxes.email = ?', box.email);
    expect(stored!.password_hash).toMatch(/^\$2[ab]\$/);

    expect(await login(box.email, shown)).toMatchObject({ ok: true });
    expect(await login(box.email, shown.replaceAll(' ', ''), FROM[1])).toMatchObject({ ok: true });

    // Never the web or the API: the generic failure.
    const web = await pageAt(browser, '198.51.100.81');
    await web.page.goto('/login');
    await web.page.getByLabel('Email address').fill(box.email);
    await web.page.getByLabel('Password', { exact: true }).fill(shown);
    await submitAction(web.page, web.page.getByRole('button', { name: 'Sign in' }));
    await expect(web.page.getByText('Sign-in failed. Check your email address and password.')).toBeVisible();
    await web.close();
    const api = await rpc(request, call('auth', { user: box.email, pass: shown.replaceAll(' ', '') }));
    expect(api.json.error).toMatchObject({ code: 2 });

    // Its last use, on the user's page.
    await user.page.goto('/account');
    const row = user.page.getByTestId('app-passwords').getByRole('row', { name: /Laptop/ });
    await expect(row).toContainText('127.0.0.3');
    await expect(row).toContainText('IMAP');

    const client = await idle(box.email, shown);
    await submitAction(user.page, user.page.getByRole('button', { name: 'Revoke app password Laptop' }));
    const [revoked] = sql<{ at: number }>("SELECT at FROM audit_events WHERE mailbox_email = ? AND event = 'app_password_revoked'", box.email);
    const closedAt = await Promise.race([client.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 6_000))]);
    expect(closedAt, 'the idling connection was still open 6 s after the revocation').not.toBeNull();
    expect(closedAt! - revoked!.at).toBeLessThanOrEqual(5_000);
    expect(await login(box.email, shown)).toEqual({ ok: false, response: 'Invalid login or password' });
    // The account password still works for mail (no policy).
    expect(await login(box.email, box.password)).toMatchObject({ ok: true });
    await user.close();
    await request.dispose();
  });

  test('with its own networks it is refused from an address the mailbox admits but it does not', async ({ browser }) => {
    const { domain } = account();
    const box = mailbox(domain, '127.0.0.2/32,127.0.0.3/32,198.51.100.0/24');
    const user = await pageAt(browser, '198.51.100.82');
    await signIn(user.page, box.email, box.password);
    const shown = await createOnAccountPage(user.page, 'Office desktop', { allowNets: '127.0.0.3' });
    await user.close();
    expect(await login(box.email, box.password, FROM[0])).toMatchObject({ ok: true });
    expect(await login(box.email, shown, FROM[0])).toEqual({ ok: false, response: 'Invalid login or password' });
    expect(await login(box.email, shown, FROM[1])).toMatchObject({ ok: true });
  });

  test('"Mail apps must use app passwords", from off to on: the account password is refused on IMAP with the message, an app password works', async ({ browser }) => {
    const { name, domain } = account();
    const box = mailbox(domain);
    const user = await pageAt(browser, '198.51.100.83');
    await signIn(user.page, box.email, box.password);
    const shown = await createOnAccountPage(user.page, 'Phone');
    await user.close();
    expect(await login(box.email, box.password)).toMatchObject({ ok: true });

    const admin = await pageAt(browser, '198.51.100.84');
    await adminSignIn(admin.page, adminOf(name));
    await expect(admin.page).toHaveURL(/\/admin\/mailboxes$/);
    await admin.page.goto('/admin/security');
    await admin.page.getByLabel('Mail apps must use app passwords').check();
    await submitAction(admin.page, admin.page.getByRole('button', { name: 'Save policies for mailboxes' }));
    await expect(admin.page.getByText('The policies for mailboxes have been saved.')).toBeVisible();
    await admin.close();

    expect(await login(box.email, box.password)).toEqual({ ok: false, response: 'Use an app password for mail apps' });
    expect(await login(box.email, shown)).toMatchObject({ ok: true });
  });

  test('a forced change revokes app passwords by default and keeps them when unticked; another account\'s admin gets 404; the CLI lists, revokes and keeps them', async ({ browser }) => {
    test.setTimeout(120_000);
    const request = await playwrightRequest.newContext({ baseURL: server.url });
    const { name, domain } = account();
    const kept = mailbox(domain);
    const revoked = mailbox(domain);
    const passwords = new Map<string, string>();
    for (const box of [kept, revoked]) {
      const user = await pageAt(browser, '198.51.100.85');
      await signIn(user.page, box.email, box.password);
      passwords.set(box.email, await createOnAccountPage(user.page, 'Tablet'));
      await user.close();
    }
    const admin = await pageAt(browser, '198.51.100.86');
    await adminSignIn(admin.page, adminOf(name));
    await expect(admin.page).toHaveURL(/\/admin\/mailboxes$/);
    await openMailbox(admin.page, kept.email);
    await expect(admin.page.getByTestId('mailbox-app-passwords')).toContainText('Tablet');
    await admin.page.getByLabel('Force password change at next login').check();
    await admin.page.getByLabel(/also revoke its app passwords/).uncheck();
    await submitAction(admin.page, admin.page.getByRole('button', { name: 'Save', exact: true }));
    await expect.poll(() => sql<{ reset: number }>('SELECT require_reset_password AS reset FROM mailboxes WHERE email = ?', kept.email)[0]!.reset).toBe(1);
    await openMailbox(admin.page, revoked.email);
    await admin.page.getByLabel('Force password change at next login').check();
    await submitAction(admin.page, admin.page.getByRole('button', { name: 'Save', exact: true }));
    await expect.poll(() => sql<{ reset: number }>('SELECT require_reset_password AS reset FROM mailboxes WHERE email = ?', revoked.email)[0]!.reset).toBe(1);
    await admin.close();
    const count = (email: string) => sql<{ n: number }>('SELECT count(*) AS n FROM app_passwords JOIN mailboxes ON mailboxes.id = app_passwords.mailbox_id WHERE mailboxes.email = ?', email)[0]!.n;
    expect(count(kept.email)).toBe(1);
    expect(count(revoked.email)).toBe(0);
    // The kept one still opens the mailbox over IMAP (the pending change is the account password's).
    expect(await login(kept.email, passwords.get(kept.email)!)).toMatchObject({ ok: true });
    expect(await login(revoked.email, passwords.get(revoked.email)!)).toEqual({ ok: false, response: 'Invalid login or password' });

    // Another account's admin: 404, and nothing changes.
    const other = account();
    const outsider = adminOf(other.name);
    const auth = await rpc(request, call('auth', { user: outsider.email, pass: outsider.password }));
    const token = auth.json.result.session as string;
    const [app] = sql<{ id: number }>('SELECT app_passwords.id FROM app_passwords JOIN mailboxes ON mailboxes.id = app_passwords.mailbox_id WHERE mailboxes.email = ?', kept.email);
    for (const body of [call('mail.apppass.list', { mail: kept.email }), call('mail.apppass.del', { mail: kept.email, id: app!.id })]) {
      const answer = await rpc(request, body, { token });
      expect(answer.json.error).toEqual({ code: 404, message: `Mailbox ${kept.email} not found` });
    }
    expect(count(kept.email)).toBe(1);
    // The CLI lists it for the operator.
    const listed = cli(['mailbox', 'app-passwords', '--email', kept.email, '--json'], 'proxied', { DATABASE_PATH: dbFile });
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: app!.id, label: 'Tablet', protocols: ['imap', 'smtp'] }]);
    // … and revokes it, which ends the mailbox's idling connection.
    const client = await idle(kept.email, passwords.get(kept.email)!);
    const revokedByCli = cli(['mailbox', 'revoke-app-password', '--email', kept.email, '--id', String(app!.id)], 'proxied', { DATABASE_PATH: dbFile, MAIL_KICK_URL: '', MAIL_KICK_API_KEY: '' });
    expect(revokedByCli.status, revokedByCli.stderr).toBe(0);
    expect(count(kept.email)).toBe(0);
    const closedAt = await Promise.race([client.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 6_000))]);
    expect(closedAt, 'the idling connection was still open 6 s after the CLI revoked its app password').not.toBeNull();
    // The CLI's forced change keeps app passwords only when told to.
    const third = mailbox(domain);
    const user = await pageAt(browser, '198.51.100.87');
    await signIn(user.page, third.email, third.password);
    await createOnAccountPage(user.page, 'Watch');
    await user.close();
    const keep = cli(['mailbox', 'set', '--email', third.email, '--require-reset', '--keep-app-passwords'], 'proxied', { DATABASE_PATH: dbFile });
    expect(keep.status, keep.stderr).toBe(0);
    expect(count(third.email)).toBe(1);
    expect(cli(['mailbox', 'set', '--email', third.email, '--no-require-reset'], 'proxied', { DATABASE_PATH: dbFile }).status).toBe(0);
    expect(cli(['mailbox', 'set', '--email', third.email, '--require-reset'], 'proxied', { DATABASE_PATH: dbFile }).status).toBe(0);
    expect(count(third.email)).toBe(0);
    await request.dispose();
  });
});
