import { createAccount, createMailbox, expect, formAlert, signIn, SIGN_IN_FAILED, test, signOut } from './support/fixtures';
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
