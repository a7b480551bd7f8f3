import net from 'node:net';
import { call, rpc } from './support/api';
import { accountWithAdmin } from './support/admin';
import { createMailbox, expect, test } from './support/fixtures';
import { startOwnServer } from './support/server-process';
import { servers } from '../playwright.config';

/** The value of one sample line of the Prometheus text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inner.split(',');
    if (wanted.every((w) => parts.includes(w)) && parts.length === wanted.length) return Number(line.slice(line.indexOf('}') + 1));
  }
  return 0;
}

test.describe('health and readiness', () => {
  test('/healthz says ok and /readyz is ready while the database answers', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);
    expect((await health.text()).trim()).toBe('ok');
    const ready = await request.get('/readyz');
    expect(ready.status()).toBe(200);
    expect(ready.headers()['x-request-id']).toBeTruthy();
  });
});

test.describe('/metrics', () => {
  test('is served to the allowed addresses only, decided through TRUSTED_PROXIES like any client address', async ({ request }) => {
    const local = await request.get('/metrics');
    expect(local.status()).toBe(200);
    expect(local.headers()['content-type']).toContain('text/plain');
    const text = await local.text();
    for (const name of ['portcullis_sign_ins_total', 'portcullis_sessions_ended_total', 'portcullis_http_request_duration_seconds', 'portcullis_bcrypt_queue_length', 'portcullis_bcrypt_duration_seconds', 'process_cpu_seconds_total']) {
      expect(text, name).toContain(`# TYPE ${name}`);
    }
    // The trusted proxy (127.0.0.1) reports a remote client: refused, as if there were no such page.
    const remote = await request.get('/metrics', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(remote.status()).toBe(404);
    expect(await remote.text()).not.toContain('portcullis_');
    // A client cannot claim to be local: only the trusted hops at the right end are skipped.
    const spoofed = await request.get('/metrics', { headers: { 'X-Forwarded-For': '127.0.0.1, 203.0.113.9' } });
    expect(spoofed.status()).toBe(404);
  });

  test('counts sign-ins by protocol, result and reason, never by address or mailbox', async ({ request }) => {
    const { account, admin } = accountWithAdmin();
    const mailbox = createMailbox(account);
    const read = async () => (await request.get('/metrics')).text();
    const allowed = { subject: 'mailbox', protocol: 'api', result: 'allowed', reason: 'none' };
    const refused = { subject: 'mailbox', protocol: 'api', result: 'refused', reason: 'bad_password' };
    const before = await read();
    const ok = await rpc(request, call('auth', { user: mailbox.email, pass: mailbox.password }), { ip: '198.51.100.71' });
    expect(ok.json.result.session).toBeTruthy();
    const bad = await rpc(request, call('auth', { user: mailbox.email, pass: 'Wrong-Password-123456' }), { ip: '198.51.100.71' });
    expect(bad.json.error.code).toBe(2);
    const after = await read();
    expect(sample(after, 'portcullis_sign_ins_total', allowed)).toBeGreaterThanOrEqual(sample(before, 'portcullis_sign_ins_total', allowed) + 1);
    expect(sample(after, 'portcullis_sign_ins_total', refused)).toBeGreaterThanOrEqual(sample(before, 'portcullis_sign_ins_total', refused) + 1);
    const rpcRequests = { route: 'rpc', method: 'POST', status: '2xx' };
    expect(sample(after, 'portcullis_http_request_duration_seconds_count', rpcRequests)).toBeGreaterThan(sample(before, 'portcullis_http_request_duration_seconds_count', rpcRequests));
    expect(after).not.toContain(mailbox.email);
    expect(after).not.toContain('198.51.100.71');
    expect(after).not.toContain(admin.email);
  });
});

/** Opens a connection and sends `text`; collects what comes back. */
function rawConnection(port: number, text: string) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (received += d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(text);
      resolve();
    });
    socket.once('error', reject);
  });
  return { socket, opened, closed, received: () => received };
}

test('SIGTERM: readiness turns 503, new connections are refused, the request in flight completes, the process exits cleanly', async () => {
  test.setTimeout(120_000);
  const port = servers.direct.port + 21;
  const server = await startOwnServer(port);
  try {
    // A slow client: the request's headers are in, half of its body is not.
    const body = JSON.stringify(call('hello.world'));
    const slow = rawConnection(port, `POST /v1/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await slow.opened;
    // A keep-alive client that has started its next request (so the connection is not idle) asks for readiness.
    const probe = rawConnection(port, 'GET /readyz HTTP/1.1\r\nHost: localhost\r\n');
    await probe.opened;
    await new Promise((r) => setTimeout(r, 500));

    server.signal('SIGTERM');
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('SIGTERM: not ready');

    // New connections are refused.
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    // The open connection gets an answer: not ready, and the connection is closed after it.
    probe.socket.write('\r\n');
    await probe.closed;
    expect(probe.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(probe.received()).toContain('shutting_down');
    expect(probe.received().toLowerCase()).toContain('connection: close');

    // The request in flight completes normally.
    slow.socket.write(body.slice(10));
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(slow.received()).toContain('"result":"Hello World!"');

    expect(await server.exited()).toBe(0);
    expect(server.output()).toContain('drained; database closed; exiting');
  } finally {
    server.kill();
  }
});
