import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { accounts, appPasswords, mailboxes, notifyDestinations } from '../db/schema';
import de from '../lib/i18n/messages/de.json';
import { startReceiver } from '../lib/testing/webhook-receiver';
import { servers } from '../playwright.config';
import { accountWithAdmin, mailboxPath, netsFieldsHydrated, openMailbox } from './support/admin';
import { clientAt, createMailbox, dbOf, expect, formAlert, rememberCookies, rememberSecret, submitAction, test, updateMailboxRow } from './support/fixtures';
import { codeAt } from './support/two-factor';
import { englishIn, englishPieces } from './support/english-text';

/**
 * Spec §22: the pages in English and German. A German browser (`Accept-Language: de`) gets `lang="de"` and no
 * text of the English catalogue on any page it can reach; the switch at the foot of every page works without
 * JavaScript, is remembered in a cookie, and returns only to a path on this site.
 */

/** The English texts a German page must not show (plural and select messages are left out). */
const ENGLISH = englishPieces();


/** The page is German: `<html lang="de">`, and neither its visible text nor its title holds an English catalogue text. */
async function expectGerman(page: Page, name: string): Promise<void> {
  await expect(page.locator('html'), name).toHaveAttribute('lang', 'de');
  const text = `${await page.title()}\n${await page.locator('body').innerText()}`;
  const found = englishIn(ENGLISH, text);
  expect(found, `English on ${name}`).toEqual([]);
}

/** Part of a page is German: none of its text is an English catalogue text. */
async function expectGermanIn(page: Page, part: Locator, name: string): Promise<void> {
  await expect(page.locator('html'), name).toHaveAttribute('lang', 'de');
  const text = (await part.allInnerTexts()).join('\n');
  expect(text.trim(), name).not.toBe('');
  const found = englishIn(ENGLISH, text);
  expect(found, `English on ${name}`).toEqual([]);
}

async function germanSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await submitAction(page, page.getByRole('button', { name: 'Anmelden' }));
  rememberSecret(password);
  await rememberCookies(page.context());
}

const germanContext = (browser: Browser, address: string, javaScriptEnabled = true) => clientAt(browser, address, { locale: 'de-DE', javaScriptEnabled });

/** An admin signed in through the German sign-in form, on the mailbox list; the context's first page. */
async function germanAdminPage(context: BrowserContext, admin: { email: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/admin/login');
  await page.getByLabel('E-Mail-Adresse des Admin-Kontos').fill(admin.email);
  await page.getByLabel('Passwort', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  rememberSecret(admin.password);
  await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  return page;
}

test.describe('German pages (Accept-Language: de)', () => {
  test.describe.configure({ timeout: 120_000 });

  test('the sign-in pages, with their errors, and the not-found page', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const context = await germanContext(browser, '198.51.100.31');
    const page = await context.newPage();
    await page.goto('/login');
    await expectGerman(page, '/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Im Webmail anmelden');

    // Empty fields, answered in the browser (JavaScript) with the catalogue's German.
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect(page.getByText('Bitte geben Sie Ihre E-Mail-Adresse ein.')).toBeVisible();
    await expectGerman(page, '/login, empty');

    // A wrong password: the one failure text, in German (the server action answers in the reader's language).
    await page.getByLabel('E-Mail-Adresse').fill(mailbox.email);
    await page.getByLabel('Passwort', { exact: true }).fill('not-the-password');
    await submitAction(page, page.getByRole('button', { name: 'Anmelden' }));
    await expect(formAlert(page)).toHaveText(de.Auth.signInFailed);
    await expectGerman(page, '/login, failed');

    await page.goto('/login?ended=1');
    await expect(page.getByRole('status')).toHaveText(de.Auth.sessionEnded);
    await expectGerman(page, '/login?ended=1');

    for (const path of ['/admin/login', '/admin/login?signedOut=1', '/no-such-page']) {
      await page.goto(path);
      await expectGerman(page, path);
    }
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Seite nicht gefunden');
    await context.close();
  });

  test('the webmail of a signed-in mailbox, and signing out', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account, { messages: 2, allowNets: '127.0.0.1,198.51.100.0/24' });
    const context = await germanContext(browser, '198.51.100.32');
    const page = await context.newPage();
    await germanSignIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await expectGerman(page, '/mail');
    await expect(page.getByTestId('inbox').locator('caption')).toHaveText('2 Nachrichten');

    await page.getByRole('link', { name: 'Test message 1' }).click();
    await expect(page).toHaveURL(/\/mail\/\d+$/);
    await expectGerman(page, '/mail/<id>');

    await page.goto('/account');
    await expect(page.getByRole('heading', { name: 'Erlaubte Netzwerke' })).toBeVisible();
    await expectGerman(page, '/account');

    // The voluntary change refused in German (the current password is wrong).
    await page.getByLabel('Aktuelles Passwort').fill('wrong-current-password');
    await page.getByLabel('Neues Passwort', { exact: true }).fill('Granite-Harbour-Violet-91');
    await page.getByLabel('Neues Passwort wiederholen').fill('Granite-Harbour-Violet-91');
    await submitAction(page, page.getByRole('button', { name: 'Passwort ändern' }));
    await expect(page.locator('#currentPassword-error')).toBeVisible();
    await expectGerman(page, '/account, refused change');

    await submitAction(page, page.getByRole('button', { name: 'Abmelden' }));
    await page.waitForURL((url) => url.pathname === '/login');
    await expectGerman(page, '/login after sign-out');
    await context.close();
  });

  test('the admin console pages that speak German: overview, mailbox list (with its bulk controls), admins, new mailbox, two-factor setup', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    createMailbox(account, { allowNets: '198.51.100.0/24,2001:db8::/32' });
    createMailbox(account, { requireResetPassword: true });
    const context = await germanContext(browser, '198.51.100.36');
    const page = await germanAdminPage(context, admin);
    await expect(page.getByRole('checkbox', { name: 'Alle Postfächer auf dieser Seite auswählen' })).toBeVisible();
    await expect(page.getByTestId('list-count')).toHaveText(/^2 passende Postfächer; angezeigt werden 1–2\./);
    await expectGerman(page, '/admin/mailboxes');
    // Ticking a row opens the bulk controls: German too.
    await page.getByRole('checkbox', { name: /auswählen$/ }).nth(1).check();
    await expect(page.getByText('1 ausgewählt')).toBeVisible();
    await expectGerman(page, '/admin/mailboxes, one ticked');

    for (const path of ['/admin', '/admin/admins', '/admin/mailboxes/new', '/admin/two-factor']) {
      await page.goto(path);
      await expectGerman(page, path);
    }
    // The two-factor setup's next step (the QR code and the code field).
    await page.getByRole('button', { name: 'Authenticator-App einrichten' }).click();
    await expect(page.getByLabel('Code aus Ihrer App')).toBeVisible();
    await expectGerman(page, '/admin/two-factor, step 1 and 2');
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
    await expect(page.getByRole('status')).toHaveText('Sie haben sich abgemeldet.');
    await context.close();
  });

  test('the admin pages of one mailbox, network sets, security and the audit log speak German, their notices too', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { allowNets: '198.51.100.0/24,2001:db8::/32' });
    const context = await germanContext(browser, '198.51.100.37');
    const page = await germanAdminPage(context, admin);

    // One mailbox: summary, settings with its entry rows and impact preview, sessions, password, danger zone.
    await openMailbox(page, mailbox.email);
    await expect(page.getByRole('heading', { name: 'Gefahrenbereich' })).toBeVisible();
    await expectGerman(page, '/admin/mailboxes/<address>');
    // A save that changes nothing: the action's notice is German too.
    await submitAction(page, page.getByRole('button', { name: 'Speichern', exact: true }));
    await expect(page.getByRole('status').filter({ hasText: de.MailboxActions.nothingChanged })).toBeVisible();
    await expectGerman(page, '/admin/mailboxes/<address>, saved');
    await page.goto(mailboxPath('nobody@nowhere.example'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(de.MailboxPage.notFoundHeading);
    await expectGerman(page, 'mailbox not found');

    // Network sets: the empty page, then a set created in German (its notice and its entry rows).
    await page.goto('/admin/networks');
    await netsFieldsHydrated(page);
    await expectGerman(page, '/admin/networks');
    const form = page.getByTestId('new-set');
    await form.getByLabel('Name', { exact: true }).fill('buero');
    await form.getByLabel('Netzwerke').fill('192.0.2.0/24');
    await submitAction(page, form.getByRole('button', { name: 'Gruppe anlegen' }));
    await expect(page.getByRole('status').filter({ hasText: '@buero angelegt.' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { name: '@buero' })).toBeVisible();
    await expectGerman(page, '/admin/networks with a set');

    await page.goto('/admin/security');
    await expect(page.getByRole('heading', { name: 'Wo Sie angemeldet sind' })).toBeVisible();
    await expectGerman(page, '/admin/security');

    // The audit log's own words (heading, filters and the event names in them, count, an invalid filter) are
    // German; its sentences and details are held to German in audit-german.spec.ts.
    await page.goto('/admin/audit?mailbox=no-such-mailbox');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(de.AuditLog.heading);
    await expect(page.getByLabel(de.AuditLog.filterMailbox)).toBeVisible();
    await expect(page.getByRole('button', { name: de.AuditLog.filter })).toBeVisible();
    await expect(page.getByTestId('audit-count')).toContainText(de.AuditLog.noMatch);
    await expectGerman(page, '/admin/audit');
    await page.goto('/admin/audit');
    await expectGerman(page, '/admin/audit with events');
    await page.getByTestId('audit-count').getByRole('link', { name: de.AuditLog.countLink }).click();
    await expect(page.getByTestId('audit-count')).toContainText(/Insgesamt (passt|passen)/);
    await expectGerman(page, '/admin/audit counted');
    await page.goto('/admin/audit?from=not-a-date');
    await expect(page.getByRole('alert').filter({ hasText: de.AuditLog.fixFilter })).toBeVisible();
    await context.close();
  });

  test('the forced password change, without JavaScript', async ({ browser }) => {
    const { account } = accountWithAdmin();
    const mailbox = createMailbox(account, { requireResetPassword: true });
    const context = await germanContext(browser, '198.51.100.33', false);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('E-Mail-Adresse').fill(mailbox.email);
    await page.getByLabel('Passwort', { exact: true }).fill(mailbox.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect(page).toHaveURL(/\/change-password$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neues Passwort festlegen');
    await expectGerman(page, '/change-password');
    await context.close();
  });
});

test.describe('the language switch', () => {
  test('works without JavaScript, keeps the page and its query, and is remembered in a cookie', async ({ browser }) => {
    const context = await clientAt(browser, '198.51.100.34', { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/login?callbackUrl=%2Faccount');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to webmail');
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');

    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Im Webmail anmelden');
    const cookie = (await context.cookies()).find((c) => c.name === 'portcullis-lang');
    expect(cookie).toMatchObject({ value: 'de', path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 300 * 86_400_000);

    // Remembered: a new page of this browser (which still sends Accept-Language: en-US) is German, the admin sign-in too.
    const other = await context.newPage();
    await other.goto('/admin/login');
    await expect(other.locator('html')).toHaveAttribute('lang', 'de');
    await expect(other.getByRole('heading', { level: 1 })).toHaveText('Anmeldung für Administratoren');

    // And back: the cookie now says English, over a German Accept-Language as well.
    await other.getByRole('button', { name: 'English' }).click();
    await expect(other).toHaveURL(/\/admin\/login$/);
    await expect(other.getByRole('heading', { level: 1 })).toHaveText('Business admin sign-in');
    expect((await context.cookies()).find((c) => c.name === 'portcullis-lang')?.value).toBe('en');
    await context.close();

    const german = await germanContext(browser, '198.51.100.35');
    await german.addCookies([{ name: 'portcullis-lang', value: 'en', url: `http://127.0.0.1:${servers.proxied.port}` }]);
    const page2 = await german.newPage();
    await page2.goto('/login');
    await expect(page2.locator('html')).toHaveAttribute('lang', 'en');
    await german.close();
  });

  test('sends the browser back to a path on this site only, and takes no post from another site', async ({ request }) => {
    const origin = `http://127.0.0.1:${servers.proxied.port}`;
    const post = (form: Record<string, string>, from = origin) => request.post('/language', { form, headers: { origin: from }, maxRedirects: 0 });
    for (const foreign of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/.//evil.example', 'javascript:alert(1)']) {
      const answer = await post({ locale: 'de', return: foreign });
      expect(answer.status(), foreign).toBe(303);
      expect(answer.headers().location, foreign).toBe('/');
    }
    const home = await post({ locale: 'de', return: '/account?x=1' });
    expect(home.headers().location).toBe('/account?x=1');
    expect(home.headers()['set-cookie']).toMatch(/portcullis-lang=de/);

    expect((await post({ locale: 'fr', return: '/login' })).status()).toBe(400);
    const crossSite = await post({ locale: 'de', return: '/login' }, 'https://evil.example');
    expect(crossSite.status()).toBe(403);
    expect(crossSite.headers()['set-cookie'] ?? '').not.toMatch(/portcullis-lang/);
    expect((await request.get('/language', { maxRedirects: 0 })).status()).toBe(405);
  });
});

test("the mailbox user's own pages: password reminder, app passwords, notices, two-factor setup and its forms, the second sign-in step", async ({ browser }) => {
  test.setTimeout(180_000);
  const { account } = accountWithAdmin();
  const mailbox = createMailbox(account);
  // The routine check's reminder (spec §21): passwords expire after 30 days, this one is 20 days old.
  dbOf().update(accounts).set({ passwordMaxAgeDays: 30 }).where(eq(accounts.id, account.id)).run();
  updateMailboxRow(mailbox.id, { passwordChangedAt: new Date(Date.now() - 20 * 86_400_000) });
  const context = await germanContext(browser, '198.51.100.38');
  const page = await context.newPage();
  await germanSignIn(page, mailbox.email, mailbox.password);
  await expect(page).toHaveURL(/\/mail$/);
  await expect(page.getByTestId('password-reminder')).toContainText('Ihr Passwort läuft in');
  await expectGerman(page, '/mail with the password reminder');

  // Passwords for mail apps: created (shown once), listed, revoked.
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: de.AccountSections.appPasswordsHeading })).toBeVisible();
  await expectGerman(page, '/account');
  await page.getByLabel(de.AppPasswordForm.label).fill('Telefon');
  await submitAction(page, page.getByRole('button', { name: de.AppPasswordForm.create }));
  await expect(page.getByTestId('new-app-password')).toBeVisible();
  await expect(page.getByTestId('app-passwords')).toContainText(de.AppPasswordTable.never);
  await expectGerman(page, '/account, app password created');
  rememberSecret((await page.getByTestId('new-app-password').innerText()).replace(/\s+/g, ''));
  await submitAction(page, page.getByRole('button', { name: 'App-Passwort Telefon widerrufen' }));
  await expect(page.getByRole('status').filter({ hasText: de.AccountSections.appPasswordRevoked })).toBeVisible();
  await expectGerman(page, '/account, app password revoked');

  // Notices: saved, with the German answer.
  const notices = page.getByRole('region', { name: de.AccountSections.noticesHeading });
  await notices.getByLabel(de.AccountSections.newNetwork).uncheck();
  await submitAction(page, notices.getByRole('button', { name: de.AccountSections.save }));
  await expect(page.getByRole('status').filter({ hasText: de.AccountSections.noticesSavedOff })).toBeVisible();
  await expectGerman(page, '/account, notices saved');

  // Two-factor: the start, a wrong code (the service's refusal in German), then on with its recovery codes.
  await page.getByRole('link', { name: de.AccountSections.setUp }).click();
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expectGerman(page, '/account/two-factor');
  await submitAction(page, page.getByRole('button', { name: de.TwoFactorSetup.begin }));
  await expect(page.getByRole('img', { name: de.TwoFactorSetup.qrAlt })).toBeVisible();
  await expectGerman(page, '/account/two-factor, steps 1 and 2');
  await page.getByLabel(de.TwoFactorSetup.code).fill('000000');
  await submitAction(page, page.getByRole('button', { name: de.TwoFactorSetup.turnOn }));
  await expect(formAlert(page)).toHaveText(de.MailboxTwoFactorActions.wrongCode);
  await expectGerman(page, '/account/two-factor, wrong code');
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  rememberSecret(secret);
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 10_000) await page.waitForTimeout(left + 200);
  await page.getByLabel(de.TwoFactorSetup.code).fill(codeAt(secret));
  await submitAction(page, page.getByRole('button', { name: de.TwoFactorSetup.turnOn }));
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await expectGerman(page, '/account/two-factor, recovery codes');
  await page.getByRole('link', { name: de.TwoFactorSetup.saved }).click();
  await expect(page.getByRole('status').filter({ hasText: de.AccountSections.noticeOn })).toBeVisible();
  await expect(page.getByTestId('two-factor-summary')).toHaveText(de.AccountSections.twoFactorOn);
  await expectGerman(page, '/account, two-factor on');

  // Its page while on: new recovery codes and turning off, each refused in German for a wrong password.
  await page.getByRole('link', { name: de.AccountSections.manage }).click();
  await expect(page.getByTestId('two-factor-state')).toContainText(de.MailboxTwoFactor.codesLeft.replace('{count, number}', '10'));
  await expectGerman(page, '/account/two-factor, on');
  const regenerate = page.getByRole('form', { name: de.MailboxRecoveryCodesForm.heading });
  await regenerate.getByLabel(de.MailboxRecoveryCodesForm.password).fill('not-the-password');
  await regenerate.getByLabel(de.MailboxRecoveryCodesForm.code, { exact: true }).fill('000000');
  await submitAction(page, regenerate.getByRole('button', { name: de.MailboxRecoveryCodesForm.submit }));
  await expect(regenerate.getByRole('alert')).toHaveText(de.MailboxTwoFactorActions.wrongPasswordOrCode);
  await expectGerman(page, '/account/two-factor, new codes refused');
  const disable = page.getByRole('form', { name: de.MailboxTwoFactorDisable.heading });
  await disable.getByLabel(de.MailboxTwoFactorDisable.password).fill('not-the-password');
  await disable.getByLabel(de.MailboxTwoFactorDisable.code, { exact: true }).fill('000000');
  await submitAction(page, disable.getByRole('button', { name: de.MailboxTwoFactorDisable.submit }));
  await expect(disable.getByRole('alert')).toHaveText(de.MailboxTwoFactorActions.wrongPasswordOrCode);
  await expectGerman(page, '/account/two-factor, turning off refused');
  await context.close();

  // The second sign-in step, and its refusal of a wrong code.
  const second = await germanContext(browser, '198.51.100.39');
  const verify = await second.newPage();
  await germanSignIn(verify, mailbox.email, mailbox.password);
  await expect(verify).toHaveURL(/\/login\/verify/);
  await expectGerman(verify, '/login/verify');
  await verify.getByLabel(de.Verify.codeLabel, { exact: true }).fill('000000');
  await submitAction(verify, verify.getByRole('button', { name: de.Verify.submit }));
  await expect(formAlert(verify)).toHaveText(de.Auth.secondFactorFailed);
  await expectGerman(verify, '/login/verify, wrong code');
  await second.close();
});

test('the admin console\'s newer parts speak German: notifications, policies for mailboxes, password ages, the failing-destinations line, a mailbox\'s app passwords and two-factor reset', async ({ browser }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver('127.0.0.1');
  try {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    // A password 20 days old: with a 30-day policy it expires within 14 days (the overview's line).
    updateMailboxRow(mailbox.id, { passwordChangedAt: new Date(Date.now() - 20 * 86_400_000), totpEnabledAt: new Date() });
    // Two app passwords: one expired and used (from an address not recorded), one never used.
    dbOf().insert(appPasswords).values({ mailboxId: mailbox.id, label: 'Thunderbird', protocols: 'imap,smtp', expiresAt: new Date(Date.now() - 86_400_000), passwordHash: 'not-a-hash', lookupTag: 'tag-one', lastUsedAt: new Date(), lastUsedProtocol: 'imap' }).run();
    dbOf().insert(appPasswords).values({ mailboxId: mailbox.id, label: 'Telefon', protocols: 'pop3', allowNets: '192.0.2.0/24', passwordHash: 'not-a-hash', lookupTag: 'tag-two' }).run();
    // One destination that keeps failing (the overview's line and the "failing" state), one that delivered.
    const events = 'sign_in.refused_burst,sign_in.new_network,allowlist.would_refuse,admin.security_changed,mail_kick.failing';
    dbOf().insert(notifyDestinations).values({ accountId: account.id, kind: 'webhook', label: 'SIEM', url: 'https://siem.example/hook', events, failures: 4, lastFailureAt: new Date(), lastError: 'HTTP 503' }).run();
    dbOf().insert(notifyDestinations).values({ accountId: account.id, kind: 'email', emailTo: 'ops@example.org', events: 'sign_in.new_network', lastSuccessAt: new Date() }).run();

    const context = await germanContext(browser, '198.51.100.38');
    const page = await germanAdminPage(context, admin);

    // Policies for mailboxes: refused in German (the service's reason after the field's German name), then saved.
    await page.goto('/admin/security');
    const policies = () => page.getByRole('region', { name: de.MailboxPolicyForm.heading });
    await expect(policies().getByTestId('nist-note')).toHaveText(de.MailboxPolicyForm.nistNote);
    await expectGerman(page, '/admin/security, policies for mailboxes');
    await policies().getByLabel(de.MailboxPolicyForm.expiryLabel).fill('0');
    await submitAction(page, policies().getByRole('button', { name: de.MailboxPolicyForm.save }));
    await expect(policies().locator('#password-max-age-days-error')).toContainText('Ablauf der Passwörter: ');
    await expectGerman(page, '/admin/security, policy refused');
    await policies().getByLabel(de.MailboxPolicyForm.expiryLabel).fill('30');
    await submitAction(page, policies().getByRole('button', { name: de.MailboxPolicyForm.save }));
    await expect.poll(() => dbOf().select({ days: accounts.passwordMaxAgeDays }).from(accounts).where(eq(accounts.id, account.id)).get()?.days).toBe(30);

    // The overview: password ages under the policy, and the destinations that keep failing.
    await page.goto('/admin');
    await expect(page.getByTestId('password-ages')).toContainText('Passwörter laufen nach 30 Tagen ab.');
    await expect(page.getByTestId('password-ages')).toContainText('1 Passwort läuft in den nächsten 14 Tagen ab.');
    await expect(page.getByTestId('notify-failing')).toHaveText(/^Benachrichtigungen kommen nicht an: SIEM \(4 fehlgeschlagene Zustellungen in Folge; zuletzt: HTTP 503\)\. Benachrichtigungsziele prüfen\.$/);
    await expectGerman(page, '/admin with password ages and a failing destination');

    // Notifications: the list (failing, delivered, event names), its notices, and adding destinations.
    await page.goto('/admin/notifications');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(de.AdminNotifications.heading);
    await expect(page.getByTestId('destinations')).toContainText(de.NotifyEvents.newNetwork);
    await expect(page.getByTestId('destinations')).toContainText('Fehlgeschlagen (4-mal in Folge): HTTP 503');
    await expectGerman(page, '/admin/notifications');
    for (const notice of ['deleted', 'test-sent', 'test-failed', 'test-missing', 'test-limited', 'language']) {
      await page.goto(`/admin/notifications?notice=${notice}`);
      await expect(page.getByRole('status').first()).not.toBeEmpty();
      await expectGerman(page, `/admin/notifications?notice=${notice}`);
    }
    await page.getByLabel(de.DestinationForm.target).fill('http://127.0.0.2:9/hook');
    await submitAction(page, page.getByRole('button', { name: de.DestinationForm.submit }));
    await expect(formAlert(page)).toContainText('Es wurde nichts gespeichert.');
    await expectGerman(page, '/admin/notifications, destination refused');
    await page.getByLabel(de.DestinationForm.target).fill(receiver.url);
    await submitAction(page, page.getByRole('button', { name: de.DestinationForm.submit }));
    rememberSecret((await page.getByTestId('new-webhook-secret').innerText()).trim());
    await expect(page.getByText(de.DestinationForm.createdWebhook)).toBeVisible();
    await expect(page.getByRole('button', { name: de.DestinationForm.copyLabel })).toHaveText(de.CopyButton.copy);
    await expectGerman(page, '/admin/notifications, webhook added');

    // The new-mailbox action's own messages (the password rules' texts stay English: they come from a service).
    await page.goto('/admin/mailboxes/new');
    await submitAction(page, page.getByRole('button', { name: de.NewMailbox.create }));
    await expect(page.locator('#local-error')).toHaveText(de.NewMailboxErrors.localMissing);
    await expect(formAlert(page)).toHaveText(de.NewMailboxErrors.fixFields);

    // The mailbox page: app passwords, two-factor on, its reset (a sensitive step within 5 minutes of signing in).
    await openMailbox(page, mailbox.email);
    await expect(page.getByRole('heading', { name: de.MailboxAppPasswords.heading })).toBeVisible();
    await expect(page.getByTestId('mailbox-two-factor')).toHaveText(de.MailboxTwoFactor.on);
    await expectGerman(page, '/admin/mailboxes/<address>, two-factor on');
    await submitAction(page, page.getByRole('button', { name: de.MailboxTwoFactor.reset }));
    await expect(page.getByRole('status').filter({ hasText: de.MailboxTwoFactor.resetDone })).toBeVisible();
    await expect(page.getByTestId('mailbox-two-factor')).toHaveText(de.MailboxTwoFactor.off);
    expect(dbOf().select({ on: mailboxes.totpEnabledAt }).from(mailboxes).where(eq(mailboxes.id, mailbox.id)).get()?.on).toBeNull();
    await expectGerman(page, '/admin/mailboxes/<address>, two-factor reset');
    await expect(page.getByTestId('mailbox-app-passwords')).toContainText(de.AppPasswordTable.expired);
    await submitAction(page, page.getByRole('button', { name: 'App-Passwort Thunderbird widerrufen' }));
    await expect(page.getByRole('status').filter({ hasText: de.MailboxAppPasswords.revoked })).toBeVisible();
    await expect(page.getByTestId('mailbox-app-passwords')).not.toContainText('Thunderbird');
    await expectGerman(page, '/admin/mailboxes/<address>, app password revoked');
    await context.close();
  } finally {
    await receiver.close();
  }
});

test('texts that services write speak German too: password rules and form checks (webmail and admin), the audit filter', async ({ browser }) => {
  test.setTimeout(120_000);
  const { account, admin } = accountWithAdmin();
  const mailbox = createMailbox(account, { allowNets: '127.0.0.1,198.51.100.0/24' });

  // The mailbox's own change: a predictable new password and a mismatched repeat, both refused in German.
  const user = await germanContext(browser, '198.51.100.41');
  const page = await user.newPage();
  await germanSignIn(page, mailbox.email, mailbox.password);
  await page.goto('/account');
  await page.getByLabel('Aktuelles Passwort').fill(mailbox.password);
  await page.getByLabel('Neues Passwort', { exact: true }).fill('Summer2026!!');
  await page.getByLabel('Neues Passwort wiederholen').fill('Summer2026!?');
  await submitAction(page, page.getByRole('button', { name: 'Passwort ändern' }));
  await expect(page.locator('#newPassword-error')).toContainText('Dieses Passwort ist leicht zu erraten: Es besteht größtenteils aus dem Namen einer Jahreszeit oder eines Monats („summer“) und einer Jahreszahl („2026“)');
  await expect(page.locator('#confirmPassword-error')).toHaveText(de.FormErrors.passwordsDiffer);
  // The form's own errors (other sections of /account are another part of issue 24).
  await expectGermanIn(page, page.locator('#newPassword-error, #confirmPassword-error'), '/account, refused new password');
  await user.close();

  // An admin creating a mailbox with a short password, and filtering the audit log with a bad date.
  const context = await germanContext(browser, '198.51.100.42');
  const adminPage = await germanAdminPage(context, admin);
  await adminPage.goto('/admin/mailboxes/new');
  await adminPage.getByLabel(de.NewMailbox.local).fill('neues-postfach');
  await adminPage.getByLabel(de.NewMailbox.password, { exact: true }).fill('kurz');
  await adminPage.getByLabel(de.NewMailbox.again).fill('kurz');
  await submitAction(adminPage, adminPage.getByRole('button', { name: de.NewMailbox.create }));
  await expect(adminPage.locator('#newPassword-error')).toContainText('Verwenden Sie mindestens 12 Zeichen (dieses Passwort hat 4).');
  await expectGermanIn(adminPage, adminPage.locator('#newPassword-error'), '/admin/mailboxes/new, refused password');

  // The bulk change: its question and its result.
  await adminPage.goto('/admin/mailboxes');
  await adminPage.getByRole('checkbox', { name: `${mailbox.email} auswählen` }).check();
  await adminPage.getByLabel(de.BulkPanel.change, { exact: true }).selectOption({ label: de.BulkAction.remove_restriction });
  await adminPage.getByRole('button', { name: de.BulkPanel.review }).click();
  await expect(adminPage.getByTestId('bulk-question')).toHaveText('Die Netzwerkbeschränkung von 1 Postfach aufheben? Die Anmeldung ist dann aus jedem Netzwerk möglich.');
  await expectGermanIn(adminPage, adminPage.getByTestId('bulk-question'), '/admin/mailboxes, bulk question');
  await adminPage.getByRole('button', { name: 'Auf 1 Postfach anwenden' }).click();
  await expect(adminPage.getByTestId('bulk-result')).toHaveText('Erledigt: 1 Postfach geändert.');

  await adminPage.goto('/admin/audit?from=2026-02-30&to=2026-01-01');
  await expect(adminPage.locator('#from-error')).toHaveText(de.FormErrors.notADate);
  await expectGermanIn(adminPage, adminPage.locator('#from-error'), '/admin/audit, bad date');
  await adminPage.goto('/admin/audit?from=2026-02-02&to=2026-02-01');
  await expect(adminPage.locator('#to-error')).toHaveText(de.FormErrors.toBeforeFrom);
  await expectGermanIn(adminPage, adminPage.locator('#to-error'), '/admin/audit, dates in the wrong order');
  await context.close();
});
