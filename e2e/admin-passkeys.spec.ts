import AxeBuilder from '@axe-core/playwright';
import { and, desc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import { adminPasskeys, auditEvents, webSessions } from '../db/schema';
import { servers } from '../playwright.config';
import { adminSignIn, type TestAdmin } from './support/admin';
import { createAccount, createAdmin, dbOf, expect, formAlert, rememberCookies, rememberSecret, submitAction, test } from './support/fixtures';

/**
 * Spec §14: admin passkeys with Chromium's virtual authenticator (CDP). WebAuthn needs a secure context and
 * an RP ID that is a domain, so these pages are opened at http://localhost (the server's default relying
 * party when WEBAUTHN_ORIGINS is unset), not at 127.0.0.1.
 */

const LOCALHOST = `http://localhost:${servers.proxied.port}`;
const GENERIC = 'That code did not work. Enter the current code from your authenticator app, or one of your unused recovery codes.';

async function expectNoSeriousViolations(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const audits = (accountId: number, event: string) =>
  dbOf().select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event))).orderBy(desc(auditEvents.id)).all();

const passkeysOf = (adminId: number) => dbOf().select().from(adminPasskeys).where(eq(adminPasskeys.adminId, adminId)).orderBy(adminPasskeys.id).all();

interface Device {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

const AUTHENTICATOR = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } as const;

/**
 * A browser at localhost from `address`, with a virtual platform authenticator. An init script lets a test
 * play a malicious browser: it can replace the credentials the server asked for with one of its choosing.
 */
async function deviceAt(browser: Browser, address: string): Promise<Device> {
  const context = await browser.newContext({ baseURL: LOCALHOST, extraHTTPHeaders: { 'X-Forwarded-For': address } });
  await context.addInitScript(() => {
    // about:blank has no credentials API.
    if (!navigator.credentials) return;
    const original = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options?: CredentialRequestOptions) => {
      const forced = (window as unknown as { __forceCredential?: string }).__forceCredential;
      if (forced && options?.publicKey) {
        const bytes = Uint8Array.from(atob(forced.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
        options.publicKey.allowCredentials = [{ type: 'public-key', id: bytes }];
      }
      return original(options);
    };
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
  return { context, page, cdp, authenticatorId };
}

/** Signs in with the password only (an admin without two-factor lands on the mailbox list). */
async function passwordSignIn(device: Device, admin: TestAdmin) {
  await adminSignIn(device.page, admin);
  await expect(device.page).toHaveURL(/\/admin\/mailboxes$/);
  await rememberCookies(device.context);
}

async function addPasskey(page: Page, name: string) {
  await page.goto('/admin/security');
  const button = page.getByRole('button', { name: 'Add a passkey' });
  await expect(button).toBeEnabled();
  await page.getByLabel('Name of the new passkey').fill(name);
  await button.click();
  await expect(page).toHaveURL(/\/admin\/security\?notice=passkey-added$/);
  await expect(page.getByTestId('passkeys')).toContainText(name);
}

async function signOut(page: Page) {
  await page.goto('/admin/security');
  await submitAction(page, page.getByRole('button', { name: 'Sign out', exact: true }));
  await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
}

/** Opens a passkey's "Rename or remove" panel (left as it is when already open). */
async function openRow(page: Page, name: string) {
  await page.locator('details', { hasText: `Rename or remove ${name}` }).evaluate((d) => ((d as HTMLDetailsElement).open = true));
}

async function usePasskey(page: Page, forceCredential: string | null = null) {
  await expect(page).toHaveURL(/\/admin\/login\/verify/);
  await page.evaluate((id) => void ((window as unknown as { __forceCredential: string | null }).__forceCredential = id), forceCredential);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
}

test.describe('admin passkeys', () => {
  test('register and rename a passkey, sign in with password then passkey, remove it; a removed passkey no longer works', async ({ browser }) => {
    test.setTimeout(180_000);
    const account = createAccount();
    const admin = createAdmin(account);
    const device = await deviceAt(browser, '198.51.100.221');
    const { page, cdp } = device;
    await passwordSignIn(device, admin);

    await addPasskey(page, 'Laptop');
    await expect(page.getByTestId('two-factor-status')).toContainText('On: a passkey');
    await expectNoSeriousViolations(page, 'security with a passkey');
    const [first] = passkeysOf(admin.id);
    expect(first).toMatchObject({ name: 'Laptop', accountId: account.id, lastUsedAt: null });
    expect(audits(account.id, 'passkey_added')[0]?.detail).toMatchObject({ admin: admin.email, passkey: 'Laptop' });

    // Rename (no JavaScript needed for this form).
    await openRow(page, 'Laptop');
    await page.getByLabel('New name for Laptop').fill('Work laptop');
    await submitAction(page, page.getByRole('button', { name: 'Rename' }));
    await expect(page).toHaveURL(/notice=passkey-renamed$/);
    await expect(page.getByTestId('passkeys')).toContainText('Work laptop');
    expect(audits(account.id, 'passkey_renamed')[0]?.detail).toMatchObject({ passkey: 'Work laptop', from: 'Laptop' });

    // Password, then the passkey: a new session like a code gives.
    await signOut(page);
    await adminSignIn(page, admin);
    await expect(page).toHaveURL(/\/admin\/login\/verify/);
    await expectNoSeriousViolations(page, 'verify with a passkey');
    await usePasskey(page);
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    expect(audits(account.id, 'admin_login_succeeded')[0]?.detail).toMatchObject({ admin: admin.email, method: 'passkey' });
    const used = passkeysOf(admin.id)[0]!;
    expect(used.lastUsedAt).not.toBeNull();
    expect(used.counter).toBeGreaterThan(0);

    // A second passkey on another authenticator; the first one's key is kept by this (malicious) browser.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: device.authenticatorId });
    expect(credentials).toHaveLength(1);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: device.authenticatorId });
    const { authenticatorId: second } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
    await addPasskey(page, 'Phone');
    // Not resident: the authenticator already holds a discoverable passkey for this user (Phone).
    await cdp.send('WebAuthn.addCredential', { authenticatorId: second, credential: { ...credentials[0]!, isResidentCredential: false } });

    // Remove the first: a wrong password is refused, the right one removes it.
    await openRow(page, 'Work laptop');
    await page.getByLabel('Your password, to remove Work laptop').fill('not-the-password');
    await submitAction(page, page.getByRole('button', { name: 'Remove' }).first());
    await expect(formAlert(page)).toContainText('That password is not correct.');
    expect(passkeysOf(admin.id)).toHaveLength(2);
    await openRow(page, 'Work laptop');
    await page.getByLabel('Your password, to remove Work laptop').fill(admin.password);
    await submitAction(page, page.getByRole('button', { name: 'Remove' }).first());
    await expect(page).toHaveURL(/notice=passkey-removed$/);
    expect(passkeysOf(admin.id).map((p) => p.name)).toEqual(['Phone']);
    expect(audits(account.id, 'passkey_removed')[0]?.detail).toMatchObject({ passkey: 'Work laptop' });

    // The removed passkey, offered anyway, fails with the generic message; the remaining one works.
    await signOut(page);
    await adminSignIn(page, admin);
    await usePasskey(page, first!.credentialId);
    await expect(formAlert(page)).toHaveText(GENERIC);
    await expect(page).toHaveURL(/\/admin\/login\/verify/);
    expect(audits(account.id, 'admin_second_factor_failed')[0]?.detail).toMatchObject({ admin: admin.email, reason: 'passkey_unknown' });
    await usePasskey(page);
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await device.context.close();
  });

  test("admin A's passkey cannot complete admin B's sign-in; B cannot remove A's passkey by a forged id", async ({ browser }) => {
    test.setTimeout(180_000);
    const accountA = createAccount();
    const adminA = createAdmin(accountA);
    const accountB = createAccount();
    const adminB = createAdmin(accountB);
    const a = await deviceAt(browser, '198.51.100.222');
    await passwordSignIn(a, adminA);
    await addPasskey(a.page, 'A key');
    const keyA = passkeysOf(adminA.id)[0]!;
    const { credentials } = await a.cdp.send('WebAuthn.getCredentials', { authenticatorId: a.authenticatorId });

    const b = await deviceAt(browser, '198.51.100.223');
    await passwordSignIn(b, adminB);
    await addPasskey(b.page, 'B key');
    // B's browser also holds A's passkey (stolen, or a shared device).
    await b.cdp.send('WebAuthn.addCredential', { authenticatorId: b.authenticatorId, credential: credentials[0]! });

    // Forged id: B's remove form carrying A's passkey id is "not found"; A's passkey stays.
    await openRow(b.page, 'B key');
    const keyB = passkeysOf(adminB.id)[0]!;
    await b.page.locator(`form:has(#passkey-remove-${keyB.id}) input[name="id"]`).evaluate((input, id) => ((input as HTMLInputElement).value = String(id)), keyA.id);
    await b.page.getByLabel('Your password, to remove B key').fill(adminB.password);
    await submitAction(b.page, b.page.getByRole('button', { name: 'Remove' }));
    await expect(b.page.locator(`form:has(#passkey-remove-${keyB.id}) [role="alert"]`)).toContainText('Passkey not found');
    // And renaming by a forged id likewise.
    await openRow(b.page, 'B key');
    await b.page.locator(`form:has(#passkey-rename-${keyB.id}) input[name="id"]`).evaluate((input, id) => ((input as HTMLInputElement).value = String(id)), keyA.id);
    await b.page.getByLabel('New name for B key').fill('Taken over');
    await submitAction(b.page, b.page.getByRole('button', { name: 'Rename' }));
    await expect(b.page.locator(`form:has(#passkey-rename-${keyB.id}) [role="alert"]`)).toContainText('Passkey not found');
    expect(passkeysOf(adminA.id)).toEqual([expect.objectContaining({ id: keyA.id, name: 'A key' })]);

    // B's sign-in answered with A's passkey: the generic failure; B's own passkey then works.
    await signOut(b.page);
    await adminSignIn(b.page, adminB);
    await usePasskey(b.page, keyA.credentialId);
    await expect(formAlert(b.page)).toHaveText(GENERIC);
    expect(audits(accountB.id, 'admin_second_factor_failed')[0]?.detail).toMatchObject({ admin: adminB.email, reason: 'passkey_unknown' });
    await usePasskey(b.page);
    await expect(b.page).toHaveURL(/\/admin\/mailboxes$/);
    await a.context.close();
    await b.context.close();
  });

  test('at an address not configured for passkeys (127.0.0.1), adding one fails with a clear message', async ({ browser }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.224' } });
    const page = await context.newPage();
    await adminSignIn(page, admin);
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await page.goto('/admin/security');
    await page.getByLabel('Name of the new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(formAlert(page)).toContainText('Passkeys cannot be used at this address');
    expect(passkeysOf(admin.id)).toHaveLength(0);
    await context.close();
  });

  test('a passkey confirms a sensitive step 6 minutes after sign-in (with the password), audited', async ({ browser }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const device = await deviceAt(browser, '198.51.100.225');
    await passwordSignIn(device, admin);
    await addPasskey(device.page, 'Laptop');
    dbOf().update(webSessions).set({ reauthenticatedAt: new Date(Date.now() - 6 * 60_000) }).where(and(eq(webSessions.kind, 'admin'), eq(webSessions.subjectId, admin.id))).run();

    const { page } = device;
    await page.goto('/admin/security');
    await page.getByLabel('Label').fill('Nightly');
    await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
    const confirm = page.getByRole('group', { name: 'Confirm your password' });
    await expect(confirm).toContainText('your password and your passkey');
    // The passkey alone does not do: the password comes first.
    await confirm.getByRole('button', { name: 'Confirm with a passkey' }).click();
    await expect(confirm.getByRole('alert')).toHaveText('Type your password first, then confirm with your passkey.');
    await page.getByRole('group', { name: 'Confirm your password' }).getByLabel('Your password').fill(admin.password);
    await confirm.getByRole('button', { name: 'Confirm with a passkey' }).click();
    await expect(page.getByTestId('new-api-key')).toHaveText(/^pcak_/);
    rememberSecret((await page.getByTestId('new-api-key').innerText()).trim());
    expect(audits(account.id, 'admin_reauthenticated').map((r) => r.detail)).toEqual([{ admin: admin.email, method: 'passkey' }]);
    await device.context.close();
  });
});
