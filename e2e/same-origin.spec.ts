import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { netSets } from '../db/schema';
import { servers } from '../playwright.config';
import { adminAt, netsFieldsHydrated } from './support/admin';
import { call, rpc } from './support/api';
import { authHttp, nginxHeaders } from './support/auth-http';
import { clientAt, createAccount, createAdmin, createMailbox, dbOf, expect, signIn, test, type TestAccount } from './support/fixtures';

/*
 * State-changing posts need the browser's word that they come from our own pages (lib/net/same-origin.ts,
 * applied in proxy.ts): a same-origin Origin, or Sec-Fetch-Site: same-origin. Cookies ride along with any
 * post to this site; without the check a page elsewhere (even on this host's other ports, which browsers
 * count as the same site for SameSite cookies) could run a server action as the signed-in admin.
 */

function setNames(account: TestAccount): string[] {
  return dbOf().select({ name: netSets.name }).from(netSets).where(eq(netSets.accountId, account.id)).all().map((r) => r.name);
}

/** The "New network set" form's fields, as its no-JavaScript post would send them, for set `name`. */
async function createSetFields(page: Page, name: string): Promise<[string, string][]> {
  await page.goto('/admin/networks');
  await netsFieldsHydrated(page);
  const form = page.getByTestId('new-set');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Networks').fill('192.0.2.0/24');
  return page.evaluate(() => [...new FormData(document.querySelector('[data-testid="new-set"]') as HTMLFormElement)].filter((e): e is [string, string] => typeof e[1] === 'string'));
}

test('a server-action post without Origin, or from another origin, is refused with 403 and saves nothing; a same-origin one saves', async ({ browser }) => {
  const account = createAccount();
  const { context, page } = await adminAt(browser, '198.51.100.120', createAdmin(account));
  const origin = new URL(page.url()).origin;
  const attempts: [string, Record<string, string>, number][] = [
    ['no-origin', {}, 403],
    ['foreign', { Origin: 'http://evil.example' }, 403],
    ['other-port', { Origin: 'http://127.0.0.1:1' }, 403],
    ['null-origin', { Origin: 'null' }, 403],
    ['cross-site', { Origin: origin, 'Sec-Fetch-Site': 'cross-site' }, 403],
    ['same-site', { 'Sec-Fetch-Site': 'same-site' }, 403],
  ];
  for (const [name, headers, status] of attempts) {
    const fields = await createSetFields(page, name);
    const answer = await context.request.post('/admin/networks', { headers, multipart: Object.fromEntries(fields), maxRedirects: 0 });
    expect(answer.status(), name).toBe(status);
    expect(await answer.text(), name).toContain('nothing was changed');
  }
  // A call shaped like the client router's (a fetch with a Next-Action header) is refused the same way, before Next looks at it.
  const answer = await context.request.post('/admin/networks', {
    headers: { 'Next-Action': '7f0000000000000000000000000000000000000000', Accept: 'text/x-component' },
    multipart: Object.fromEntries(await createSetFields(page, 'fetch-no-origin')),
    maxRedirects: 0,
  });
  expect(answer.status()).toBe(403);
  expect(setNames(account)).toEqual([]);

  for (const [name, headers] of [
    ['same-origin', { Origin: origin }],
    ['fetch-metadata', { 'Sec-Fetch-Site': 'same-origin' }],
  ] as const) {
    const answer = await context.request.post('/admin/networks', { headers, multipart: Object.fromEntries(await createSetFields(page, name)), maxRedirects: 0 });
    expect(answer.status(), name).toBeLessThan(400);
  }
  expect(setNames(account).sort()).toEqual(['fetch-metadata', 'same-origin']);
  await context.close();
});

test('a form on another origin of this host, submitted by a signed-in browser, is refused and saves nothing', async ({ browser }) => {
  const account = createAccount();
  const { context, page } = await adminAt(browser, '198.51.100.121', createAdmin(account));
  const fields = await createSetFields(page, 'from-elsewhere');
  const target = new URL('/admin/networks', page.url()).href;
  // The attacker's page: same host name, another port (the same "site" for SameSite cookies), posting on load.
  const inputs = fields.map(([k, v]) => `<input type="hidden" name="${k.replaceAll('"', '&quot;')}" value="${v.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}">`).join('');
  const evil = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><form method="post" enctype="multipart/form-data" action="${target}">${inputs}</form><script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(servers.proxied.port + 90, '127.0.0.1', resolve));
  try {
    const attacked = await context.newPage();
    const [answer] = await Promise.all([attacked.waitForResponse((r) => r.url() === target && r.request().method() === 'POST'), attacked.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`)]);
    expect(answer.request().headers()['origin']).toBe(`http://127.0.0.1:${(evil.address() as AddressInfo).port}`);
    expect(answer.status()).toBe(403);
    expect(setNames(account)).toEqual([]);
  } finally {
    await new Promise((resolve) => evil.close(resolve));
    await context.close();
  }
});

test('forms still work with JavaScript off: sign-in and creating a set', async ({ browser }) => {
  const account = createAccount();
  const mailbox = createMailbox(account);
  const userContext = await clientAt(browser, '198.51.100.122', { javaScriptEnabled: false });
  const userPage = await userContext.newPage();
  await signIn(userPage, mailbox.email, mailbox.password);
  await expect(userPage).toHaveURL(/\/mail$/);
  await userContext.close();

  const { context, page } = await adminAt(browser, '198.51.100.123', createAdmin(account), { javaScriptEnabled: false });
  await page.goto('/admin/networks');
  const form = page.getByTestId('new-set');
  await form.getByLabel('Name').fill('no-script');
  await form.getByLabel('Networks').fill('192.0.2.0/24');
  await form.getByRole('button', { name: 'Create set' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Created @no-script.' })).toBeVisible();
  expect(dbOf().select({ name: netSets.name }).from(netSets).where(and(eq(netSets.accountId, account.id), eq(netSets.name, 'no-script'))).all()).toHaveLength(1);
  await context.close();
});

test('machine endpoints take posts without Origin (or with any): the JSON-RPC API and auth_http carry no cookies', async ({ request }) => {
  const account = createAccount();
  const mailbox = createMailbox(account);
  for (const headers of [{}, { Origin: 'http://evil.example' }] as Record<string, string>[]) {
    for (const path of ['/v1/', '/api/v1'] as const) {
      const answer = await request.post(path, { headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.124', ...headers }, data: Buffer.from(JSON.stringify(call('hello.world'))), maxRedirects: 0 });
      expect(answer.status(), path).toBe(200);
    }
  }
  const api = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }));
  expect(api.json.result.session).toBeTruthy();
  expect((await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.125'))).headers['auth-status']).toBe('OK');
});
