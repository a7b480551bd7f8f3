import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import bcrypt from 'bcrypt';
import { and, desc, eq, getTableColumns } from 'drizzle-orm';
import { expect, type Browser, type BrowserContext, type Fixtures, type Page, type PlaywrightTestArgs, type PlaywrightWorkerArgs } from '@playwright/test';
// The console-error guard (console-guard.ts) and the CSP-violation guard below are both automatic fixtures.
import { test as base } from './console-guard';
import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Db } from '../../db/migrate';
import { accounts, admins, auditEvents, domains, mailboxes, messages } from '../../db/schema';
import { mail, servers } from '../../playwright.config';
import { cliCommand } from './cli-bundle';
import { psql } from './postgres';

/**
 * Test data is created straight in the server's database (each test makes its own account, domain and
 * mailboxes, so tests never depend on each other or on demo data), and assertions read it back.
 *
 * The `postgres` project runs some specs unchanged against the server on PostgreSQL: there the same fixture
 * functions (synchronous, like better-sqlite3) read and write its database through psql (`sqlRows`), and a
 * test's default server is that one. `dbOf()` (drizzle on the SQLite file) is SQLite only; specs that run on
 * both engines use the fixture functions or `sqlRows`.
 */

export type ServerName = keyof typeof servers | 'postgres';
type SqliteServer = keyof typeof servers;
const connections = new Map<SqliteServer, { db: Db; sqlite: BetterSqlite3.Database }>();

/** The server the running test targets: the PostgreSQL one in the `postgres` project, else `proxied`. */
export function defaultServer(): ServerName {
  let project = '';
  try {
    project = base.info().project.name;
  } catch {
    // Outside a test (a describe body, a global hook): the SQLite server.
  }
  return project === 'postgres' ? 'postgres' : 'proxied';
}

function connectionOf(server: SqliteServer) {
  let connection = connections.get(server);
  if (!connection) {
    connection = openDatabase(servers[server].db);
    connections.set(server, connection);
  }
  return connection;
}

export function dbOf(server: ServerName = defaultServer()): Db {
  if (server === 'postgres') throw new Error('dbOf() is SQLite only: a spec that also runs on PostgreSQL uses the fixture functions or sqlRows()');
  return connectionOf(server).db;
}

/** The URL of the `postgres` project server's database (set by the global setup). */
export function postgresDatabaseUrl(): string {
  const url = process.env.PORTCULLIS_E2E_PG_DATABASE_URL;
  if (!url) throw new Error('PORTCULLIS_E2E_PG_DATABASE_URL is not set: the e2e global setup did not run');
  return url;
}

/**
 * Runs one statement on either engine and returns its rows in the stored representation (booleans 0/1,
 * timestamps as epoch milliseconds: the same on both engines). Values are named `:'name'` in the SQL (psql's
 * quoted-literal syntax; `@name` parameters on SQLite), never spliced in. A data-changing statement returns
 * rows only with RETURNING.
 */
export function sqlRows<T = Record<string, unknown>>(server: ServerName, sql: string, vars: Record<string, string | number | boolean | null> = {}): T[] {
  if (server === 'postgres') {
    return psql<T>(postgresDatabaseUrl(), `WITH t AS (${sql}) SELECT coalesce(json_agg(t), '[]'::json) FROM t`, vars);
  }
  const statement = connectionOf(server).sqlite.prepare(sql.replace(/:'(\w+)'/g, '@$1'));
  const params = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 1 : 0) : v]));
  if (statement.reader) return statement.all(params) as T[];
  statement.run(params);
  return [];
}

/**
 * Remembers a secret the tests used (a password, an API token, a session cookie) so that the run's final
 * check (e2e/support/global-teardown.ts) can show that no server log line contains it.
 */
export function rememberSecret(value: string | null | undefined): void {
  if (value && value.length >= 8) fs.appendFileSync(path.join(servers.proxied.db, '..', 'secrets.txt'), `${value}\n`);
}

/** Remembers the values of the session and CSRF cookies a browser context holds. */
export async function rememberCookies(context: BrowserContext): Promise<void> {
  for (const cookie of await context.cookies()) if (/session|token|csrf/i.test(cookie.name)) rememberSecret(cookie.value);
}

export const SIGN_IN_FAILED =
  'Sign-in failed. Check your email address and password. If your organisation limits sign-in to certain networks, connect through its network or VPN and try again.';

export function strongPassword(): string {
  const password = `Tp-${crypto.randomBytes(9).toString('base64url')}-x9`;
  rememberSecret(password);
  return password;
}

/** A random public-looking test address from a documentation range, unique enough per test. */
export function randomIPv4(prefix = '198.51.100'): string {
  return `${prefix}.${crypto.randomInt(1, 255)}`;
}

export interface TestAccount {
  id: number;
  domain: string;
  server: ServerName;
}

export interface TestMailbox {
  id: number;
  email: string;
  password: string;
}

export function createAccount(server: ServerName = defaultServer()): TestAccount {
  const tag = crypto.randomBytes(5).toString('hex');
  if (server === 'postgres') {
    const [account] = sqlRows<{ id: number }>(server, `INSERT INTO accounts (name) VALUES (:'name') RETURNING id`, { name: `Test ${tag}` });
    sqlRows(server, `INSERT INTO domains (account_id, name) VALUES (:'account', :'domain') RETURNING id`, { account: account!.id, domain: `t${tag}.test` });
    return { id: account!.id, domain: `t${tag}.test`, server };
  }
  const db = dbOf(server);
  const account = db.insert(accounts).values({ name: `Test ${tag}` }).returning({ id: accounts.id }).get();
  const domain = `t${tag}.test`;
  db.insert(domains).values({ accountId: account.id, name: domain }).run();
  return { id: account.id, domain, server };
}

export function createAdmin(account: TestAccount, password = strongPassword()): { id: number; email: string; password: string } {
  rememberSecret(password);
  const email = `admin-${crypto.randomBytes(4).toString('hex')}@${account.domain}`;
  if (account.server === 'postgres') {
    const [row] = sqlRows<{ id: number }>(account.server, `INSERT INTO admins (account_id, email, password_hash) VALUES (:'account', :'email', :'hash') RETURNING id`, {
      account: account.id,
      email,
      hash: bcrypt.hashSync(password, 4),
    });
    return { id: row!.id, email, password };
  }
  const row = dbOf(account.server)
    .insert(admins)
    .values({ accountId: account.id, email, passwordHash: bcrypt.hashSync(password, 4) })
    .returning({ id: admins.id })
    .get();
  return { id: row.id, email, password };
}

export function createMailbox(
  account: TestAccount,
  options: { local?: string; allowNets?: string | null; requireResetPassword?: boolean; active?: boolean; password?: string; messages?: number } = {},
): TestMailbox {
  const password = options.password ?? strongPassword();
  rememberSecret(password);
  const email = `${options.local ?? `user${crypto.randomBytes(3).toString('hex')}`}@${account.domain}`;
  if (account.server === 'postgres') return createMailboxSql(account, email, password, options);
  const db = dbOf(account.server);
  const domainId = db.select({ id: domains.id }).from(domains).where(eq(domains.name, account.domain)).get()!.id;
  const row = db
    .insert(mailboxes)
    .values({
      accountId: account.id,
      domainId,
      email,
      passwordHash: bcrypt.hashSync(password, 4),
      allowNets: options.allowNets ?? null,
      requireResetPassword: options.requireResetPassword ?? false,
      active: options.active ?? true,
    })
    .returning({ id: mailboxes.id })
    .get();
  for (let i = 0; i < (options.messages ?? 2); i++) {
    db.insert(messages).values({ mailboxId: row.id, fromAddress: `sender${i}@example.org`, subject: `Test message ${i + 1}`, body: `Body ${i + 1}`, receivedAt: new Date(Date.now() - i * 60_000) }).run();
  }
  return { id: row.id, email, password };
}

function createMailboxSql(
  account: TestAccount,
  email: string,
  password: string,
  options: { allowNets?: string | null; requireResetPassword?: boolean; active?: boolean; messages?: number },
): TestMailbox {
  const [row] = sqlRows<{ id: number }>(
    account.server,
    `INSERT INTO mailboxes (account_id, domain_id, email, password_hash, allow_nets, require_reset_password, active)
     SELECT d.account_id, d.id, :'email', :'hash', ${options.allowNets == null ? 'NULL' : `:'nets'`}, :'reset', :'active' FROM domains d WHERE d.name = :'domain'
     RETURNING id`,
    {
      email,
      hash: bcrypt.hashSync(password, 4),
      nets: options.allowNets ?? null,
      reset: options.requireResetPassword ?? false,
      active: options.active ?? true,
      domain: account.domain,
    },
  );
  for (let i = 0; i < (options.messages ?? 2); i++) {
    sqlRows(account.server, `INSERT INTO messages (mailbox_id, from_address, subject, body, received_at) VALUES (:'box', :'from', :'subject', :'body', :'at') RETURNING id`, {
      box: row!.id,
      from: `sender${i}@example.org`,
      subject: `Test message ${i + 1}`,
      body: `Body ${i + 1}`,
      at: Date.now() - i * 60_000,
    });
  }
  return { id: row!.id, email, password };
}

export function mailboxRow(id: number, server: ServerName = defaultServer()) {
  if (server === 'postgres') {
    const [row] = sqlRows<Record<string, string | number | null>>(
      server,
      `SELECT password_hash, allow_nets, require_reset_password, active, session_version, password_changed_at, last_login_at, last_login_ip, memo FROM mailboxes WHERE id = :'id'`,
      { id },
    );
    const time = (v: unknown) => (v === null ? null : new Date(Number(v)));
    return {
      passwordHash: row!.password_hash as string,
      allowNets: row!.allow_nets as string | null,
      requireResetPassword: Number(row!.require_reset_password) === 1,
      active: Number(row!.active) === 1,
      sessionVersion: Number(row!.session_version),
      passwordChangedAt: time(row!.password_changed_at),
      lastLoginAt: time(row!.last_login_at),
      lastLoginIp: row!.last_login_ip as string | null,
      memo: row!.memo as string,
    };
  }
  return dbOf(server)
    .select({
      passwordHash: mailboxes.passwordHash,
      allowNets: mailboxes.allowNets,
      requireResetPassword: mailboxes.requireResetPassword,
      active: mailboxes.active,
      sessionVersion: mailboxes.sessionVersion,
      passwordChangedAt: mailboxes.passwordChangedAt,
      lastLoginAt: mailboxes.lastLoginAt,
      lastLoginIp: mailboxes.lastLoginIp,
      memo: mailboxes.memo,
    })
    .from(mailboxes)
    .where(eq(mailboxes.id, id))
    .get()!;
}

export function updateMailboxRow(id: number, set: Partial<typeof mailboxes.$inferInsert>, server: ServerName = defaultServer()): void {
  if (server === 'postgres') {
    const columns = getTableColumns(mailboxes);
    const vars: Record<string, string | number | boolean> = { id };
    const assignments = Object.entries(set).map(([key, value], i) => {
      const column = columns[key as keyof typeof columns].name;
      if (value === null || value === undefined) return `${column} = NULL`;
      vars[`v${i}`] = value instanceof Date ? value.getTime() : (value as string | number | boolean);
      return `${column} = :'v${i}'`;
    });
    sqlRows(server, `UPDATE mailboxes SET ${assignments.join(', ')} WHERE id = :'id' RETURNING id`, vars);
    return;
  }
  dbOf(server).update(mailboxes).set(set).where(eq(mailboxes.id, id)).run();
}

export function auditFor(mailboxEmail: string, event?: string, server: ServerName = defaultServer()) {
  if (server === 'postgres') {
    return sqlRows<{ event: string; detail: string | null; clientIp: string | null; protocol: string | null; actorKind: string }>(
      server,
      `SELECT event, detail, client_ip AS "clientIp", protocol, actor_kind AS "actorKind" FROM audit_events
       WHERE mailbox_email = :'email' ${event ? `AND event = :'event'` : ''} ORDER BY id DESC`,
      { email: mailboxEmail, event: event ?? null },
    ).map((row) => ({ ...row, detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown) }));
  }
  return dbOf(server)
    .select({ event: auditEvents.event, detail: auditEvents.detail, clientIp: auditEvents.clientIp, protocol: auditEvents.protocol, actorKind: auditEvents.actorKind })
    .from(auditEvents)
    .where(and(eq(auditEvents.mailboxEmail, mailboxEmail), event ? eq(auditEvents.event, event) : undefined))
    .orderBy(desc(auditEvents.id))
    .all();
}

/** Runs the operator CLI against a server's database, as an operator would. */
export function cli(args: string[], server: ServerName = defaultServer(), extraEnv: Record<string, string> = {}) {
  const database = server === 'postgres' ? { DATABASE_URL: postgresDatabaseUrl() } : { DATABASE_PATH: servers[server].db };
  const [command, commandArgs] = cliCommand(args);
  const result = spawnSync(command, commandArgs, {
    encoding: 'utf8',
    // Any temporary files go into the run folder (removed by the global teardown).
    env: { ...process.env, ...database, BCRYPT_COST: '4', TMPDIR: mail.runDir, ...extraEnv },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A browser context whose requests arrive, through the trusted test proxy, from `address`. */
export async function clientAt(browser: Browser, address: string, options: { javaScriptEnabled?: boolean; timezoneId?: string; locale?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': address }, ...options });
}

/** Submits a form's button and waits until the server action has answered (and its redirect, if any, is done). */
export async function submitAction(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button.click()]);
  const redirect = response.headers()['x-action-redirect'];
  if (redirect) {
    const target = redirect.split(';')[0]!;
    await page.waitForURL((url) => url.pathname + url.search === target || url.pathname === target.split('?')[0]);
  }
}

export async function signIn(page: Page, email: string, password: string, path = '/login'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submitAction(page, page.getByRole('button', { name: 'Sign in' }));
  rememberSecret(password);
  await rememberCookies(page.context());
}

/**
 * The browser suite runs under the real Content-Security-Policy (spec §12): every context a test uses (its
 * `page`, and any made with browser.newContext) reports `securitypolicyviolation` events, and a test that
 * caused one fails. Self-contained, so other auto fixtures can sit beside it.
 */
const cspViolationFixture: Fixtures<{ cspViolations: string[] }, object, PlaywrightTestArgs, PlaywrightWorkerArgs> = {
  cspViolations: [
    async ({ browser, context }, provide) => {
      const violations: string[] = [];
      const watch = async (ctx: BrowserContext) => {
        await ctx.exposeBinding('__portcullisCspViolation', (_source, text: string) => void violations.push(text));
        await ctx.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (e) => {
            const report = (window as unknown as { __portcullisCspViolation: (text: string) => void }).__portcullisCspViolation;
            void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} on ${e.documentURI} (${e.sourceFile}:${e.lineNumber})`);
          });
        });
      };
      await watch(context);
      const newContext = browser.newContext;
      browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
        const ctx = await newContext.apply(browser, args);
        await watch(ctx);
        return ctx;
      };
      try {
        await provide(violations);
      } finally {
        browser.newContext = newContext;
      }
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
};

export const test = base.extend<{ cspViolations: string[] }>(cspViolationFixture);
export { expect };

/** The sign-in form's error (Next adds its own empty role=alert route announcer to every page). */
export function formAlert(page: Page) {
  return page.locator('main [role="alert"]');
}

/** `count` wrong sign-ins of `email` from the page's client, each answered with the one failure text. */
export async function failSignIns(page: Page, email: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await signIn(page, email, `wrong-${i}-password`);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
  }
}

export async function signOut(page: Page): Promise<void> {
  await submitAction(page, page.getByRole('button', { name: 'Sign out' }));
  await page.waitForURL((url) => url.pathname === '/login');
}
