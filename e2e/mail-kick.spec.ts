import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest } from '@playwright/test';
import { mail, mailKick } from '../playwright.config';
import { accountWithAdmin, adminAt, adminSignIn, openMailbox } from './support/admin';
import { authenticate, call, rpc } from './support/api';
import { cli, createAccount, createAdmin, createMailbox, expect, postgresDatabaseUrl, rememberSecret, signIn, sqlRows, strongPassword, submitAction, test } from './support/fixtures';
import { imapIdle, imapLogin, type IdlingClient } from './support/imap-client';
import { DOVEADM_API_KEY, startMailServers, type MailServers } from './support/mail-servers';
import { startDoveadmStandIn, type DoveadmStandIn } from './support/doveadm-stand-in';
import { startOwnServer, type OwnServer } from './support/server-process';
import { ownDatabase, type OwnBox } from './support/own-database';

/*
 * Spec §18 on real components: an IMAP client that idles (imapflow) → nginx's mail proxy → Portcullis's
 * auth_http → Dovecot, whose doveadm HTTP API (deploy/dovecot/dovecot.conf) Portcullis asks to kick the
 * mailbox's connections, through a stand-in proxy that counts the kicks and can answer 503. Portcullis runs
 * as its own server.ts with MAIL_KICK_URL set (the shared test servers have it unset); changes are made
 * the way operators and users make them: the CLI, the webmail, the JSON-RPC API.
 */

// One mail stack and one server for the file: its tests run in order in one worker.
test.describe.configure({ mode: 'default' });

const PROXY_FROM = ['127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;
let stack: MailServers;
let standIn: DoveadmStandIn;
let server: OwnServer;
let dbFile: string;
const idling: IdlingClient[] = [];
/** Measured: change committed → connection closed, per trigger (ms). */
const measured: { trigger: string; ms: number }[] = [];

function kickEnv(): Record<string, string> {
  return { MAIL_KICK_URL: standIn.url, MAIL_KICK_API_KEY: DOVEADM_API_KEY };
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The global teardown checks that no server log holds it.
  rememberSecret(DOVEADM_API_KEY);
  const dir = fs.mkdtempSync(path.join(mail.runDir, 'mail-kick-'));
  dbFile = path.join(dir, 'kick.db');
  standIn = await startDoveadmStandIn(mailKick.standIn, mailKick.doveadm);
  server = await startOwnServer(mailKick.server, {
    DATABASE_PATH: dbFile,
    TRUSTED_PROXIES: '127.0.0.1,::1',
    MAIL_AUTH_SECRET: mail.secret,
    IMAP_BACKEND: `127.0.0.1:${mailKick.backend}`,
    MAIL_AUTH_WAIT_SECONDS: '1',
    ...kickEnv(),
  });
  stack = await startMailServers({
    ports: { imap: mailKick.imap, imaps: mailKick.imaps, backend: mailKick.backend, doveadm: mailKick.doveadm },
    authUrl: server.url,
    secret: mail.secret,
    lockFile: path.join(mail.runDir, 'mail-kick-servers.lock'),
  });
});

// The servers' output is kept as instance-*.log in the run folder: the global teardown checks that no
// secret a test used (passwords, the doveadm key) appears in it.
test.afterAll(async () => {
  await Promise.all(idling.map((c) => c.close()));
  stack?.stop();
  server?.kill();
  if (server) fs.writeFileSync(path.join(mail.runDir, `instance-mail-kick-server-${process.pid}.log`), server.output());
  await standIn?.close();
  if (measured.length > 0) {
    const sorted = measured.map((m) => m.ms).sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    console.log(`mail-kick: change → closed connection over ${sorted.length} triggers: median ${median} ms, worst ${sorted.at(-1)} ms ${JSON.stringify(measured)}`);
  }
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('mail server logs', { body: stack.logs(), contentType: 'text/plain' });
    await testInfo.attach('server output', { body: server.output(), contentType: 'text/plain' });
  }
});

// The server's own SQLite database (the fixtures' createAccount/createMailbox target the shared servers).
const { sql, account, mailbox, adminOf } = ownDatabase(() => dbFile, { name: 'Kick', domainLetter: 'k', adminDomain: 'kick.test' });
type Box = OwnBox;

function kickCli(args: string[]): void {
  const result = cli(args, 'proxied', { DATABASE_PATH: dbFile, ...kickEnv() });
  expect(result.status, result.stderr).toBe(0);
}

/** When the change was saved: its audit row's time (the change and the outbox row share its transaction). */
function savedAt(email: string, event: string): number {
  const [row] = sql<{ at: number }>('SELECT at FROM audit_events WHERE mailbox_email = ? AND event = ? ORDER BY id DESC LIMIT 1', email, event);
  if (!row) throw new Error(`no ${event} audit row for ${email}`);
  return row.at;
}

function kickAudits(email: string): { result: string; count: number }[] {
  return sql<{ detail: string; count: number }>("SELECT detail, count FROM audit_events WHERE mailbox_email = ? AND event = 'mail_connections_ended' ORDER BY id", email).map((r) => ({
    result: (JSON.parse(r.detail) as { result: string }).result,
    count: r.count,
  }));
}

async function idle(box: Box, from: string = PROXY_FROM[0]): Promise<IdlingClient> {
  const client = await imapIdle({ port: stack.ports.imap, certificate: stack.certificate, from, user: box.email, password: box.password });
  idling.push(client);
  return client;
}

function login(box: Box, from: string) {
  return imapLogin({ port: stack.ports.imap, certificate: stack.certificate, from, user: box.email, password: box.password });
}

/** Waits for the connection to close, at most `withinMs` after `since`; records the delay. */
async function expectClosed(client: IdlingClient, since: number, withinMs: number, trigger: string): Promise<number> {
  const closedAt = await Promise.race([client.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, since + withinMs - Date.now()) + 200))]);
  expect(closedAt, `${trigger}: the connection was still open ${withinMs} ms after the change`).not.toBeNull();
  const ms = closedAt! - since;
  expect(ms).toBeLessThanOrEqual(withinMs);
  measured.push({ trigger, ms });
  return ms;
}

test.describe('every channel cut off at once: open mail connections end', () => {
  test('each trigger ends an idling connection within 5 s, while another mailbox\'s connection stays open', async ({ browser }) => {
    test.setTimeout(120_000);
    const { name, domain } = account();
    const bystander = mailbox(domain);
    const other = await idle(bystander, PROXY_FROM[2]);

    const forced = mailbox(domain);
    let client = await idle(forced);
    kickCli(['mailbox', 'set', '--email', forced.email, '--require-reset']);
    await expectClosed(client, savedAt(forced.email, 'require_reset_password_changed'), 5_000, 'forced change');

    const deactivated = mailbox(domain);
    client = await idle(deactivated);
    kickCli(['mailbox', 'set', '--email', deactivated.email, '--inactive']);
    await expectClosed(client, savedAt(deactivated.email, 'active_changed'), 5_000, 'deactivation');

    const ended = mailbox(domain);
    client = await idle(ended);
    kickCli(['mailbox', 'sign-out', '--email', ended.email]);
    await expectClosed(client, savedAt(ended.email, 'sessions_ended'), 5_000, 'End all sessions');

    const narrowed = mailbox(domain, '127.0.0.2/32,127.0.0.3/32');
    client = await idle(narrowed, '127.0.0.3');
    kickCli(['mailbox', 'set', '--email', narrowed.email, '--allow-nets', '127.0.0.2/32']);
    await expectClosed(client, savedAt(narrowed.email, 'allow_nets_changed'), 5_000, 'list change');

    const [acct] = sql<{ id: number }>('SELECT id FROM accounts WHERE name = ?', name);
    kickCli(['netset', 'add', '--account', name, '--name', 'office', '--allow-nets', '127.0.0.2/32,127.0.0.3/32']);
    const viaSet = mailbox(domain, '@office');
    client = await idle(viaSet, '127.0.0.3');
    kickCli(['netset', 'set', '--account', name, '--name', 'office', '--allow-nets', '127.0.0.2/32']);
    const [setChange] = sql<{ at: number }>("SELECT at FROM audit_events WHERE account_id = ? AND event = 'netset_changed' ORDER BY id DESC LIMIT 1", acct!.id);
    await expectClosed(client, setChange!.at, 5_000, 'set edit');

    // A new password chosen by the user in webmail (as with "sign out everywhere else", the mail apps go too).
    const own = mailbox(domain);
    client = await idle(own);
    const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.70' } });
    const page = await context.newPage();
    await signIn(page, own.email, own.password);
    await page.goto('/account');
    const newPassword = strongPassword();
    await page.getByLabel('Current password').fill(own.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await submitAction(page, page.getByRole('button', { name: 'Change password' }));
    await context.close();
    await expectClosed(client, savedAt(own.email, 'password_changed'), 5_000, 'own password change');

    // Each kick named one mailbox: the bystander's app was never disconnected.
    expect(await other.stillServes()).toBe(true);
    expect(standIn.kicks(bystander.email)).toBe(0);
    // The audit row follows Dovecot's answer, which may come a moment after the connection closed.
    for (const box of [forced, deactivated, ended, narrowed, viaSet, own]) await expect.poll(() => kickAudits(box.email), { message: box.email }).toEqual([{ result: 'ended', count: 1 }]);
  });

  test('a change made with the CLI run without the kick settings ends the connection too: the server\'s worker delivers it', async () => {
    const { domain } = account();
    const box = mailbox(domain);
    const client = await idle(box);
    // The operator's shell has neither MAIL_KICK_URL nor MAIL_KICK_API_KEY: the CLI knows no backend.
    const result = cli(['mailbox', 'set', '--email', box.email, '--require-reset'], 'proxied', { DATABASE_PATH: dbFile, MAIL_KICK_URL: '', MAIL_KICK_API_KEY: '' });
    expect(result.status, result.stderr).toBe(0);
    await expectClosed(client, savedAt(box.email, 'require_reset_password_changed'), 5_000, 'forced change (CLI without the kick settings)');
    // One kick, from the server's configured backend, audited once.
    await expect.poll(() => kickAudits(box.email)).toEqual([{ result: 'ended', count: 1 }]);
    expect(standIn.kicks(box.email)).toBe(1);
    expect(sql('SELECT id FROM mail_kicks WHERE email = ?', box.email)).toEqual([]);
  });

  test('after a list change the app signs in again at once from an admitted address, and not from the refused one', async ({ browser }) => {
    const { name, domain } = account();
    const box = mailbox(domain, '127.0.0.2/32,127.0.0.3/32');
    // With MAIL_KICK_URL set the admin pages do not warn.
    const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.73' } });
    const page = await context.newPage();
    await adminSignIn(page, adminOf(name));
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await openMailbox(page, box.email);
    await expect(page.getByText('Open mail connections are not ended')).toHaveCount(0);
    await expect(page.getByText('ends every open session at once, open mail connections included')).toBeVisible();
    await context.close();
    const admitted = await idle(box, '127.0.0.2');
    const refused = await idle(box, '127.0.0.3');
    kickCli(['mailbox', 'set', '--email', box.email, '--allow-nets', '127.0.0.2/32']);
    const at = savedAt(box.email, 'allow_nets_changed');
    // Every connection of the mailbox ends (the simplest robust rule); auth_http decides each return afresh.
    await expectClosed(refused, at, 5_000, 'list change (refused address)');
    await expectClosed(admitted, at, 5_000, 'list change (admitted address)');
    const back = Date.now();
    expect(await login(box, '127.0.0.2')).toMatchObject({ ok: true });
    expect(Date.now() - back).toBeLessThan(1_000);
    expect(await login(box, '127.0.0.3')).toEqual({ ok: false, response: 'Invalid login or password' });
  });

  test('an entry that expires ends the connections it admitted within 40 s, with no write in between', async () => {
    test.setTimeout(90_000);
    const { domain } = account();
    const expiresAt = Date.now() + 10_000;
    // Stored as the admin pages store it: the canonical entry, its expiry in the side map under that text.
    const box = mailbox(domain, '127.0.0.2', { '127.0.0.2': { expiresAt } });
    const client = await idle(box, '127.0.0.2');
    expect(client.isOpen()).toBe(true);
    await expectClosed(client, expiresAt, 40_000, 'entry expiry');
    // The audit row follows Dovecot's answer, which may come a moment after the connection closed.
    await expect.poll(() => kickAudits(box.email)).toEqual([{ result: 'ended', count: 1 }]);
    expect(await login(box, '127.0.0.2')).toEqual({ ok: false, response: 'Invalid login or password' });
  });

  test('while the doveadm API answers 503 the change is saved and the connection stays open; it ends within a minute of the API answering again', async ({ browser }) => {
    test.setTimeout(120_000);
    const { name, domain } = account();
    const box = mailbox(domain);
    const client = await idle(box);
    standIn.mode = 'fail';
    try {
      kickCli(['mailbox', 'set', '--email', box.email, '--require-reset']);
      expect(sql<{ reset: number }>('SELECT require_reset_password AS reset FROM mailboxes WHERE email = ?', box.email)[0]!.reset).toBe(1);
      // Tries at about 0, 1, 3 and 7 s: let a few fail.
      await expect.poll(() => standIn.refused(box.email), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      expect(await client.stillServes()).toBe(true);
      const pending = sql<{ attempts: number; last_error: string }>('SELECT attempts, last_error FROM mail_kicks WHERE email = ?', box.email);
      expect(pending).toMatchObject([{ last_error: 'HTTP 503' }]);
      expect(pending[0]!.attempts).toBeGreaterThanOrEqual(3);
      const failures = kickAudits(box.email);
      expect(failures).toEqual([{ result: 'failed', count: standIn.refused(box.email) }]);
      // The account's admins see it on the overview, with the backend's answer (and /metrics counts it).
      const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.71' } });
      const page = await context.newPage();
      await adminSignIn(page, adminOf(name));
      await expect(page).toHaveURL(/\/admin\/mailboxes$/);
      await page.goto('/admin');
      await expect(page.getByTestId('mail-kicks-pending')).toContainText('1 disconnect is waiting for the mail server');
      await expect(page.getByTestId('mail-kicks-pending')).toContainText('HTTP 503');
      await expect(page.getByTestId('mail-kick-off')).toHaveCount(0);
      await context.close();
      await expect.poll(async () => (await (await fetch(`${server.url}/metrics`)).text()).match(/^portcullis_mail_kicks_pending\{state="failing"\} (\d+)/m)?.[1], { timeout: 10_000 }).toBe('1');
    } finally {
      standIn.mode = 'pass';
    }
    const answering = Date.now();
    await expectClosed(client, answering, 60_000, 'delivery after 503 (from the API answering again)');
    // The row goes, and the delivery is audited, once Dovecot has answered: the connection may close first.
    await expect.poll(() => sql('SELECT id FROM mail_kicks WHERE email = ?', box.email), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => kickAudits(box.email).map((a) => a.result), { timeout: 10_000 }).toEqual(['failed', 'ended']);
    const audits = kickAudits(box.email);
    expect(audits[0]!.count).toBeGreaterThanOrEqual(3);
  });
});

test.describe('with MAIL_KICK_URL unset', () => {
  test('the mailbox page, the forced-change setting, the bulk confirmation and the overview say plainly that open mail connections are not ended', async ({ browser }) => {
    // The suite's shared server runs without MAIL_KICK_URL.
    const { account: acct, admin } = accountWithAdmin();
    const box = createMailbox(acct);
    const { context, page } = await adminAt(browser, '198.51.100.72', admin);
    const text = /Open mail connections are not ended: a mail app that is already connected keeps reading mail until it reconnects, because MAIL_KICK_URL is not set/;
    await page.getByRole('checkbox', { name: `Select ${box.email}` }).check();
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Force a password change at next login' });
    await page.getByRole('button', { name: 'Review the change' }).click();
    await expect(page.getByTestId('mail-kick-off-bulk')).toHaveText(text);
    await openMailbox(page, box.email);
    await expect(page.getByTestId('mail-kick-off')).toHaveText(text);
    await expect(page.getByTestId('mail-kick-off-forced-change')).toHaveText(text);
    await page.goto('/admin');
    await expect(page.getByTestId('mail-connections').getByTestId('mail-kick-off')).toHaveText(text);
    await context.close();
  });
});

test.describe('two instances on one PostgreSQL', () => {
  let a: OwnServer | undefined;
  let b: OwnServer | undefined;

  test.afterAll(() => {
    for (const [name, s] of [['a', a], ['b', b]] as const) {
      if (!s) continue;
      s.kill();
      fs.writeFileSync(path.join(mail.runDir, `instance-mail-kick-${name}-${process.pid}.log`), s.output());
    }
  });

  test('a change made on instance A is delivered once: the backend receives one kick per mailbox', async () => {
    test.setTimeout(180_000);
    const env = { DATABASE_URL: postgresDatabaseUrl(), TRUSTED_PROXIES: '127.0.0.1,::1', ...kickEnv() };
    [a, b] = await Promise.all([startOwnServer(mailKick.instanceA, env), startOwnServer(mailKick.instanceB, env)]);
    const acct = createAccount('postgres');
    const admin = createAdmin(acct);
    const boxes = Array.from({ length: 6 }, () => createMailbox(acct));
    const api = await playwrightRequest.newContext({ baseURL: a.url });
    try {
      const { token } = await authenticate(api, admin.email, admin.password, '198.51.100.250');
      for (const box of boxes) {
        const { status, json } = await rpc(api, call('mail.set', { mail: box.email, require_reset_password: true }), { token, ip: '198.51.100.250' });
        expect(status).toBe(200);
        expect(json.error, JSON.stringify(json.error)).toBeUndefined();
      }
    } finally {
      await api.dispose();
    }
    // Both instances poll the outbox every 250 ms: each row goes to exactly one of them. (The database is
    // shared with the suite's PostgreSQL server, which runs without MAIL_KICK_URL: it must take none.)
    await expect.poll(() => boxes.filter((box) => standIn.kicks(box.email) >= 1).length, { timeout: 10_000 }).toBe(boxes.length);
    await new Promise((r) => setTimeout(r, 2_000));
    for (const box of boxes) expect(standIn.kicks(box.email), box.email).toBe(1);
    expect(sqlRows<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM mail_kicks WHERE email LIKE :'pattern'`, { pattern: `%@${acct.domain}` })[0]!.n).toBe(0);
    const audits = sqlRows<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM audit_events WHERE event = 'mail_connections_ended' AND mailbox_email LIKE :'pattern'`, { pattern: `%@${acct.domain}` });
    expect(audits[0]!.n).toBe(boxes.length);
  });
});
