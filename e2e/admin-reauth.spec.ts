import { and, eq } from 'drizzle-orm';
import { adminApiKeys, admins, auditEvents, webSessions } from '../db/schema';
import { accountWithAdmin, adminAt } from './support/admin';
import { call, rpc } from './support/api';
import { createMailbox, dbOf, expect, rememberSecret, signIn, strongPassword, submitAction, test } from './support/fixtures';

/** Spec §23: sensitive steps ask for the password again; admin addresses cannot collide with others'. */

const events = (accountId: number, event: string) =>
  dbOf()
    .select({ detail: auditEvents.detail })
    .from(auditEvents)
    .where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.event, event)))
    .all()
    .map((r) => r.detail);

/** Moves this admin's sign-in proof 6 minutes into the past, as if they had signed in then. */
function signedInSixMinutesAgo(adminId: number): void {
  dbOf().update(webSessions).set({ reauthenticatedAt: new Date(Date.now() - 6 * 60_000) }).where(and(eq(webSessions.kind, 'admin'), eq(webSessions.subjectId, adminId))).run();
}

for (const javaScriptEnabled of [true, false]) {
  test(`creating an API key and adding an admin 6 minutes after sign-in ask for the password again (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    test.setTimeout(90_000);
    const { account, admin } = accountWithAdmin();
    const { context, page } = await adminAt(browser, javaScriptEnabled ? '198.51.100.231' : '198.51.100.232', admin, { javaScriptEnabled });
    signedInSixMinutesAgo(admin.id);

    await page.goto('/admin/security');
    await page.getByLabel('Label').fill('Nightly');
    await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
    const confirm = page.getByRole('group', { name: 'Confirm your password' });
    await expect(confirm).toBeVisible();
    await expect(page.getByTestId('new-api-key')).toHaveCount(0);
    expect(dbOf().select({ id: adminApiKeys.id }).from(adminApiKeys).where(eq(adminApiKeys.adminId, admin.id)).all()).toHaveLength(0);
    // What was typed stays.
    await expect(page.getByLabel('Label')).toHaveValue('Nightly');

    await page.getByRole('group', { name: 'Confirm your password' }).getByLabel('Your password').fill(`${admin.password}-wrong`);
    await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
    await expect(confirm.getByRole('alert')).toHaveText('That password or second factor is not correct.');
    expect(events(account.id, 'admin_reauth_failed')).toEqual([{ admin: admin.email, reason: 'bad_password' }]);
    expect(dbOf().select({ id: adminApiKeys.id }).from(adminApiKeys).where(eq(adminApiKeys.adminId, admin.id)).all()).toHaveLength(0);

    await page.getByRole('group', { name: 'Confirm your password' }).getByLabel('Your password').fill(admin.password);
    await submitAction(page, page.getByRole('button', { name: 'Create API key' }));
    const key = (await page.getByTestId('new-api-key').innerText()).trim();
    rememberSecret(key);
    expect(key).toMatch(/^pcak_/);
    expect(events(account.id, 'admin_reauthenticated')).toEqual([{ admin: admin.email }]);

    // Adding an admin, later again.
    signedInSixMinutesAgo(admin.id);
    await page.goto('/admin/admins');
    const colleague = `colleague@${account.domain}`;
    const initial = strongPassword();
    await page.getByLabel('Admin email address').fill(colleague);
    await page.getByLabel('Initial password').fill(initial);
    await submitAction(page, page.getByRole('button', { name: 'Add admin' }));
    await expect(page.getByRole('group', { name: 'Confirm your password' })).toBeVisible();
    expect(dbOf().select({ id: admins.id }).from(admins).where(eq(admins.email, colleague)).all()).toHaveLength(0);
    await page.getByLabel('Initial password').fill(initial);
    await page.getByRole('group', { name: 'Confirm your password' }).getByLabel('Your password').fill(admin.password);
    await submitAction(page, page.getByRole('button', { name: 'Add admin' }));
    await expect(page.getByRole('status')).toContainText(`Admin ${colleague} added`);
    await context.close();
  });
}

test("B's admin cannot add A's mailbox, A's admin or an outside address: identical answers, nothing saved, Alice still signs in", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const a = accountWithAdmin();
  const alice = createMailbox(a.account);
  const b = accountWithAdmin();
  const { context, page } = await adminAt(browser, '198.51.100.233', b.admin);
  const answers: string[] = [];
  for (const address of [alice.email, a.admin.email, 'someone@elsewhere.example']) {
    await page.goto('/admin/admins');
    await page.getByLabel('Admin email address').fill(address);
    await page.getByLabel('Initial password').fill(strongPassword());
    await submitAction(page, page.getByRole('button', { name: 'Add admin' }));
    await expect(page.locator('#admin-email-error')).toBeVisible();
    // Everything the form says, with the typed address taken out (the field keeps it).
    answers.push((await page.locator('main form').first().innerText()).replace(address, 'ADDRESS'));
  }
  expect(answers[0]).toContain('Use an address in one of your domains that is not a mailbox or another admin.');
  expect(new Set(answers).size).toBe(1);
  expect(dbOf().select({ id: admins.id }).from(admins).where(eq(admins.accountId, b.account.id)).all()).toHaveLength(1);
  expect(dbOf().select({ id: admins.id }).from(admins).where(eq(admins.email, alice.email)).all()).toHaveLength(0);
  await context.close();

  // Alice is still a mailbox everywhere: web and API.
  const aliceContext = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.234' } });
  const alicePage = await aliceContext.newPage();
  await signIn(alicePage, alice.email, alice.password);
  await expect(alicePage).toHaveURL(/\/mail$/);
  await aliceContext.close();
  const auth = await rpc(request, call('auth', { user: alice.email, pass: alice.password }), { ip: '198.51.100.234' });
  expect(auth.json.result).toMatchObject({ level: 'mail' });
  rememberSecret(auth.json.result.session as string);
  // Nothing of Alice's reached B's audit log.
  expect(dbOf().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.accountId, b.account.id), eq(auditEvents.event, 'admin_login_failed'))).all()).toHaveLength(0);
});
