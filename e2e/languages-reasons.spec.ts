import type { Browser, Page } from '@playwright/test';
import de from '../lib/i18n/messages/de.json';
import { accountWithAdmin, createNetSet, openMailbox } from './support/admin';
import { clientAt, createMailbox, expect, formAlert, rememberSecret, submitAction, test } from './support/fixtures';

/**
 * Spec §22 for the texts that the parser and the services write: a German page words the allowlist parser's
 * reasons and warnings (live in the browser and from the server), device names, and the reasons inside
 * "Nothing was saved: …" from their codes; the JSON-RPC API and the CLI keep the English.
 */

async function germanAdmin(browser: Browser, address: string, admin: { email: string; password: string }, javaScriptEnabled = true): Promise<Page> {
  const context = await clientAt(browser, address, { locale: 'de-DE', javaScriptEnabled });
  const page = await context.newPage();
  await page.goto('/admin/login');
  await page.getByLabel('E-Mail-Adresse des Admin-Kontos').fill(admin.email);
  await page.getByLabel('Passwort', { exact: true }).fill(admin.password);
  await submitAction(page, page.getByRole('button', { name: 'Anmelden' }));
  rememberSecret(admin.password);
  await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  return page;
}

test.describe.configure({ timeout: 120_000 });

test('the allowlist parser speaks German: live validation with its "did you mean @set?", warnings, and the server\'s refusal without JavaScript', async ({ browser }) => {
  const { account, admin } = accountWithAdmin();
  createNetSet(account, 'buero', '192.0.2.0/24');
  const mailbox = createMailbox(account, { allowNets: '198.51.100.0/24' });

  const page = await germanAdmin(browser, '198.51.100.51', admin);
  await openMailbox(page, mailbox.email);
  await page.getByLabel(de.MailboxSettings.allowNets).fill('10.0.0.1/33, Buero, 203.0.113.0/24, 10.1.2.3/8');
  const errors = page.getByTestId('allowNets-errors');
  await expect(errors).toContainText('10.0.0.1/33: Die Präfixlänge muss zwischen 0 und 32 liegen');
  await expect(errors).toContainText('Buero: Keine IP-Adresse und kein Netzwerk. Meinten Sie @buero?');
  const warnings = page.getByTestId('allowNets-warnings');
  await expect(warnings).toContainText('In „10.1.2.3/8“ sind Bits nach den ersten 8 gesetzt (Host-Bits); der Eintrag gilt deshalb für das ganze Netzwerk 10.0.0.0/8');
  await expect(warnings).toContainText('Privater Bereich (RFC 1918): Solche Adressen haben nur Geräte in Ihrem eigenen Netzwerk');
  for (const english of ['prefix length', 'did you mean', 'host bits', 'Private range']) await expect(page.locator('body')).not.toContainText(english);
  await page.context().close();

  // Without JavaScript the server parses the posted list and the page words its refusal.
  const plain = await germanAdmin(browser, '198.51.100.52', admin, false);
  await plain.goto('/admin/networks');
  const form = plain.getByTestId('new-set');
  await form.getByLabel('Name', { exact: true }).fill('filiale');
  await form.getByLabel(de.NetSetForm.networks, { exact: true }).fill('2001:db8::/129, 192.0.2.1:80');
  await form.getByRole('button', { name: de.NetSetForm.create }).click();
  const alert = plain.getByTestId('new-set').getByRole('alert');
  await expect(alert).toContainText(de.NetSetActions.invalidNets);
  await expect(alert).toContainText('2001:db8::/129: Die Präfixlänge muss zwischen 0 und 128 liegen');
  await expect(alert).toContainText('192.0.2.1:80: Portnummern sind nicht erlaubt, geben Sie nur die Adresse an');
  await expect(alert).not.toContainText('prefix length');
  await plain.context().close();
});

test('service refusals inside "Nothing was saved" and device names speak German', async ({ browser }) => {
  const { account, admin } = accountWithAdmin();
  createNetSet(account, 'buero', '192.0.2.0/24');
  const user = createMailbox(account, { allowNets: '@buero' });
  const page = await germanAdmin(browser, '198.51.100.53', admin);

  // A set that already exists, and deleting one that a mailbox uses: the services' reasons, worded by the page.
  await page.goto('/admin/networks');
  const form = page.getByTestId('new-set');
  await form.getByLabel('Name', { exact: true }).fill('buero');
  await form.getByLabel(de.NetSetForm.networks, { exact: true }).fill('203.0.113.0/24');
  await submitAction(page, form.getByRole('button', { name: de.NetSetForm.create }));
  await expect(formAlert(page)).toHaveText('Es gibt bereits eine Netzwerkgruppe @buero.');
  await page.reload();
  await submitAction(page, page.getByRole('button', { name: '@buero löschen' }));
  await expect(formAlert(page)).toHaveText(`Die Netzwerkgruppe @buero wird noch von dem Postfach ${user.email} verwendet. Entfernen Sie sie zuerst aus deren Listen.`);
  await expect(page.locator('body')).not.toContainText('is used by');

  // The admin's own sessions: the browser and system joined in German ("… unter Linux"), not "… on Linux".
  await page.goto('/admin/security');
  const sessions = page.getByTestId('sessions');
  await expect(sessions).toContainText(/^\S+(?: \S+)? unter [A-Za-z]+/m);
  await expect(sessions).not.toContainText(/ on |Unknown device/);

  // A schema check of the API-key form: the field named as the form names it, the reason in German.
  await page.getByLabel(de.SecurityForms.keyLabel, { exact: true }).fill('Nachtlauf');
  await page.getByLabel(de.SecurityForms.keyExpires, { exact: true }).fill('2020-01-31');
  await submitAction(page, page.getByRole('button', { name: de.SecurityForms.createKey }));
  await expect(formAlert(page)).toHaveText('Nichts gespeichert. Ablaufdatum: darf nicht vor heute liegen');
  await expect(page.locator('body')).not.toContainText('must be today');
  await page.context().close();
});
