import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { and, desc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { auditEvents, mailboxPasskeys, mailboxRecoveryCodes } from '../db/schema';
import { mail, servers } from '../playwright.config';
import { accountWithAdmin, adminAt, mailboxPath } from './support/admin';
import { auditFor, createMailbox, dbOf, expect, signIn, signOut, submitAction, test } from './support/fixtures';
import { imapLogin } from './support/imap-client';
import { startMailServers, type MailServers } from './support/mail-servers';

/**
 * Spec §20: passkeys for mailbox users, with Chromium's virtual authenticator (CDP) and a real IMAP client
 * through nginx's mail proxy → auth_http → Dovecot. WebAuthn needs a secure context and an RP ID that is a
 * domain, so the mailbox's pages are opened at http://localhost (the default relying party).
 */

// One nginx and one Dovecot on fixed ports (shared with e2e/imap.spec.ts through the lock file).
test.describe.configure({ mode: 'default' });

const LOCALHOST = `http://localhost:${servers.proxied.port}`;
const APP_PASSWORD = 'Use an app password for mail apps';
const IMAP_FROM = '127.0.0.2';
let mailServers: MailServers;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  mailServers = await startMailServers({
    ports: { imap: mail.proxyImapPort, imaps: mail.backendImapPort + 1, backend: mail.backendImapPort },
    authUrl: `http://127.0.0.1:${servers.proxied.port}`,
    secret: mail.secret,
    lockFile: path.join(mail.runDir, 'mail-servers.lock'),
  });
});

test.afterAll(() => mailServers?.stop());

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && mailServers) await testInfo.attach('mail server logs', { body: mailServers.logs(), contentType: 'text/plain' });
});

const imap = (user: string, password: string) => imapLogin({ port: mailServers.ports.imap, certificate: mailServers.certificate, from: IMAP_FROM, user, password });
const passkeysOf = (mailboxId: number) => dbOf().select().from(mailboxPasskeys).where(eq(mailboxPasskeys.mailboxId, mailboxId)).all();

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A browser at localhost from `address` with a virtual platform authenticator. */
async function deviceAt(browser: Browser, address: string, locale?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: LOCALHOST, extraHTTPHeaders: { 'X-Forwarded-For': address }, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
  return { context, page };
}

test.describe('mailbox passkeys', () => {
  test('register on /account/two-factor, sign in with password + passkey; IMAP then refuses the account password; the admin\'s reset removes the passkey', async ({ browser }) => {
    test.setTimeout(180_000);
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // Before: a real IMAP client signs in with the account password.
    expect(await imap(mailbox.email, mailbox.password)).toMatchObject({ ok: true });

    const { context, page } = await deviceAt(browser, '198.51.100.240');
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await page.goto('/account/two-factor');
    await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
    await expectNoSeriousViolations(page, 'two-factor with passkeys');
    const add = page.getByRole('button', { name: 'Add a passkey' });
    await expect(add).toBeEnabled();
    await page.getByLabel('Name of the new passkey').fill('Work laptop');
    await add.click();
    // The first second factor: the recovery codes, shown once.
    await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
    await expectNoSeriousViolations(page, 'recovery codes after the first passkey');
    expect(passkeysOf(mailbox.id).map((p) => p.name)).toEqual(['Work laptop']);
    expect(dbOf().select().from(mailboxRecoveryCodes).where(eq(mailboxRecoveryCodes.mailboxId, mailbox.id)).all()).toHaveLength(10);
    expect(auditFor(mailbox.email, 'two_factor_enabled')[0]).toMatchObject({ detail: { method: 'passkey' } });
    await page.getByRole('link', { name: 'I have saved my recovery codes' }).click();
    await expect(page.getByTestId('two-factor-summary')).toContainText('Two-factor is on');
    await page.goto('/account/two-factor');
    await expect(page.getByTestId('passkeys')).toContainText('Work laptop');
    await expect(page.getByTestId('two-factor-state')).toContainText('Two-factor is on with one passkey.');

    // Mail apps: the account password is now refused, with the app-password message.
    const refused = await imap(mailbox.email, mailbox.password);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.response).toContain(APP_PASSWORD);

    // Sign out, then sign in: password, then the passkey at /login/verify.
    await signOut(page);
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/login\/verify(\?.*)?$/);
    await expect(page.getByText('Use a passkey or enter a code to finish signing in.')).toBeVisible();
    await expectNoSeriousViolations(page, 'verify with a passkey');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(page).toHaveURL(/\/mail$/);
    expect(auditFor(mailbox.email, 'login_succeeded')[0]).toMatchObject({ detail: { method: 'passkey' } });
    expect(passkeysOf(mailbox.id)[0]!.lastUsedAt).not.toBeNull();

    // The admin's reset removes the passkey (and ends the mailbox's session); IMAP takes the password again.
    const { context: adminContext, page: adminPage } = await adminAt(browser, '198.51.100.241', admin);
    await adminPage.goto(mailboxPath(mailbox.email));
    await expect(adminPage.getByTestId('mailbox-two-factor')).toContainText('On');
    await submitAction(adminPage, adminPage.getByRole('button', { name: 'Reset two-factor' }));
    await expect(adminPage.getByRole('status').filter({ hasText: 'Two-factor has been reset' })).toBeVisible();
    await expect(adminPage.getByTestId('mailbox-two-factor')).toContainText('Off');
    await adminPage.goto(`/admin/audit?mailbox=${encodeURIComponent(mailbox.email)}`);
    await expect(adminPage.getByText(`${mailbox.email} added the passkey "Work laptop"`)).toBeVisible();
    await expect(adminPage.getByText(`${mailbox.email} signed in with a passkey`)).toBeVisible();
    await expect(adminPage.getByText(`${admin.email} reset the two-factor of ${mailbox.email}, removing 1 passkey`)).toBeVisible();
    await adminContext.close();
    expect(passkeysOf(mailbox.id)).toEqual([]);
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login/);
    await context.close();
    expect(await imap(mailbox.email, mailbox.password)).toMatchObject({ ok: true });
  });

  test('a passkey is removed with the password; the last one asks for a code as well and turns two-factor off', async ({ browser }) => {
    test.setTimeout(120_000);
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { context, page } = await deviceAt(browser, '198.51.100.242');
    await signIn(page, mailbox.email, mailbox.password);
    await page.goto('/account/two-factor');
    await page.getByLabel('Name of the new passkey').fill('Phone');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    // The codes appear once the ceremony and the action are done.
    await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
    const codes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
    await page.goto('/account/two-factor');
    // The only factor: the form asks for the password and a code.
    await page.getByLabel('Your password, to remove Phone').fill(mailbox.password);
    await page.getByLabel(/last second factor/).fill(codes[0]!);
    await submitAction(page, page.getByRole('button', { name: 'Remove' }));
    await expect(page).toHaveURL(/\/account\?notice=two-factor-off$/);
    await expect(page.getByTestId('two-factor-summary')).toContainText('Two-factor is off');
    expect(passkeysOf(mailbox.id)).toEqual([]);
    const events = dbOf().select({ event: auditEvents.event }).from(auditEvents).where(and(eq(auditEvents.mailboxEmail, mailbox.email))).orderBy(desc(auditEvents.id)).all().map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['mailbox_passkey_removed', 'two_factor_disabled']));
    await context.close();
  });

  test('the passkey section is in German for a German reader', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const { context, page } = await deviceAt(browser, '198.51.100.243', 'de-DE');
    await page.goto('/login');
    await page.locator('input[name="email"]').fill(mailbox.email);
    await page.locator('input[name="password"]').fill(mailbox.password);
    await submitAction(page, page.getByRole('button', { name: 'Anmelden' }));
    await page.goto('/account/two-factor');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
    await expect(page.getByText('Einen Passkey (die Bildschirmsperre dieses Geräts')).toBeVisible();
    await expect(page.getByText('Noch keine Passkeys.')).toBeVisible();
    await context.close();
  });
});
