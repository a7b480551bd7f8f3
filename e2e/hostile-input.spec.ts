import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { APIRequestContext, Browser, BrowserContext, Cookie, Page } from '@playwright/test';
import { accounts, admins, netSets } from '../db/schema';
import { servers } from '../playwright.config';
import { adminSignIn, mailboxPath, netsFieldsHydrated } from './support/admin';
import { authenticate, call, rpc } from './support/api';
import { authHttp, nginxHeaders } from './support/auth-http';
import { clientAt, createAccount, createAdmin, createMailbox, dbOf, expect, signIn, test, type TestAccount, type TestMailbox } from './support/fixtures';
import { codeAt, enrolTotp, enterCode } from './support/two-factor';

/*
 * Spec §23 / issue 18 finding 1: no input key reaches Object.prototype. Every form of every page is sent
 * with extra fields named after prototype keys (added in the browser before submitting, and posted directly
 * as a browser without JavaScript would), every JSON-RPC method gets them in its params, nested params and
 * list entries, and headers carry them. After each, the server must still be whole: /readyz 200 (its
 * canary compares every property of the shared prototypes), a page renders, API and auth_http sign-ins work.
 */

const HOSTILE_FIELDS = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__.label',
  '__proto__[label]',
  'constructor.prototype.label',
  'info.label.__proto__',
  'info.expires.__proto__',
  'info.label.constructor',
  'info.expires.prototype',
];

/** Everything a broken prototype would break, checked from outside (spec §23's "fails loudly"). */
async function expectHealthy(request: APIRequestContext, control: TestMailbox, what: string): Promise<void> {
  const ready = await request.get('/readyz');
  expect(`${what}: ${ready.status()} ${await ready.text()}`).toBe(`${what}: 200 ready\n`);
  expect((await request.get('/login')).status(), what).toBe(200);
  const api = await rpc(request, call('auth', { user: control.email, pass: control.password }));
  expect(api.json.error, `${what}: ${JSON.stringify(api.json)}`).toBeUndefined();
  const mail = await authHttp(nginxHeaders(control.email, control.password, '198.51.100.77'));
  expect(mail.headers['auth-status'], what).toBe('OK');
  expect(await request.get('/metrics').then((r) => r.status()), what).toBe(200);
}

interface FormShot {
  method: string;
  /** The form's fields with the hostile ones, as the browser would send them. */
  fields: [string, string][];
}

/** Adds the hostile fields to form `index` and returns what the form would send. */
async function inject(page: Page, index: number): Promise<FormShot> {
  return page.evaluate(
    ({ index, names }) => {
      const form = document.querySelectorAll('form')[index]!;
      for (const name of names) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = '{"label":"pwned"}';
        form.appendChild(input);
      }
      // Required fields left empty must not stop the post: the server's parsing is what is under test.
      form.noValidate = true;
      const submitter = form.querySelector<HTMLButtonElement>('button:not([type]):not([disabled]), button[type=submit]:not([disabled]), input[type=submit]:not([disabled])');
      const fields = [...new FormData(form, submitter ?? undefined)].filter((e): e is [string, string] => typeof e[1] === 'string');
      return { method: form.method.toLowerCase(), fields };
    },
    { index, names: HOSTILE_FIELDS },
  );
}

/**
 * Submits form `index` and waits for the server's answer to what it sent. A form whose script sends
 * nothing (it needs a passkey, or refuses the input in the browser) has nothing to wait for: a request
 * not begun within 4 s is taken as none, rather than waiting out the 10 s an answer may take.
 */
async function submit(page: Page, index: number): Promise<void> {
  const sent = page.waitForRequest((r) => r.method() === 'POST' || r.isNavigationRequest(), { timeout: 4_000 }).catch(() => null);
  await page.evaluate((index) => {
    const form = document.querySelectorAll('form')[index]!;
    const submitter = form.querySelector<HTMLButtonElement>('button:not([type]):not([disabled]), button[type=submit]:not([disabled]), input[type=submit]:not([disabled])');
    form.requestSubmit(submitter ?? undefined);
  }, index);
  const request = await sent;
  if (request) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([request.response().catch(() => null), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 10_000)))]);
    clearTimeout(timer);
  }
  await page.waitForLoadState('load').catch(() => undefined);
}


/*
 * No trace recording in this file. A context close that is given up on (closeWithin) leaves its API
 * request context registered; Playwright's tracing starts on every registered request context when the
 * next test of the worker begins, and that one throws "Target page, context or browser has been closed",
 * failing an unrelated test in its set-up. The server's health after every attack is what this file
 * asserts; a trace adds nothing to that.
 */
test.use({ trace: 'off' });

/**
 * Closes a browser context, giving up after 20 s. Once (1 of 3 full runs) closing a context after a form
 * of /admin/audit had been posted hung until the test's 5-minute limit, while the server stayed healthy;
 * the browser's own teardown is not what this suite tests, and the server's health is checked right after.
 */
async function closeWithin(context: BrowserContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // A close given up on may still fail later (its API request context torn down with the test): caught
  // here, so that it cannot surface as an unhandled rejection in whichever test runs next in this worker.
  const closing = context.close().catch(() => undefined);
  await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)))]);
  clearTimeout(timer);
}

/**
 * Every form of a page, one at a time, each in a fresh signed-in context (a form may sign out or delete):
 * once through the browser with the hostile fields injected, once posted directly without JavaScript.
 */
async function attackEveryForm(
  browser: Browser,
  request: APIRequestContext,
  control: TestMailbox,
  open: (context: BrowserContext) => Promise<{ page: Page; path: string }>,
): Promise<number> {
  const first = await clientAt(browser, '198.51.100.90');
  const { page: probe, path: probePath } = await open(first);
  const count = await probe.locator('form').count();
  await first.close();
  expect(count, `forms on ${probePath}`).toBeGreaterThan(0);
  for (let index = 0; index < count; index++) {
    for (const channel of ['browser', 'direct'] as const) {
      const context = await clientAt(browser, '198.51.100.90');
      const { page, path } = await open(context);
      const what = `${path} form ${index} (${channel})`;
      const shot = await inject(page, index);
      if (channel === 'browser') {
        await submit(page, index);
      } else if (shot.method === 'get') {
        const query = new URLSearchParams(shot.fields).toString();
        expect((await context.request.get(`${path}?${query}`, { maxRedirects: 0 })).status(), what).toBeLessThan(500);
      } else {
        // Without JavaScript: the same fields, as a multipart form post from this page.
        const multipart = Object.fromEntries(shot.fields);
        const answer = await context.request.post(path, { headers: { Origin: new URL(page.url()).origin }, multipart, maxRedirects: 0 });
        expect(answer.status(), `${what}: ${await answer.text()}`).toBeLessThan(500);
      }
      await closeWithin(context);
      await expectHealthy(request, control, what);
    }
  }
  return count;
}

function controlMailbox(): TestMailbox {
  return createMailbox(createAccount());
}

test.describe('hostile field names in forms', () => {
  test.setTimeout(300_000);

  test('issue 18 finding 1: "Create set" with info.label.__proto__ saves the set and leaves the server healthy', async ({ browser, request }) => {
    const control = controlMailbox();
    const account = createAccount();
    const admin = createAdmin(account);
    for (const channel of ['browser', 'direct'] as const) {
      const context = await clientAt(browser, '198.51.100.91');
      const page = await context.newPage();
      await adminSignIn(page, admin);
      await expect(page).toHaveURL(/\/admin\/mailboxes$/);
      await page.goto('/admin/networks');
      await netsFieldsHydrated(page);
      const name = `office-${channel}`;
      const form = page.getByTestId('new-set');
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Networks').fill('192.0.2.0/24');
      await page.evaluate(() => {
        const target = document.querySelector('[data-testid="new-set"]') as HTMLFormElement;
        for (const [field, value] of [
          ['info.label.__proto__', 'pwned'],
          ['info.expires.__proto__', '2099-01-01T00:00'],
        ]) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = field!;
          input.value = value!;
          target.appendChild(input);
        }
      });
      if (channel === 'browser') {
        await form.getByRole('button', { name: 'Create set' }).click();
        await expect(page.getByRole('status').filter({ hasText: `Created @${name}.` })).toBeVisible();
      } else {
        const fields = await page.evaluate(() => [...new FormData(document.querySelector('[data-testid="new-set"]') as HTMLFormElement)].filter((e) => typeof e[1] === 'string') as [string, string][]);
        expect(fields.map(([k]) => k)).toContain('info.label.__proto__');
        const answer = await context.request.post('/admin/networks', { headers: { Origin: new URL(page.url()).origin }, multipart: Object.fromEntries(fields), maxRedirects: 0 });
        expect(answer.status()).toBeLessThan(400);
      }
      const row = dbOf().select({ allowNets: netSets.allowNets, meta: netSets.allowNetsMeta }).from(netSets).where(and(eq(netSets.accountId, account.id), eq(netSets.name, name))).all();
      expect(row, channel).toEqual([{ allowNets: '192.0.2.0/24', meta: null }]);
      await context.close();
      await expectHealthy(request, control, `Create set (${channel})`);
    }
    // The page renders for a fresh admin sign-in afterwards.
    const context = await clientAt(browser, '198.51.100.92');
    const page = await context.newPage();
    await adminSignIn(page, admin);
    await page.goto('/admin/networks');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await context.close();
  });

  /**
   * Opens `path` as the admin in a fresh context. One sign-in serves the test's contexts while its session
   * lasts (its cookies are carried into each new context): a sign-in through the form costs two page
   * renders, and these tests open a context per form and channel. Whenever the page is not reached with
   * them (a form ended the session, or sent the admin elsewhere), the admin signs in afresh, as before.
   */
  const adminIn = (admin: { email: string; password: string }, path: string | (() => string)) => {
    let cookies: Cookie[] | null = null;
    return async (context: BrowserContext) => {
      const target = typeof path === 'string' ? path : path();
      const page = await context.newPage();
      if (cookies) {
        await context.addCookies(cookies);
        await page.goto(target);
        if (new URL(page.url()).pathname === target) return { page, path: target };
        await context.clearCookies();
      }
      await adminSignIn(page, admin);
      await expect(page).toHaveURL(/\/admin\/mailboxes$/);
      cookies = await context.cookies();
      await page.goto(target);
      return { page, path: target };
    };
  };

  for (const path of ['/admin', '/admin/mailboxes', '/admin/mailboxes/new', '/admin/networks', '/admin/admins', '/admin/security', '/admin/audit']) {
    test(`every form of ${path}`, async ({ browser, request }) => {
      const account = createAccount();
      createMailbox(account, { allowNets: '192.0.2.0/24' });
      await attackEveryForm(browser, request, controlMailbox(), adminIn(createAdmin(account), path));
    });
  }

  test('every form of a mailbox page (the settings form included)', async ({ browser, request }) => {
    const account = createAccount();
    // A mailbox per attack: a form there may deactivate or delete the mailbox.
    await attackEveryForm(browser, request, controlMailbox(), adminIn(createAdmin(account), () => mailboxPath(createMailbox(account, { allowNets: '192.0.2.0/24' }).email)));
  });

  test('admin sign-in page', async ({ browser, request }) => {
    const control = controlMailbox();
    await attackEveryForm(browser, request, control, async (context) => {
      const page = await context.newPage();
      await page.goto('/admin/login');
      return { page, path: '/admin/login' };
    });
  });

  test('admin forced password choice', async ({ browser, request }) => {
    const control = controlMailbox();
    const account = createAccount();
    await attackEveryForm(browser, request, control, async (context) => {
      const admin = createAdmin(account);
      dbOf().update(admins).set({ mustChangePassword: true }).where(eq(admins.id, admin.id)).run();
      const page = await context.newPage();
      await adminSignIn(page, admin);
      await expect(page).toHaveURL(/\/admin\/choose-password$/);
      return { page, path: '/admin/choose-password' };
    });
  });

  test('admin two-factor enrolment required by the account', async ({ browser, request }) => {
    const control = controlMailbox();
    const enrolling = createAccount();
    dbOf().update(accounts).set({ requireTwoFactor: true }).where(eq(accounts.id, enrolling.id)).run();
    await attackEveryForm(browser, request, control, async (context) => {
      const admin = createAdmin(enrolling);
      const page = await context.newPage();
      await adminSignIn(page, admin);
      await expect(page).toHaveURL(/\/admin\/two-factor$/);
      return { page, path: '/admin/two-factor' };
    });
  });

  test('admin two-factor verification step', async ({ browser, request }) => {
    const control = controlMailbox();
    const account = createAccount();
    const withTotp = createAdmin(account);
    const setup = await clientAt(browser, '198.51.100.93');
    const setupPage = await setup.newPage();
    await adminSignIn(setupPage, withTotp);
    await expect(setupPage).toHaveURL(/\/admin\/mailboxes$/);
    await setupPage.goto('/admin/two-factor');
    await expect(setupPage.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
    const { secret } = await enrolTotp(setupPage);
    await setup.close();
    await attackEveryForm(browser, request, control, async (context) => {
      const page = await context.newPage();
      await adminSignIn(page, withTotp);
      await expect(page).toHaveURL(/\/admin\/login\/verify(?:\?|$)/);
      const url = new URL(page.url());
      return { page, path: url.pathname + url.search };
    });
    // Two-factor still works after all that.
    const check = await clientAt(browser, '198.51.100.94');
    const page = await check.newPage();
    await adminSignIn(page, withTotp);
    await enterCode(page, codeAt(secret, 1));
    await expect(page).toHaveURL(/\/admin\/mailboxes$/);
    await check.close();
  });

  test('every mailbox user form: sign-in, inbox, account and the forced change', async ({ browser, request }) => {
    const control = controlMailbox();
    const account = createAccount();
    await attackEveryForm(browser, request, control, async (context) => {
      const page = await context.newPage();
      await page.goto('/login');
      return { page, path: '/login' };
    });
    for (const path of ['/mail', '/account']) {
      await attackEveryForm(browser, request, control, async (context) => {
        const mailbox = createMailbox(account);
        const page = await context.newPage();
        await signIn(page, mailbox.email, mailbox.password);
        await page.goto(path);
        return { page, path };
      });
    }
    await attackEveryForm(browser, request, control, async (context) => {
      const mailbox = createMailbox(account, { requireResetPassword: true });
      const page = await context.newPage();
      await signIn(page, mailbox.email, mailbox.password);
      await expect(page).toHaveURL(/\/change-password$/);
      return { page, path: '/change-password' };
    });
    // A fresh web sign-in still works.
    const mailbox = createMailbox(account);
    const context = await clientAt(browser, '198.51.100.95');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/mail$/);
    await context.close();
  });
});

test.describe('hostile keys in the API and in headers', () => {
  // Every method of the table, methods added later included (the table is server-only: read as text).
  const METHODS = [...fs.readFileSync(path.resolve('lib/rpc/method-table.ts'), 'utf8').matchAll(/^ {2}\['([a-z.]+)', \w+\],$/gm)].map((m) => m[1]!);

  test('the method list is read from the method table', () => {
    expect(METHODS).toEqual(expect.arrayContaining(['auth', 'deauth', 'hello.world', 'mail.set', 'netset.add']));
    expect(METHODS.length).toBeGreaterThanOrEqual(15);
  });

  test('every JSON-RPC method refuses __proto__, constructor and prototype in params, nested params and list entries, naming the key', async ({ request }) => {
    const control = controlMailbox();
    const account: TestAccount = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    const before = await rpc(request, call('mail.get', { mail: mailbox.email }), { token });
    const bodies = (method: string): [string, string, number][] => [
      [`{"jsonrpc":"2.0","method":"${method}","params":{"__proto__":{"label":"pwned"}},"id":1}`, 'params.__proto__', -32602],
      [`{"jsonrpc":"2.0","method":"${method}","params":{"mail":"${mailbox.email}","constructor":{"prototype":{"label":"pwned"}}},"id":2}`, 'params.constructor', -32602],
      [`{"jsonrpc":"2.0","method":"${method}","params":{"mail":"${mailbox.email}","name":"x","allow_nets_entries":[{"net":"192.0.2.1","__proto__":{"label":"pwned"}}]},"id":3}`, 'params.allow_nets_entries[0].__proto__', -32602],
      [`{"jsonrpc":"2.0","method":"${method}","params":{"mail":"${mailbox.email}","allow_nets":{"prototype":{"label":"pwned"}}},"id":4}`, 'params.allow_nets.prototype', -32602],
      [`{"jsonrpc":"2.0","method":"${method}","params":{"mail":"${mailbox.email}"},"__proto__":{"label":"pwned"},"id":5}`, '__proto__', -32600],
    ];
    for (const method of METHODS) {
      for (const [body, field, code] of bodies(method)) {
        const answer = await rpc(request, body, { raw: true, token });
        expect(answer.status, body).toBe(200);
        expect(answer.json.error?.code, body).toBe(code);
        expect(answer.json.error.message, body).toContain(`(at ${field}) is not accepted`);
      }
      // The same in a batch: the other calls are answered normally.
      const batch = await rpc(request, `[${bodies(method)[2]![0]},{"jsonrpc":"2.0","method":"hello.world","id":9}]`, { raw: true, token });
      expect(batch.json.map((r: { id: number }) => r.id)).toEqual([3, 9]);
      expect(batch.json[1].result).toBeDefined();
      await expectHealthy(request, control, method);
    }
    // Nothing was changed by any of them.
    const after = await rpc(request, call('mail.get', { mail: mailbox.email }), { token });
    expect(after.json.result).toEqual(before.json.result);
  });

  test('headers named __proto__, constructor and prototype are inert on pages, the API and auth_http', async ({ request }) => {
    const control = controlMailbox();
    // Object.fromEntries: an object literal's `__proto__:` would set the literal's prototype, not a header.
    const hostile: Record<string, string> = Object.fromEntries([
      ['__proto__', '{"label":"pwned"}'],
      ['constructor', 'pwned'],
      ['prototype', 'pwned'],
    ]);
    for (const path of ['/login', '/admin/login', '/readyz']) {
      const answer = await request.get(path, { headers: hostile });
      expect(answer.status(), path).toBe(200);
    }
    const api = await request.post('/v1/', { headers: { ...hostile, 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.96' }, data: Buffer.from(JSON.stringify(call('auth', { user: control.email, pass: control.password }))) });
    expect((await api.json()).result.session).toBeTruthy();
    const mail = await authHttp({ ...nginxHeaders(control.email, control.password, '198.51.100.97'), ...hostile });
    expect(mail.headers['auth-status']).toBe('OK');
    for (const path of ['/mail?notice=constructor', '/admin/security?notice=__proto__']) expect((await request.get(path, { maxRedirects: 0 })).status(), path).toBeLessThan(500);
    await expectHealthy(request, control, 'headers');
  });

  test('the server never logged a changed prototype during the run', async () => {
    const log = path.join(process.env.PORTCULLIS_E2E_DIR!, 'proxied.log');
    expect(fs.existsSync(log)).toBe(true);
    expect(fs.readFileSync(log, 'utf8')).not.toContain('a shared prototype was changed');
    expect(servers.proxied.port).toBeGreaterThan(0);
  });
});
