import { auditFor, clientAt, formAlert, createAccount, createMailbox, expect, mailboxRow, signIn, SIGN_IN_FAILED, test } from './support/fixtures';

test.describe('web sign-in gated by allow_nets', () => {
  const allowedCases = [
    { name: 'a listed IPv4 address', list: '203.0.113.7', client: '203.0.113.7' },
    { name: 'a listed IPv4 network', list: '10.9.0.0/16,203.0.113.0/24', client: '203.0.113.200' },
    { name: 'a listed IPv6 address', list: '2001:db8::1', client: '2001:db8::1' },
    { name: 'a listed IPv6 network', list: '2001:db8:abcd::/48', client: '2001:db8:abcd:12::9' },
    { name: 'an IPv4-mapped IPv6 client matched as IPv4', list: '203.0.113.0/24', client: '::ffff:203.0.113.9' },
  ];
  for (const c of allowedCases) {
    test(`allows ${c.name}`, async ({ browser }) => {
      const account = createAccount();
      const mailbox = createMailbox(account, { allowNets: c.list });
      const context = await clientAt(browser, c.client);
      const page = await context.newPage();
      await signIn(page, mailbox.email, mailbox.password);
      await expect(page).toHaveURL(/\/mail$/);
      await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
      const row = mailboxRow(mailbox.id);
      expect(row.lastLoginIp).toBe(c.client.replace('::ffff:', ''));
      expect(row.lastLoginAt).not.toBeNull();
      expect(auditFor(mailbox.email, 'login_succeeded')[0]).toMatchObject({ clientIp: c.client.replace('::ffff:', ''), protocol: 'web' });
      await context.close();
    });
  }

  test('shows the address Portcullis sees on the sign-in page', async ({ browser }) => {
    const context = await clientAt(browser, '::ffff:198.51.100.23');
    const page = await context.newPage();
    await page.goto('/login');
    await expect(page.getByText('Your IP address: 198.51.100.23')).toBeVisible();
    await context.close();
  });

  test('an unrestricted mailbox signs in from any IPv4 or IPv6 address', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    for (const address of ['192.0.2.44', '2001:db8:ffff::44']) {
      const context = await clientAt(browser, address);
      const page = await context.newPage();
      await signIn(page, mailbox.email, mailbox.password);
      await expect(page).toHaveURL(/\/mail$/);
      await context.close();
    }
  });

  test('refusal by network, wrong password and unknown mailbox look the same; the audit log has the reason', async ({ browser }) => {
    const account = createAccount();
    const restricted = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const open = createMailbox(account);
    const attempts = [
      { email: restricted.email, password: restricted.password, reason: 'network_not_allowed' },
      { email: open.email, password: `${open.password}x`, reason: 'bad_password' },
      { email: `nobody@${account.domain}`, password: 'Whatever-Password-1', reason: 'unknown_mailbox' },
    ];
    const seen: { status: number; text: string; url: string }[] = [];
    for (const attempt of attempts) {
      // Without JavaScript the form is a plain POST, so the HTTP status of the answer can be compared.
      const context = await clientAt(browser, '198.51.100.77', { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByLabel('Email address').fill(attempt.email);
      await page.getByLabel('Password', { exact: true }).fill(attempt.password);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
      seen.push({ status: response.status(), text: (await formAlert(page).textContent()) ?? '', url: new URL(page.url()).pathname });
      // The password is never sent back into the page.
      expect(await page.content()).not.toContain(attempt.password);
      expect(auditFor(attempt.email, 'login_failed')[0]?.detail).toEqual({ reason: attempt.reason });
      await context.close();
    }
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(mailboxRow(restricted.id).lastLoginAt).toBeNull();
  });

  test('an inactive mailbox gets the same generic failure', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { active: false });
    const context = await clientAt(browser, '198.51.100.78');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    expect(auditFor(mailbox.email, 'login_failed')[0]?.detail).toEqual({ reason: 'inactive' });
    await context.close();
  });

  test('callbackUrl to another site lands on /mail; a local path is honoured', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const context = await clientAt(browser, '198.51.100.80');
      const page = await context.newPage();
      await signIn(page, mailbox.email, mailbox.password, `/login?callbackUrl=${encodeURIComponent(target)}`);
      await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/mail$/);
      await context.close();
    }
    const context = await clientAt(browser, '198.51.100.80');
    const page = await context.newPage();
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
    await page.getByLabel('Email address').fill(mailbox.email);
    await page.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await context.close();
  });

  test('the session cookie is httpOnly and SameSite=Lax', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.81');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.session-token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await context.close();
  });
});

test('an empty /login form names the empty fields instead of the sign-in failure, and is no sign-in attempt', async ({ browser }) => {
  const account = createAccount();
  const mailbox = createMailbox(account);
  for (const javaScriptEnabled of [true, false]) {
    const context = await clientAt(browser, '198.51.100.201', { javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#email-error')).toHaveText('Enter your e-mail address.');
    await expect(page.locator('#password-error')).toHaveText('Enter your password.');
    await expect(page.getByLabel('Email address')).toHaveAttribute('aria-describedby', 'email-error');
    await expect(page.getByText(SIGN_IN_FAILED)).toHaveCount(0);
    // An address without a password: only the password is asked for, and the address stays.
    await page.getByLabel('Email address').fill(mailbox.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#password-error')).toHaveText('Enter your password.');
    await expect(page.locator('#email-error')).toHaveCount(0);
    await expect(page.getByLabel('Email address')).toHaveValue(mailbox.email);
    await expect(page.getByText(SIGN_IN_FAILED)).toHaveCount(0);
    await context.close();
  }
  // Nothing was verified, so nothing was audited (or counted towards throttling).
  expect(auditFor(mailbox.email)).toEqual([]);
});
