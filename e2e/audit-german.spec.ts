import type { Browser, Locator, Page } from '@playwright/test';
import { auditEvents } from '../db/schema';
import de from '../lib/i18n/messages/de.json';
import { AUDIT_EVENT_KINDS, auditEventLabel, auditSentence, auditSentenceParts, type AuditSentenceInput } from '../lib/audit-sentence';
import { formatUtc } from '../lib/time-format';
import { accountWithAdmin, mailboxPath, recordSignIn } from './support/admin';
import { englishIn, englishPieces } from './support/english-text';
import { clientAt, createMailbox, dbOf, expect, rememberCookies, rememberSecret, test, type TestAccount } from './support/fixtures';

/**
 * Spec §22 for the audit log: a German admin reads every event's sentence, its name (also in the event
 * filter) and its details in German, on the audit page and from a mailbox's history; English catalogue text
 * appears nowhere. English stays what the CSV export and the CLI write (their own specs).
 */

/**
 * The English words a German audit page must not show: the audit namespaces' messages, select and plural
 * branches included (their words are the ones these namespaces use most).
 */
const ENGLISH = englishPieces({ keys: /^Audit\w*\./, branches: true, extraEdge: '"' });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The sentence a page without JavaScript shows: times in their UTC form (lib/time-format.ts). */
const shownWithoutScript = (e: AuditSentenceInput) => auditSentenceParts(e, 'de').map((p) => (typeof p === 'string' ? p : formatUtc(p.at))).join('');

async function germanAdmin(browser: Browser, address: string, admin: { email: string; password: string }): Promise<Page> {
  const context = await clientAt(browser, address, { locale: 'de-DE', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/admin/login');
  await page.getByLabel(de.AdminLogin.email).fill(admin.email);
  await page.getByLabel(de.LoginForm.password, { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: de.LoginForm.submit }).click();
  rememberSecret(admin.password);
  await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  await rememberCookies(context);
  return page;
}

/** One row of a kind with details that reach its words (each kind reads the fields it knows). */
function insertEvent(account: TestAccount, row: AuditSentenceInput & { mailboxId: number | null }): void {
  dbOf(account.server)
    .insert(auditEvents)
    .values({
      at: new Date(Date.now() - 5 * 60_000),
      accountId: account.id,
      actorKind: row.actorKind as 'admin',
      actorEmail: row.actorEmail,
      mailboxId: row.mailboxId,
      mailboxEmail: row.mailboxEmail,
      event: row.event,
      clientIp: row.clientIp,
      protocol: row.protocol as 'imap' | null,
      detail: row.detail,
    })
    .run();
}

async function expectNoEnglish(part: Locator, name: string): Promise<void> {
  const text = (await part.allTextContents()).join('\n');
  expect(text.trim(), name).not.toBe('');
  expect(englishIn(ENGLISH, text), `English on ${name}`).toEqual([]);
}

test.describe('the audit log in German (Accept-Language: de)', () => {
  test.describe.configure({ timeout: 120_000 });

  test('every event kind: sentence, name, filter and details are German', async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { messages: 0 });
    const rows = new Map<string, AuditSentenceInput>();
    for (const event of Object.keys(AUDIT_EVENT_KINDS)) {
      const row: AuditSentenceInput = {
        event,
        mailboxEmail: mailbox.email,
        actorKind: 'admin',
        actorEmail: admin.email,
        clientIp: '198.51.100.60',
        protocol: 'imap',
        detail: {
          reason: 'bad_password',
          method: 'totp',
          admin: admin.email,
          old: '192.0.2.0/24',
          new: '198.51.100.0/24',
          new_meta: { '198.51.100.0/24': { label: 'Zentrale', expiresAt: Date.UTC(2099, 0, 31, 8, 0) } },
          count: 2,
          remaining: 3,
          expires_at: '2099-01-31T00:00:00.000Z',
          allow_nets: '192.0.2.0/24',
          label: 'Laptop',
          key: 'deploy',
          protocols: ['imap', 'smtp'],
          name: 'buero',
          domain: 'example.org',
          result: 'failed',
          error: 'timeout',
          backend: 'dovecot',
          policy: 'require_two_factor',
          required: true,
          action: 'force_reset',
          target: { selected: 2 },
          matched: 2,
          changed: 2,
          passkey: 'Laptop',
          max_age_days: 90,
          kind: 'sign_in',
          attempts: 4,
          repeated: 3,
        },
      };
      rows.set(event, row);
      insertEvent(account, { ...row, mailboxId: mailbox.id });
    }
    const page = await germanAdmin(browser, '198.51.100.61', admin);
    await page.goto('/admin/audit');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(de.AuditLog.heading);

    for (const [event, row] of rows) {
      const tr = page.locator(`[data-testid="audit-table"] tbody tr[data-event="${event}"]`).last();
      await expect(tr.locator('.sentence'), event).toHaveText(shownWithoutScript(row));
      expect(shownWithoutScript(row), event).not.toBe(auditSentence(row, 'en'));
      // The details (closed, but in the page): the event's German name, German labels and values.
      await expect(tr.locator('.event-details dd').first(), event).toHaveText(auditEventLabel(event, 'de'));
    }
    // Everything the page shows, the closed details included, holds no English catalogue text.
    await expectNoEnglish(page.locator('main'), '/admin/audit');
    expect(englishIn(ENGLISH, await page.title())).toEqual([]);
    // The German details of an allowed-networks change, entry by entry.
    const nets = page.locator('[data-testid="audit-table"] tbody tr[data-event="allow_nets_changed"]').last().locator('.event-details');
    await expect(nets.locator('dt')).toContainText(['Erlaubte Netzwerke, vorher', 'Erlaubte Netzwerke, nachher', 'Grund', 'Verfahren', 'Bezeichnungen und Ablauf']);
    await expect(nets.locator('dd.detail').filter({ hasText: 'Bezeichnung „Zentrale“' })).toHaveText('198.51.100.0/24: Bezeichnung „Zentrale“, läuft ab am 2099-01-31 08:00 UTC');

    // The event filter names every kind in German; choosing one filters to it.
    const options = (await page.locator('#event option').allTextContents()).slice(1);
    expect(options.sort()).toEqual(Object.keys(AUDIT_EVENT_KINDS).map((k) => auditEventLabel(k, 'de')).sort());
    await page.getByLabel(de.AuditLog.event).selectOption({ label: de.AuditEventNames.login_failed });
    await page.getByRole('button', { name: de.AuditLog.filter }).click();
    await expect(page).toHaveURL(/event=login_failed/);
    await expect(page.getByLabel(de.AuditLog.event).locator('option:checked')).toHaveText('Anmeldung abgewiesen');
    await expect(page.locator('[data-testid="audit-table"] tbody tr .sentence')).toHaveText([`Anmeldung für ${mailbox.email} von 198.51.100.60 aus über IMAP abgewiesen: falsches Passwort`]);
    await page.context().close();
  });

  test("a mailbox's history and its full history in the audit log are German", async ({ browser }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account, { messages: 0 });
    recordSignIn(account, mailbox, { ip: '198.51.100.62', daysAgo: 1 });
    recordSignIn(account, mailbox, { ip: '192.0.2.63', daysAgo: 1, event: 'login_failed', reason: 'network_not_allowed', protocol: 'imap' });
    insertEvent(account, { event: 'require_reset_password_changed', mailboxId: mailbox.id, mailboxEmail: mailbox.email, actorKind: 'admin', actorEmail: admin.email, clientIp: null, protocol: null, detail: { old: false, new: true } });
    const page = await germanAdmin(browser, '198.51.100.64', admin);

    await page.goto(mailboxPath(mailbox.email));
    const history = page.getByTestId('recent-sign-ins');
    await expect(history.locator('tbody tr')).toHaveCount(2);
    await expectNoEnglish(history, "the mailbox's recent sign-ins");

    await page.getByRole('link', { name: de.MailboxPage.auditLink }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/audit\\?mailbox=${escape(encodeURIComponent(mailbox.email))}$`));
    await expect(page.locator('[data-testid="audit-table"] tbody tr .sentence')).toHaveText([
      `${admin.email} hat für ${mailbox.email} eine Passwortänderung erzwungen`,
      `Anmeldung für ${mailbox.email} von 192.0.2.63 aus über IMAP abgewiesen: Netzwerk nicht erlaubt`,
      `${mailbox.email} hat sich von 198.51.100.62 aus angemeldet`,
    ]);
    await expectNoEnglish(page.locator('main'), "the mailbox's audit log");
    await page.context().close();
  });
});
