import { auditFor, cli, clientAt, createAccount, defaultServer, createMailbox, expect, mailboxRow, signIn, test, updateMailboxRow, signOut, sqlRows } from './support/fixtures';

test.describe('every request of an open session is checked again', () => {
  test('changing the list with the CLI cuts off an open session from an excluded address at its next request', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24,198.51.100.0/24' });
    const office = await clientAt(browser, '203.0.113.10');
    const home = await clientAt(browser, '198.51.100.10');
    const officePage = await office.newPage();
    const homePage = await home.newPage();
    await signIn(officePage, mailbox.email, mailbox.password);
    await signIn(homePage, mailbox.email, mailbox.password);
    await expect(officePage).toHaveURL(/\/mail$/);
    await expect(homePage).toHaveURL(/\/mail$/);

    const result = cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets', '203.0.113.0/24']);
    expect(result.status, result.stderr).toBe(0);

    await homePage.goto('/account');
    await expect(homePage).toHaveURL(/\/login\?ended=1$/);
    await expect(homePage.getByText('Your session has ended')).toBeVisible();
    // The token is gone: the cookie now holds only the proxy's "ended" marker (see proxy.ts), or nothing.
    expect([undefined, 'ended']).toContain((await home.cookies()).find((c) => c.name === 'next-auth.session-token')?.value);
    expect(auditFor(mailbox.email, 'session_ended')[0]).toMatchObject({ detail: { reason: 'network_not_allowed' }, clientIp: '198.51.100.10' });

    // The office address is still listed: its session goes on.
    await officePage.goto('/account');
    await expect(officePage.getByRole('heading', { name: 'Account' })).toBeVisible();
    await expect(officePage.getByTestId('allowed-networks')).toHaveText('203.0.113.0/24');
    await office.close();
    await home.close();
  });

  test('a session moving to an unlisted address is cut off', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const context = await clientAt(browser, '203.0.113.11');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await context.setExtraHTTPHeaders({ 'X-Forwarded-For': '192.0.2.200' });
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    await context.close();
  });

  test('deactivating the mailbox ends its open session', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.12');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    const result = cli(['mailbox', 'set', '--email', mailbox.email, '--inactive']);
    expect(result.status, result.stderr).toBe(0);
    expect(mailboxRow(mailbox.id).active).toBe(false);
    await page.getByRole('link', { name: 'Test message 1' }).click();
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    expect(auditFor(mailbox.email, 'session_ended')[0]?.detail).toEqual({ reason: 'inactive' });
    await context.close();
  });

  test('a session issued before a session-version bump is refused', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.13');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    updateMailboxRow(mailbox.id, { sessionVersion: mailboxRow(mailbox.id).sessionVersion + 1 });
    await page.reload();
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    await context.close();
  });

  test('signed-out visitors are sent to sign-in; an x-middleware-subrequest header changes nothing', async ({ request }) => {
    for (const value of [undefined, 'proxy:proxy:proxy:proxy:proxy', 'middleware:middleware:middleware:middleware:middleware', 'src/middleware']) {
      const response = await request.get('/mail', { maxRedirects: 0, headers: value ? { 'x-middleware-subrequest': value } : {} });
      expect(response.status()).toBe(307);
      expect(response.headers().location).toBe('/login?callbackUrl=%2Fmail');
    }
  });

  test('a forged session cookie is refused', async ({ browser, baseURL }) => {
    const context = await clientAt(browser, '198.51.100.14');
    await context.addCookies([{ name: 'next-auth.session-token', value: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..forged.forged.forged', url: baseURL! }]);
    const page = await context.newPage();
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?ended=1$/);
    await context.close();
  });

  test('a message of another mailbox is not found', async ({ browser }) => {
    const account = createAccount();
    const me = createMailbox(account);
    const other = createMailbox(account, { messages: 1 });
    const context = await clientAt(browser, '198.51.100.15');
    const page = await context.newPage();
    await signIn(page, me.email, me.password);
    await expect(page.getByRole('link', { name: 'Test message 1' })).toBeVisible();
    const [foreign] = sqlRows<{ id: number }>(defaultServer(), `SELECT id FROM messages WHERE mailbox_id = :'id' LIMIT 1`, { id: other.id });
    const response = await page.goto(`/mail/${foreign!.id}`);
    expect(response?.status()).toBe(404);
    await context.close();
  });

  test('sign-out ends the session and records it', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.16');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await signOut(page);
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fmail$/);
    expect(auditFor(mailbox.email, 'logout')).toHaveLength(1);
    await context.close();
  });

  test('a request sent before sign-out and answered after it does not bring back a cookie', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.17');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    const token = (await context.cookies()).find((c) => c.name === 'next-auth.session-token')!.value;
    await signOut(page);
    expect((await context.cookies()).find((c) => c.name === 'next-auth.session-token')).toBeUndefined();

    // What a background prefetch of a link on /mail carries when its answer arrives after the sign-out.
    const late = await context.request.get('/account', { headers: { cookie: `next-auth.session-token=${token}` }, maxRedirects: 0 });
    expect(late.status()).toBe(307);
    expect(late.headers()['location']).toMatch(/\/login\?ended=1$/);
    expect((await context.cookies()).find((c) => c.name === 'next-auth.session-token')).toBeUndefined();

    await page.goto('/mail');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fmail$/);
    await expect(page.getByText('Your session has ended')).toHaveCount(0);
    await context.close();
  });
});
