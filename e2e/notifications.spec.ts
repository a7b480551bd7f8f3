import crypto from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { eq } from 'drizzle-orm';
import { mailboxes, notifyDestinations } from '../db/schema';
import { startReceiver, type ReceivedHook } from '../lib/testing/webhook-receiver';
import { readMail, startSmtpSink } from '../lib/testing/smtp-sink';
import { notify } from '../playwright.config';
import { accountWithAdmin, adminAt } from './support/admin';
import { call, rpc } from './support/api';
import { clientAt, createMailbox, dbOf, expect, formAlert, rememberSecret, signIn, signOut, submitAction, test } from './support/fixtures';

/** Spec §21: alert destinations on /admin/notifications, a refused burst delivered signed, the user's own notice. */

// Three tests listen on the one SMTP sink port the server sends to: they take turns in one worker.
test.describe.configure({ mode: 'default' });

const signatureOf = (secret: string, hook: ReceivedHook) => `sha256=${crypto.createHmac('sha256', secret).update(`${String(hook.headers['x-portcullis-timestamp'])}.${hook.body}`).digest('hex')}`;

async function waitFor<T>(what: string, find: () => T | undefined, limitMs: number): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`${what} did not arrive within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('an admin adds a signed webhook (secret shown once), sends a test, and a refused burst arrives within a minute; internal URLs are refused', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver('127.0.0.1');
  try {
    const { account, admin } = accountWithAdmin();
    const { page } = await adminAt(browser, '198.51.100.231', admin);
    await page.goto('/admin/notifications');
    await expect(page.getByText('No destinations yet')).toBeVisible();

    // 127.0.0.2 is not admitted (NOTIFY_ALLOW_NETS=127.0.0.1): refused at save, nothing stored.
    await page.getByLabel('Webhook URL or e-mail address').fill('http://127.0.0.2:9/hook');
    await submitAction(page, page.getByRole('button', { name: 'Add destination' }));
    await expect(formAlert(page)).toContainText('internal address');
    expect(dbOf().select().from(notifyDestinations).where(eq(notifyDestinations.accountId, account.id)).all()).toEqual([]);

    await page.getByLabel('Webhook URL or e-mail address').fill(receiver.url);
    await page.getByLabel('Label (optional)').fill('SIEM');
    await submitAction(page, page.getByRole('button', { name: 'Add destination' }));
    const secret = (await page.getByTestId('new-webhook-secret').innerText()).trim();
    rememberSecret(secret);
    expect(secret).toMatch(/^whsec_/);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    // Shown once: a reload lists the destination without it.
    await page.goto('/admin/notifications');
    const row = page.getByTestId('destinations').locator('tbody tr', { hasText: 'SIEM' });
    await expect(row).toContainText(receiver.url);
    expect(await page.content()).not.toContain(secret);

    await submitAction(page, row.getByRole('button', { name: 'Send a test' }));
    await expect(page.getByRole('status')).toContainText('The test notification was delivered.');
    const testHook = receiver.received.at(-1)!;
    expect(testHook.headers['x-portcullis-event']).toBe('test');
    expect(testHook.headers['x-portcullis-signature']).toBe(signatureOf(secret, testHook));

    // Ten wrong passwords for one mailbox over the API: a burst, delivered signed within a minute.
    const box = createMailbox(account);
    const started = Date.now();
    for (let i = 0; i < 10; i++) expect((await rpc(request, call('auth', { user: box.email, pass: `wrong-${i}-password` }), { ip: '203.0.113.61' })).json.error).toMatchObject({ code: 2 });
    const burst = await waitFor('the refused burst', () => receiver.received.find((h) => h.headers['x-portcullis-event'] === 'sign_in.refused_burst' && h.body.includes(box.email)), 60_000);
    expect(burst.at - started).toBeLessThan(60_000);
    expect(burst.headers['x-portcullis-signature']).toBe(signatureOf(secret, burst));
    const body = JSON.parse(burst.body) as { id: string; mailbox: string; address: string; summary: string; audit_url: string };
    expect(body).toMatchObject({ mailbox: box.email, address: '203.0.113.61' });
    expect(body.summary).toContain('was refused 10 sign-ins within 15 minutes');
    // The link opens the audit log filtered on the mailbox's refusals.
    await page.goto(new URL(body.audit_url).pathname + new URL(body.audit_url).search);
    await expect(page.getByText(box.email).first()).toBeVisible();
  } finally {
    await receiver.close();
  }
});

test('a user turns on "E-mail me about sign-ins from new networks" and gets an e-mail about a new network', async ({ browser }) => {
  test.setTimeout(120_000);
  const sink = await startSmtpSink(notify.smtp);
  try {
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.232');
    const page = await context.newPage();
    await signIn(page, box.email, box.password);
    await page.goto('/account');
    const checkbox = page.getByLabel('E-mail me about sign-ins from new networks');
    await expect(checkbox).not.toBeChecked();
    await checkbox.check();
    await submitAction(page, page.getByRole('button', { name: 'Save' }));
    await expect(page.getByRole('status')).toContainText('You will be e-mailed about sign-ins from new networks.');
    expect(dbOf().select({ on: mailboxes.notifyNewNetwork }).from(mailboxes).where(eq(mailboxes.id, box.id)).get()?.on).toBe(true);
    await signOut(page);
    const elsewhere = await clientAt(browser, '192.0.2.232');
    await signIn(await elsewhere.newPage(), box.email, box.password);
    const mail = await waitFor('the notice', () => sink.messages.find((m) => m.to.includes(box.email)), 60_000);
    expect(mail.data).toContain('a network it has not been used from in the last 90 days');
  } finally {
    await sink.close();
  }
});

test('a German admin adds an e-mail destination: it is German, and its test e-mail and alerts arrive in German', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const sink = await startSmtpSink(notify.smtp);
  try {
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, '198.51.100.233', admin);
    // The admin reads the pages in German (the switch's cookie).
    await context.addCookies([{ name: 'portcullis-lang', value: 'de', url: new URL(page.url()).origin }]);
    await page.goto('/admin/notifications');
    const to = `soc-${account.id}@example.org`;
    await page.getByLabel('E-Mail', { exact: true }).check();
    await page.getByLabel('Webhook-URL oder E-Mail-Adresse').fill(to);
    // A new destination starts in the language the admin reads.
    await expect(page.getByLabel('Sprache der Nachrichten')).toHaveValue('de');
    await submitAction(page, page.getByRole('button', { name: 'Ziel hinzufügen' }));
    await expect(page.getByRole('status')).toContainText('E-Mail-Ziel hinzugefügt.');
    expect(dbOf().select({ language: notifyDestinations.language }).from(notifyDestinations).where(eq(notifyDestinations.accountId, account.id)).all()).toEqual([{ language: 'de' }]);

    await page.goto('/admin/notifications');
    const row = page.getByTestId('destinations').locator('tbody tr', { hasText: to });
    await submitAction(page, row.getByRole('button', { name: 'Test senden' }));
    await expect(page.getByRole('status')).toContainText('Die Testbenachrichtigung wurde zugestellt.');
    const testMail = readMail(await waitFor('the test e-mail', () => sink.messages.find((m) => m.to.includes(to)), 10_000));
    expect(testMail.subject).toMatch(/^\[Portcullis\] Test: Test [0-9a-f]+$/);
    expect(testMail.text).toContain(`Eine Testbenachrichtigung von Portcullis, gesendet von ${admin.email}.`);
    expect(testMail.text).toContain('Zum Prüfprotokoll: ');

    // A refused burst: worded in German, with German numbers and the German name of the event.
    const box = createMailbox(account);
    for (let i = 0; i < 10; i++) expect((await rpc(request, call('auth', { user: box.email, pass: `wrong-${i}-password` }), { ip: '203.0.113.62' })).json.error).toMatchObject({ code: 2 });
    const burst = readMail(await waitFor('the burst e-mail', () => sink.messages.find((m) => m.to.includes(to) && readMail(m).text.includes(box.email)), 60_000));
    expect(burst.subject).toBe(`[Portcullis] Viele abgewiesene Anmeldungen an einem Postfach: ${box.email}`);
    expect(burst.text).toContain(`Für ${box.email} wurden 10 Anmeldungen innerhalb von 15 Minuten abgewiesen, die letzte von 203.0.113.62 über die API.`);

    // Six more tests within ten minutes: the fifth is the last one sent.
    for (let i = 2; i <= 5; i++) await submitAction(page, row.getByRole('button', { name: 'Test senden' }));
    await expect(page.getByRole('status')).toContainText('Die Testbenachrichtigung wurde zugestellt.');
    await submitAction(page, row.getByRole('button', { name: 'Test senden' }));
    await expect(page.getByRole('status')).toContainText('Zu viele Tests für dieses Ziel: höchstens 5 alle 10 Minuten.');
    expect(sink.messages.filter((m) => m.to.includes(to) && readMail(m).subject.includes('Test:'))).toHaveLength(5);

    // Its row changes its language.
    await row.getByRole('combobox').selectOption('en');
    await submitAction(page, row.getByRole('button', { name: 'Sprache ändern' }));
    await expect(page.getByRole('status')).toContainText('Die Sprache des Ziels wurde geändert.');
    await expect(row.getByRole('combobox')).toHaveValue('en');
    expect(dbOf().select({ language: notifyDestinations.language }).from(notifyDestinations).where(eq(notifyDestinations.accountId, account.id)).all()).toEqual([{ language: 'en' }]);
  } finally {
    await sink.close();
  }
});

test("a mailbox's own notices follow the language its user signs in with and last switched to", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const sink = await startSmtpSink(notify.smtp);
  try {
    const { account } = accountWithAdmin();
    const box = createMailbox(account);
    const languageOf = () => dbOf().select({ language: mailboxes.language }).from(mailboxes).where(eq(mailboxes.id, box.id)).get()?.language;
    expect(languageOf()).toBe('en');
    // Signed in with a German browser: remembered.
    const context = await clientAt(browser, '198.51.100.234', { locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('E-Mail-Adresse').fill(box.email);
    await page.getByLabel('Passwort', { exact: true }).fill(box.password);
    await submitAction(page, page.getByRole('button', { name: 'Anmelden' }));
    rememberSecret(box.password);
    await expect(page).toHaveURL(/\/mail$/);
    expect(languageOf()).toBe('de');
    // The switch, signed in: remembered each time.
    await page.goto('/account');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(languageOf()).toBe('en');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    expect(languageOf()).toBe('de');
    await page.getByLabel('Mich per E-Mail über Anmeldungen aus neuen Netzwerken benachrichtigen').check();
    await submitAction(page, page.getByRole('button', { name: 'Speichern' }));
    await expect(page.getByRole('status')).toContainText('Sie werden per E-Mail über Anmeldungen aus neuen Netzwerken benachrichtigt.');
    // A sign-in from elsewhere, over the API (no language of its own). The notice is German: about this
    // one, or about the first web sign-in when the reader took that after the box was ticked (the next one
    // is then held back, at most one per 15 minutes).
    expect((await rpc(request, call('auth', { user: box.email, pass: box.password }), { ip: '192.0.2.234' })).json.result).toMatchObject({ level: 'mail' });
    const notice = readMail(await waitFor('the notice', () => sink.messages.find((m) => m.to.includes(box.email)), 60_000));
    expect(notice.subject).toBe('Anmeldung an Ihrem Postfach aus einem neuen Netzwerk');
    expect(notice.text).toMatch(new RegExp(`^An Ihrem Postfach ${box.email.replace(/\./g, '\\.')} hat sich jemand von (?:192\\.0\\.2\\.234 über die API|198\\.51\\.100\\.234) angemeldet, aus einem Netzwerk`));
  } finally {
    await sink.close();
  }
});
