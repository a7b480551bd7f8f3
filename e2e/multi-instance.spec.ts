import http from 'node:http';
import { request as playwrightRequest, type APIRequestContext, type Page, type Request, type Response, type Route } from '@playwright/test';
import { multiInstance } from '../playwright.config';
import { adminSignIn } from './support/admin';
import { authHttp, nginxHeaders, verdict } from './support/auth-http';
import { authenticate, call, rpc } from './support/api';
import { clientAt, createAccount, createAdmin, createMailbox, expect, rememberCookies, signIn, signOut, sqlRows, strongPassword, submitAction, test, type TestAccount } from './support/fixtures';
import { startInstances, UPSTREAM_HEADER, type Instances } from './support/instances';

/**
 * Spec §16: two instances (A and B) on one PostgreSQL database behind nginx (deploy/nginx/portcullis-instances.conf,
 * round-robin, no stickiness). A change made through one instance holds on the other at its next request.
 * Each cross-instance step addresses the instance it names directly (a browser's cookies are per host, not
 * per port, so one browser session reaches both), so that "through B" is never left to the balancer's
 * turn; the first tests show that nginx really alternates and that a session lives on across both.
 */

// One set of instances for the file: its tests run in order in one worker (after a failure, a fresh worker
// starts the instances again for the rest, which still run).
test.describe.configure({ mode: 'default' });

let instances: Instances;
const apis: APIRequestContext[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  instances = await startInstances();
});

test.afterAll(async () => {
  await Promise.all(apis.map((api) => api.dispose()));
  instances?.stop();
});

/** An API client of one instance (or of nginx). */
async function apiOf(baseURL: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL });
  apis.push(api);
  return api;
}

/** An admin's API session on the given instance. */
async function adminApi(baseURL: string, account: TestAccount): Promise<{ api: APIRequestContext; token: string }> {
  const admin = createAdmin(account);
  const api = await apiOf(baseURL);
  const { token } = await authenticate(api, admin.email, admin.password, '198.51.100.250');
  return { api, token };
}

async function mailSet(on: { api: APIRequestContext; token: string }, params: Record<string, unknown>): Promise<void> {
  const { status, json } = await rpc(on.api, call('mail.set', params), { token: on.token, ip: '198.51.100.250' });
  expect(status).toBe(200);
  expect(json.error, JSON.stringify(json.error)).toBeUndefined();
}

/** GET /login through nginx from a chosen loopback source address: the instance that answered and the client address it saw. */
function loginPageFrom(source: string, headers: Record<string, string> = {}): Promise<{ upstream: string | undefined; clientIp: string | undefined }> {
  const url = new URL(instances.nginxUrl);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: '/login', localAddress: source, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ upstream: instances.nameOf(res.headers[UPSTREAM_HEADER] as string | undefined), clientIp: /data-testid="client-ip">([^<]*)</.exec(body)?.[1] }));
    });
    req.on('error', reject);
  });
}

test('nginx alternates requests between the two instances and passes on the address it saw, never the client\'s own claim', async () => {
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await loginPageFrom(`127.0.0.${2 + i}`, { 'X-Forwarded-For': '203.0.113.5' }));
  expect(answers.map((a) => a.clientIp)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
  const order = answers.map((a) => a.upstream);
  expect(new Set(order)).toEqual(new Set(['a', 'b']));
  for (let i = 1; i < order.length; i++) expect(order[i], `request ${i + 1} went to the same instance as the one before`).not.toBe(order[i - 1]);
});

test('a browser session through nginx is served by both instances without sticky sessions', async ({ browser }) => {
  const account = createAccount('postgres');
  const box = createMailbox(account, { allowNets: '198.51.100.0/24' });
  const context = await clientAt(browser, '198.51.100.21');
  const page = await context.newPage();
  await signIn(page, box.email, box.password, `${instances.nginxUrl}/login`);
  await expect(page).toHaveURL(`${instances.nginxUrl}/mail`);
  const servedBy = new Set<string | undefined>();
  for (let i = 0; i < 8 && servedBy.size < 2; i++) {
    // A page load is several requests (document, scripts, …); one extra request on every other turn changes
    // the parity, so that the documents do not all land on the same instance of the rotation.
    if (i % 2 === 1) await fetch(`${instances.nginxUrl}/readyz`);
    const response = await page.goto(`${instances.nginxUrl}/mail`);
    servedBy.add(instances.nameOf(response?.headers()[UPSTREAM_HEADER]));
    await expect(page.getByRole('link', { name: 'Test message 1' })).toBeVisible();
  }
  expect(servedBy).toEqual(new Set(['a', 'b']));
  await context.close();
});

test('a session started through A is cut off at its next request through B after the list changes on A', async ({ browser }) => {
  const { a, b } = instances;
  const account = createAccount('postgres');
  const box = createMailbox(account, { allowNets: '198.51.100.0/24' });
  const admin = await adminApi(a.url, account);
  const context = await clientAt(browser, '198.51.100.31');
  const page = await context.newPage();
  await signIn(page, box.email, box.password, `${a.url}/login`);
  await expect(page).toHaveURL(`${a.url}/mail`);
  // B serves the same session before the change (its per-process caches have seen it).
  await page.goto(`${b.url}/mail`);
  await expect(page.getByRole('link', { name: 'Test message 1' })).toBeVisible();

  await mailSet(admin, { mail: box.email, allow_nets: '203.0.113.0/24' });

  await page.goto(`${b.url}/mail`);
  await expect(page).toHaveURL(`${b.url}/login?ended=1`);
  const [ended] = sqlRows<{ detail: string; client_ip: string }>('postgres', `SELECT detail, client_ip FROM audit_events WHERE mailbox_email = :'email' AND event = 'session_ended' ORDER BY id DESC LIMIT 1`, { email: box.email });
  expect(JSON.parse(ended!.detail)).toMatchObject({ reason: 'network_not_allowed' });
  expect(ended!.client_ip).toBe('198.51.100.31');
  await context.close();
});

test('a forced reset set on B ends a session on A, and the next sign-in on A is confined to the password change', async ({ browser }) => {
  const { a, b } = instances;
  const account = createAccount('postgres');
  const box = createMailbox(account);
  const admin = await adminApi(b.url, account);
  const context = await clientAt(browser, '198.51.100.41');
  const page = await context.newPage();
  await signIn(page, box.email, box.password, `${a.url}/login`);
  await expect(page).toHaveURL(`${a.url}/mail`);

  await mailSet(admin, { mail: box.email, require_reset_password: true });

  await page.goto(`${a.url}/mail`);
  await expect(page).toHaveURL(`${a.url}/login?ended=1`);
  await signIn(page, box.email, box.password, `${a.url}/login`);
  await expect(page).toHaveURL(`${a.url}/change-password`);
  for (const url of [`${a.url}/mail`, `${b.url}/mail`, `${b.url}/mail/1`]) {
    await page.goto(url);
    await expect(page, url).toHaveURL(/\/change-password$/);
  }
  await context.close();
});

test('sign-out on A kills the cookie on B', async ({ browser }) => {
  const { a, b } = instances;
  const account = createAccount('postgres');
  const box = createMailbox(account);
  const context = await clientAt(browser, '198.51.100.51');
  const page = await context.newPage();
  await signIn(page, box.email, box.password, `${a.url}/login`);
  await expect(page).toHaveURL(`${a.url}/mail`);
  const cookie = (await context.cookies()).find((c) => c.name === 'next-auth.session-token')!;
  await rememberCookies(context);

  // A copy of the cookie works on B while the session lives...
  const copy = await clientAt(browser, '198.51.100.52');
  await copy.addCookies([{ name: cookie.name, value: cookie.value, url: `${b.url}/` }]);
  const stolen = await copy.newPage();
  await stolen.goto(`${b.url}/mail`);
  await expect(stolen).toHaveURL(`${b.url}/mail`);

  await signOut(page);
  expect(sqlRows('postgres', `SELECT id FROM web_sessions WHERE kind = 'mailbox' AND subject_id = :'id'`, { id: box.id })).toHaveLength(0);
  // ...and not once A has signed it out.
  await stolen.goto(`${b.url}/mail`);
  await expect(stolen).toHaveURL(`${b.url}/login?ended=1`);
  await Promise.all([context.close(), copy.close()]);
});

/** `auth` on the JSON-RPC API of one instance, from `ip`: the error code, or 0 on success. */
async function apiSignIn(api: APIRequestContext, user: string, pass: string, ip: string): Promise<{ code: number; upstream: 'a' | 'b' | undefined }> {
  const { json, headers } = await rpc(api, call('auth', { user, pass }), { ip });
  return { code: json.error ? (json.error.code as number) : 0, upstream: instances.nameOf(headers[UPSTREAM_HEADER]) };
}

test('failures spread over both instances add up to one throttle count', async () => {
  const { a, b } = instances;
  const account = createAccount('postgres');
  const box = createMailbox(account);
  const [apiA, apiB] = [await apiOf(a.url), await apiOf(b.url)];
  const ip = '192.0.2.71';
  // Ten failures for one mailbox from one address is the limit (spec §5): five through each instance.
  for (let i = 0; i < 5; i++) {
    expect((await apiSignIn(apiA, box.email, `wrong-a-${i}-password`, ip)).code).toBe(2);
    expect((await apiSignIn(apiB, box.email, `wrong-b-${i}-password`, ip)).code).toBe(2);
  }
  // Either instance now refuses even the right password: it counts the other's failures too.
  expect((await apiSignIn(apiA, box.email, box.password, ip)).code).toBe(429);
  expect((await apiSignIn(apiB, box.email, box.password, ip)).code).toBe(429);
});

test('100 concurrent wrong sign-ins spread over both instances evaluate at most the limit', async () => {
  const account = createAccount('postgres');
  const box = createMailbox(account);
  const api = await apiOf(instances.nginxUrl);
  const ip = '192.0.2.72';
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => apiSignIn(api, box.email, `wrong-${i}-password`, ip)));

  // Both instances took part (nginx round-robin), and every attempt failed: evaluated or throttled.
  const perInstance = { a: answers.filter((r) => r.upstream === 'a').length, b: answers.filter((r) => r.upstream === 'b').length };
  expect(perInstance.a + perInstance.b).toBe(100);
  expect(perInstance.a).toBeGreaterThanOrEqual(30);
  expect(perInstance.b).toBeGreaterThanOrEqual(30);
  expect(answers.every((r) => r.code === 2 || r.code === 429)).toBe(true);
  const denied = answers.filter((r) => r.code === 2).length;

  // The evidence that at most the limit were evaluated: one "bad_password" audit row per password checked
  // (a throttled attempt is refused before bcrypt and is audited as "throttled"), and one counted attempt
  // row per evaluation.
  const [evaluated] = sqlRows<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM audit_events WHERE mailbox_email = :'email' AND event = 'login_failed' AND detail LIKE '%bad_password%'`, { email: box.email });
  const [counted] = sqlRows<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM sign_in_failures WHERE key LIKE :'key'`, { key: `%|subj|${box.email}|%` });
  expect(evaluated!.n).toBeLessThanOrEqual(10);
  expect(evaluated!.n).toBe(denied);
  expect(counted!.n).toBeLessThanOrEqual(10);
  expect(denied).toBeGreaterThanOrEqual(1);
});

test('the IMAP verification cache on A does not outlive a password change made on B', async () => {
  const { a, b } = instances;
  const account = createAccount('postgres');
  const box = createMailbox(account);
  const admin = await adminApi(b.url, account);
  const portA = Number(new URL(a.url).port);
  const portB = Number(new URL(b.url).port);
  const login = (port: number, password: string) => authHttp(nginxHeaders(box.email, password, '198.51.100.61'), port).then(verdict);

  // Twice on A: the second answer may come from A's verification cache.
  expect((await login(portA, box.password))['auth-status']).toBe('OK');
  expect((await login(portA, box.password))['auth-status']).toBe('OK');

  const newPassword = strongPassword();
  await mailSet(admin, { mail: box.email, password: newPassword });

  expect((await login(portA, box.password))['auth-status']).not.toBe('OK');
  expect((await login(portA, newPassword))['auth-status']).toBe('OK');
  expect((await login(portB, box.password))['auth-status']).not.toBe('OK');

  // nginx's mail proxy may ask through the load balancer (README): both instances answer alike.
  const viaNginx = await Promise.all([0, 1].map(() => authHttp(nginxHeaders(box.email, newPassword, '198.51.100.61'), multiInstance.nginx)));
  expect(viaNginx.map((answer) => verdict(answer)['auth-status'])).toEqual(['OK', 'OK']);
  expect(new Set(viaNginx.map((answer) => instances.nameOf(answer.headers[UPSTREAM_HEADER])))).toEqual(new Set(['a', 'b']));
});

/**
 * Runs `act`, a passkey ceremony (two server actions: the options, then the browser's answer), with the answer
 * sent to the other instance than the one that issued the challenge. nginx alternates request by request, so
 * before the answer goes out: the page's other requests (the router prefetches links at any time) are held
 * back until the answer has been answered, those already under way are waited for, and then nginx's turn is
 * set with requests to /readyz until its last pick was the issuing instance. Returns the instance that
 * answered each of the two.
 */
async function acrossInstances(page: Page, act: () => Promise<void>): Promise<{ options: string | undefined; answer: string | undefined }> {
  const seen: { options?: string; answer?: string } = {};
  const inFlight = new Set<Request>();
  const held = new Set<Request>();
  let actions = 0;
  let optionsSeen: () => void = () => {};
  const optionsAnswered = new Promise<void>((resolve) => (optionsSeen = resolve));
  let release: () => void = () => {};
  const answered = new Promise<void>((resolve) => (release = resolve));
  const isAction = (request: Request) => request.method() === 'POST' && request.headers()['next-action'] !== undefined;
  const onRequest = (request: Request) => void inFlight.add(request);
  const onDone = (request: Request) => void inFlight.delete(request);
  const onResponse = (response: Response) => {
    if (!isAction(response.request())) return;
    const upstream = instances.nameOf(response.headers()[UPSTREAM_HEADER]) ?? 'unknown';
    if (seen.options === undefined) {
      seen.options = upstream;
      optionsSeen();
    } else if (seen.answer === undefined) {
      seen.answer = upstream;
      release();
    }
  };
  const handler = async (route: Route) => {
    const request = route.request();
    if (isAction(request) && ++actions === 2) {
      await optionsAnswered;
      for (const deadline = Date.now() + 10_000; [...inFlight].some((r) => r !== request && !held.has(r)) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 3; i++) {
        const turn = await fetch(`${instances.nginxUrl}/readyz`);
        if (instances.nameOf(turn.headers.get(UPSTREAM_HEADER) ?? undefined) === seen.options) break;
      }
      return route.continue();
    }
    if (seen.options !== undefined && seen.answer === undefined) {
      held.add(request);
      await answered;
      held.delete(request);
    }
    return route.continue();
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  page.on('response', onResponse);
  await page.route('**/*', handler);
  try {
    await act();
  } finally {
    release();
    await page.unroute('**/*', handler);
    page.off('request', onRequest);
    page.off('requestfinished', onDone);
    page.off('requestfailed', onDone);
    page.off('response', onResponse);
  }
  return { options: seen.options, answer: seen.answer };
}

test('a passkey ceremony started on one instance finishes on the other, registration and sign-in (no sticky /admin)', async ({ browser }) => {
  test.setTimeout(180_000);
  const account = createAccount('postgres');
  const admin = createAdmin(account);
  // WebAuthn needs a secure context and a domain as RP ID: localhost (the default relying party), through nginx.
  const context = await browser.newContext({ baseURL: `http://localhost:${multiInstance.nginx}`, extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.81' } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
  await adminSignIn(page, admin);
  await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  await rememberCookies(context);

  await page.goto('/admin/security');
  await page.waitForLoadState('networkidle');
  const add = page.getByRole('button', { name: 'Add a passkey' });
  await expect(add).toBeEnabled();
  await page.getByLabel('Name of the new passkey').fill('Laptop');
  const registration = await acrossInstances(page, async () => {
    await add.click();
    await expect(page).toHaveURL(/\/admin\/security\?notice=passkey-added$/);
  });
  expect(registration.options).toMatch(/^[ab]$/);
  expect(registration.answer).toMatch(/^[ab]$/);
  expect(registration.answer).not.toBe(registration.options);
  expect(sqlRows<{ name: string }>('postgres', `SELECT name FROM admin_passkeys WHERE admin_id = :'id'`, { id: admin.id })).toEqual([{ name: 'Laptop' }]);

  // Password, then the passkey: the challenge issued by one instance is accepted by the other.
  await page.goto('/admin/security');
  await submitAction(page, page.getByRole('button', { name: 'Sign out', exact: true }));
  await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/);
  await adminSignIn(page, admin);
  await expect(page).toHaveURL(/\/admin\/login\/verify/);
  await page.waitForLoadState('networkidle');
  const signInCeremony = await acrossInstances(page, async () => {
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
  });
  expect(signInCeremony.options).toMatch(/^[ab]$/);
  expect(signInCeremony.answer).toMatch(/^[ab]$/);
  expect(signInCeremony.answer).not.toBe(signInCeremony.options);
  const [succeeded] = sqlRows<{ detail: string }>('postgres', `SELECT detail FROM audit_events WHERE account_id = :'account' AND event = 'admin_login_succeeded' ORDER BY id DESC LIMIT 1`, { account: account.id });
  expect(JSON.parse(succeeded!.detail)).toMatchObject({ admin: admin.email, method: 'passkey' });
  // Both challenges were taken: nothing is left behind.
  expect(sqlRows('postgres', `SELECT id FROM webauthn_challenges WHERE admin_id = :'id'`, { id: admin.id })).toHaveLength(0);
  await context.close();
});
