import { call, rpc } from './support/api';
import { auditFor, clientAt, createAccount, failSignIns, createMailbox, expect, formAlert, randomIPv4, signIn, SIGN_IN_FAILED, test, signOut } from './support/fixtures';
import { servers } from '../playwright.config';

/** The "direct" server runs the default configuration: no trusted proxies, listening on `::`. */
const direct = `http://127.0.0.1:${servers.direct.port}`;
const directV6 = `http://[::1]:${servers.direct.port}`;

const SPOOFS = {
  'X-Forwarded-For': '203.0.113.5',
  'X-Real-IP': '203.0.113.5',
  Forwarded: 'for=203.0.113.5;proto=https',
  'True-Client-IP': '203.0.113.5',
  'X-Portcullis-Client-Address': 'guess 203.0.113.5',
};

test.describe('client address without trusted proxies', () => {
  test('spoofed forwarding and internal headers are ignored: the socket address is used', async ({ request }) => {
    const html = await (await request.get(`${direct}/login`, { headers: SPOOFS })).text();
    expect(html).toContain('data-testid="client-ip">127.0.0.1<');
    expect(html).not.toContain('203.0.113.5');
  });

  test('IPv6 clients work when listening on ::, and IPv4 clients appear as IPv4', async ({ request }) => {
    expect(await (await request.get(`${directV6}/login`)).text()).toContain('data-testid="client-ip">::1<');
    expect(await (await request.get(`${direct}/login`)).text()).toContain('data-testid="client-ip">127.0.0.1<');
  });

  test('a mailbox restricted to a spoofed address cannot be reached with spoofed headers', async ({ browser }) => {
    const account = createAccount('direct');
    const mailbox = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const context = await browser.newContext({ baseURL: direct, extraHTTPHeaders: SPOOFS });
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    await context.close();
  });

  test('a mailbox restricted to ::1 signs in over IPv6; one restricted to 127.0.0.1 signs in over IPv4 (mapped)', async ({ browser }) => {
    const account = createAccount('direct');
    const v6 = createMailbox(account, { allowNets: '::1' });
    const v4 = createMailbox(account, { allowNets: '127.0.0.1' });
    for (const [base, box, other] of [[directV6, v6, v4], [direct, v4, v6]] as const) {
      const context = await browser.newContext({ baseURL: base });
      const page = await context.newPage();
      await signIn(page, box.email, box.password);
      await expect(page).toHaveURL(/\/mail$/);
      await signOut(page);
      await signIn(page, other.email, other.password);
      await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
      await context.close();
    }
  });
});

/*
 * Spec §23 "Forwarding": the default `proxied` test server trusts 127.0.0.1, so these requests come from a
 * trusted proxy whose X-Forwarded-For chain cannot be followed. The client is then unknown, never the
 * proxy (127.0.0.1) itself.
 */
test.describe('a malformed X-Forwarded-For from a trusted proxy', () => {
  const MALFORMED = ['garbage', '", "', ', ', '203.0.113.5, ', '198.51.100.7:4711', '[2001:db8::1]'];

  test('makes the client unknown, and /metrics is 404 for it', async ({ request }) => {
    // The proxy asking for itself (no header) is 127.0.0.1, which the default METRICS_ALLOW admits.
    expect((await request.get('/metrics')).status()).toBe(200);
    for (const chain of MALFORMED) {
      const login = await (await request.get('/login', { headers: { 'X-Forwarded-For': chain } })).text();
      expect(login, chain).toContain('data-testid="client-ip">unknown<');
      const metrics = await request.get('/metrics', { headers: { 'X-Forwarded-For': chain } });
      expect(metrics.status(), chain).toBe(404);
      expect(await metrics.text()).not.toContain('portcullis_');
    }
  });

  test('a mailbox whose list admits 127.0.0.1 refuses it (web and API); an unrestricted one lets it in', async ({ browser, request }) => {
    const account = createAccount();
    const local = createMailbox(account, { allowNets: '127.0.0.1' });
    const open = createMailbox(account);
    // The list does admit the proxy's own address when that really is the client.
    expect((await rpc(request, call('auth', { user: local.email, pass: local.password }), { ip: '127.0.0.1' })).json.result.level).toBe('mail');
    for (const chain of ['garbage', '", "']) {
      const api = await rpc(request, call('auth', { user: local.email, pass: local.password }), { ip: chain });
      expect(api.json.error, chain).toEqual({ code: 2, message: SIGN_IN_FAILED });
    }
    const context = await clientAt(browser, 'garbage');
    const page = await context.newPage();
    await signIn(page, local.email, local.password);
    await expect(formAlert(page)).toHaveText(SIGN_IN_FAILED);
    const refusals = auditFor(local.email, 'login_failed');
    expect(refusals.map((r) => r.detail)).toEqual([{ reason: 'network_not_allowed' }, { reason: 'network_not_allowed' }, { reason: 'network_not_allowed' }]);
    expect(refusals.map((r) => r.clientIp)).toEqual([null, null, null]);
    // Unknown is refused only where a list applies.
    await signIn(page, open.email, open.password);
    await expect(page).toHaveURL(/\/mail$/);
    await context.close();
  });

  test('sign-in throttling counts every malformed chain as one unknown client', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, 'garbage');
    const page = await context.newPage();
    await failSignIns(page, mailbox.email, 10);
    await signIn(page, mailbox.email, mailbox.password);
    await expect(formAlert(page)).toHaveText('Too many attempts. Try again in 15 minutes.');
    // Another malformed chain is the same unknown client, not a fresh budget.
    const other = await clientAt(browser, '", "');
    const otherPage = await other.newPage();
    await signIn(otherPage, mailbox.email, mailbox.password);
    await expect(formAlert(otherPage)).toHaveText('Too many attempts. Try again in 15 minutes.');
    expect(auditFor(mailbox.email, 'login_failed')[0]).toMatchObject({ clientIp: null, detail: { reason: 'throttled' } });
    // A real client address is unaffected.
    const real = await clientAt(browser, randomIPv4('192.0.2'));
    const realPage = await real.newPage();
    await signIn(realPage, mailbox.email, mailbox.password);
    await expect(realPage).toHaveURL(/\/mail$/);
    for (const c of [context, other, real]) await c.close();
  });
});
