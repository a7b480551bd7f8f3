import { authenticate, call, rpc } from './support/api';
import { createAccount, createAdmin, createMailbox, expect, signIn, test } from './support/fixtures';

/*
 * Spec §23 "What a mailbox user may read about themselves": their own settings and lists as they apply,
 * never the admin's memo or labels meant for admins (nor the admin's names for network sets).
 */
const MEMO = 'Internal: performance review pending, HR case 42';
const LABEL = 'Desk by the HR office';
const SET_LABEL = 'Watched until the HR case closes';

test('a mailbox reads its own list as it applies, without the memo, labels or set names; the admin still reads them', async ({ browser, request }) => {
  const account = createAccount();
  const admin = createAdmin(account);
  const mailbox = createMailbox(account);
  const { token: adminToken } = await authenticate(request, admin.email, admin.password);
  expect((await rpc(request, call('netset.add', { name: 'hr-watch', allow_nets: '192.0.2.0/24' }), { token: adminToken })).json.result).toBeTruthy();
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const set = await rpc(
    request,
    call('mail.set', {
      mail: mailbox.email,
      memo: MEMO,
      allow_nets_entries: [{ net: '203.0.113.7', label: LABEL, expires_at: expiresAt }, { net: '@hr-watch', label: SET_LABEL }],
    }),
    { token: adminToken },
  );
  expect(set.json.result).toBe(true);

  // The admin's view keeps everything the admin wrote.
  const adminView = await rpc(request, call('mail.get', { mail: mailbox.email }), { token: adminToken });
  expect(adminView.json.result).toMatchObject({ memo: MEMO, allow_nets: '203.0.113.7,@hr-watch' });
  expect(adminView.text).toContain(LABEL);
  expect(adminView.text).toContain(SET_LABEL);

  // The mailbox's own session: the networks in force with their expiry, nothing meant for admins.
  const user = await authenticate(request, mailbox.email, mailbox.password, '203.0.113.7');
  const own = await rpc(request, call('mail.get', { mail: mailbox.email }), { token: user.token, ip: '203.0.113.7' });
  expect(own.json.result).toMatchObject({
    mail: mailbox.email,
    allow_nets: '203.0.113.7,192.0.2.0/24',
    allow_nets_effective: ['203.0.113.7', '192.0.2.0/24'],
    allow_nets_entries: [
      { net: '203.0.113.7', expires_at: expiresAt },
      { net: '192.0.2.0/24', expires_at: null },
    ],
  });
  expect(Object.keys(own.json.result).sort()).toEqual([
    'active',
    'allow_nets',
    'allow_nets_effective',
    'allow_nets_entries',
    'allow_nets_mode',
    'app_passwords',
    'created_at',
    'last_login_at',
    'last_login_ip',
    'mail',
    'require_reset_password',
    'two_factor',
    'updated_at',
  ]);
  for (const secret of [MEMO, 'HR case', LABEL, SET_LABEL, 'hr-watch', '"label"', '"memo"']) expect(own.text).not.toContain(secret);

  // /account shows the same: the expanded networks, no labels, no set name, no memo.
  const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.7' } });
  const page = await context.newPage();
  await signIn(page, mailbox.email, mailbox.password);
  await expect(page).toHaveURL(/\/mail$/);
  await page.goto('/account');
  const networks = page.getByTestId('allowed-networks').getByRole('listitem');
  await expect(networks).toHaveCount(2);
  await expect(networks.nth(0)).toContainText('203.0.113.7');
  await expect(networks.nth(0)).toContainText('until');
  await expect(networks.nth(1)).toHaveText('192.0.2.0/24');
  const html = await page.content();
  for (const secret of [MEMO, 'HR case', LABEL, SET_LABEL, 'hr-watch']) expect(html).not.toContain(secret);
  await context.close();
});
