import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccount, createMailbox, expect, test } from './support/fixtures';
import { servers } from '../playwright.config';

const base = `http://127.0.0.1:${servers.proxied.port}`;

test.describe('security headers on HTML responses', () => {
  for (const path of ['/login', '/admin/login', '/mail', '/no-such-page']) {
    test(`${path} carries a nonce CSP with frame-ancestors 'none', nosniff and a same-origin referrer policy (no HSTS over HTTP)`, async ({ request }) => {
      const response = await request.get(`${base}${path}`, { maxRedirects: 0 });
      const headers = response.headers();
      expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[\w+/=]+' 'strict-dynamic'/);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('same-origin');
      expect(headers['strict-transport-security']).toBeUndefined();
    });
  }

  test('every response gets a fresh nonce, and the page scripts carry it', async ({ request }) => {
    const first = await request.get(`${base}/login`);
    const second = await request.get(`${base}/login`);
    const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];
    const nonce = nonceOf(first.headers()['content-security-policy']);
    expect(nonce).toBeTruthy();
    expect(nonceOf(second.headers()['content-security-policy'])).not.toBe(nonce);
    const html = await first.text();
    expect(html).toContain(`nonce="${nonce}"`);
  });

  test('HSTS is sent when the client connects over HTTPS (via the trusted proxy)', async ({ request }) => {
    const response = await request.get(`${base}/login`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(response.headers()['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  test('the sign-in page works with JavaScript on under the CSP (the violation listener fails the test otherwise)', async ({ page }) => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    await page.goto('/login');
    await page.getByLabel('Email address').fill(mailbox.email);
    await page.getByLabel('Password', { exact: true }).fill(mailbox.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/mail$/);
  });
});

/** A server the app must never call, whatever Host header a client sends. */
async function trapServer(): Promise<{ port: number; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('trap');
  });
  await new Promise<void>((resolve) => server.listen(servers.proxied.port + 50, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function post(path: string, host: string, body: Buffer, contentType: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      // The Origin a browser at that Host would send: a post without one is refused before the app runs (lib/net/same-origin.ts).
      { host: '127.0.0.1', port: servers.proxied.port, path, method: 'POST', headers: { host, origin: `http://${host}`, 'content-type': contentType, 'content-length': body.length, 'x-forwarded-for': '198.51.100.241' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a sign-in naming another server in its Host header makes the app call nothing, and no internal header leaks', async ({ request }) => {
  const trap = await trapServer();
  try {
    const account = createAccount();
    const mailbox = createMailbox(account);
    // The no-JavaScript form: its hidden fields name the server action.
    const html = await (await request.get(`${base}/login`)).text();
    const form = new FormData();
    // Attribute values as the browser reads them (the action's bound state is JSON: quotes arrive as &quot;).
    const unescape = (v: string) => v.replaceAll('&quot;', '"').replaceAll('&#x27;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)) form.append(unescape(match[1]!), unescape(match[2] ?? ''));
    form.append('email', mailbox.email);
    form.append('password', mailbox.password);
    const encoded = new Response(form);
    const answer = await post('/login', `127.0.0.1:${trap.port}`, Buffer.from(await encoded.arrayBuffer()), encoded.headers.get('content-type')!);
    expect(answer.status).toBeLessThan(500);
    // The sign-in went through: a session cookie was set.
    expect(String(answer.headers['set-cookie'])).toContain('next-auth.session-token=');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(trap.hits).toEqual([]);
    const everything = JSON.stringify(answer.headers) + answer.text;
    expect(everything).not.toMatch(/x-portcullis|x-middleware-request/i);
    // The internal header's value is "<per-process token> <client address>".
    expect(everything).not.toMatch(/[\w-]{32} 198\.51\.100\.241/);
  } finally {
    await trap.close();
  }
});
