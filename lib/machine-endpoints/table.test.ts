import fs from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowlistFor } from '@/lib/net/allowlist';
import { MACHINE_ENDPOINTS, serveMachineEndpoint } from './table';

process.env.MAIL_AUTH_SECRET = 'unit-mail-auth-secret-0123456789';

let server: Server;
let port = 0;
const passedOn: string[] = [];

beforeAll(async () => {
  // server.ts's dispatch: the table first, everything else to "Next" (recorded here).
  server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const ctx = { readiness: { check: () => ({ ready: true as const }) }, metricsAllow: allowlistFor('127.0.0.1/32'), clientAddress: '127.0.0.1' };
    if (serveMachineEndpoint(pathname, req, res, ctx as never)) return;
    passedOn.push(pathname);
    res.end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function call(method: string, pathname: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: pathname, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the machine endpoints, served by server.ts from one table (spec §23)', () => {
  it('answers auth_http, JSON-RPC, health and metrics itself, on first use, without Next', async () => {
    const auth = await call('GET', '/api/mail-auth', { 'Auth-Method': 'plain', 'Auth-User': 'nobody@x.test', 'Auth-Pass': 'x', 'Auth-Protocol': 'imap', 'Client-IP': '192.0.2.1', 'X-Mail-Auth-Secret': process.env.MAIL_AUTH_SECRET! });
    expect(auth.status).toBe(200);
    expect(auth.headers['auth-status']).toBeDefined();
    for (const p of ['/v1', '/v1/', '/api/v1', '/api/v1/']) {
      const rpc = await call('POST', p, { 'Content-Type': 'application/json' }, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'no.such.method' }));
      expect(rpc.status).toBe(200);
      expect(JSON.parse(rpc.body)).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32601 } });
    }
    expect((await call('GET', '/healthz')).body).toBe('ok\n');
    expect((await call('GET', '/readyz')).body).toBe('ready\n');
    expect((await call('GET', '/metrics')).status).toBe(200);
    expect(passedOn).toEqual([]);
  });

  it('refuses other methods with 405 and Allow, and passes every other path to Next', async () => {
    expect(await call('POST', '/api/mail-auth')).toMatchObject({ status: 405, headers: { allow: 'GET' } });
    expect(await call('GET', '/v1')).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    expect(await call('GET', '/v1/x')).toMatchObject({ status: 200, body: 'next' });
    expect(await call('GET', '/api/mail-auth/')).toMatchObject({ body: 'next' });
    expect(passedOn).toEqual(['/v1/x', '/api/mail-auth/']);
    expect(MACHINE_ENDPOINTS.flatMap((e) => e.paths).sort()).toEqual(['/api/mail-auth', '/api/v1', '/api/v1/', '/healthz', '/metrics', '/readyz', '/v1', '/v1/']);
  });

  it('server.ts sends no request to itself and registers nothing on globalThis; no route file shadows the table', () => {
    const root = path.resolve(__dirname, '../..');
    const serverSource = fs.readFileSync(path.join(root, 'server.ts'), 'utf8');
    expect(serverSource).not.toMatch(/from 'node:http'.*\b(get|request)\b/);
    expect(serverSource).not.toMatch(/globalThis/);
    for (const dir of ['app/api/mail-auth', 'app/v1', 'app/api/v1', 'app/healthz', 'app/readyz', 'app/metrics']) expect(fs.existsSync(path.join(root, dir)), dir).toBe(false);
    for (const file of fs.readdirSync(path.join(root, 'lib/ops'))) {
      if (file.endsWith('.test.ts') || file === 'background.ts') continue;
      expect(fs.readFileSync(path.join(root, 'lib/ops', file), 'utf8'), file).not.toMatch(/globalThis as unknown as \{ portcullis(FastPaths)/);
    }
  });
});
