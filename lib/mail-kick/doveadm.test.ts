import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kickOnBackend } from './doveadm';

// A stand-in for Dovecot's doveadm HTTP API that answers what the test sets and records what it received.
let server: Server;
let url: string;
let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: '[["doveadmResponse",[],"portcullis"]]' };
const received: { auth: string | undefined; body: string }[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ auth: req.headers.authorization, body });
      setTimeout(() => {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.body);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/doveadm/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('kickOnBackend', () => {
  it('sends doveadm kick with the address as mask and the key as X-Dovecot-API', async () => {
    answer = { status: 200, body: '[["doveadmResponse",[],"portcullis"]]' };
    expect(await kickOnBackend(url, 'the-api-key', 'carol@example.com')).toEqual({ ok: true, result: 'ended' });
    const last = received.at(-1)!;
    expect(last.auth).toBe(`X-Dovecot-API ${Buffer.from('the-api-key').toString('base64')}`);
    expect(JSON.parse(last.body)).toEqual([['kick', { mask: ['carol@example.com'] }, 'portcullis']]);
  });

  it('reads exit code 68 (no connection matched) as success with nothing open', async () => {
    answer = { status: 200, body: '[["error",{"type":"exitCode", "exitCode":68},"portcullis"]]' };
    expect(await kickOnBackend(url, 'k', 'carol@example.com')).toEqual({ ok: true, result: 'none_open' });
  });

  it('reports other errors, statuses, bodies, timeouts and refused connections as failures without the key', async () => {
    answer = { status: 200, body: '[["error",{"type":"exitCode", "exitCode":75},"portcullis"]]' };
    expect(await kickOnBackend(url, 'k', 'carol@example.com')).toEqual({ ok: false, error: 'doveadm error exitCode (exit 75)' });
    answer = { status: 503, body: '' };
    expect(await kickOnBackend(url, 'secret-key', 'carol@example.com')).toEqual({ ok: false, error: 'HTTP 503' });
    answer = { status: 401, body: '' };
    expect(await kickOnBackend(url, 'k', 'carol@example.com')).toEqual({ ok: false, error: 'HTTP 401' });
    answer = { status: 200, body: '<html>' };
    expect(await kickOnBackend(url, 'k', 'carol@example.com')).toEqual({ ok: false, error: 'answer is not JSON' });
    answer = { status: 200, body: '[]' };
    expect(await kickOnBackend(url, 'k', 'carol@example.com')).toEqual({ ok: false, error: 'unexpected answer' });
    answer = { status: 200, body: '[["doveadmResponse",[],"portcullis"]]', delayMs: 500 };
    expect(await kickOnBackend(url, 'k', 'carol@example.com', 100)).toEqual({ ok: false, error: 'no answer' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await kickOnBackend(`http://127.0.0.1:${port}/doveadm/v1`, 'k', 'carol@example.com');
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toMatch(/unreachable/);
  });

  it('never sends a mask with a wildcard (it would reach other mailboxes)', async () => {
    const before = received.length;
    expect(await kickOnBackend(url, 'k', '*@example.com')).toEqual({ ok: false, error: 'address holds a wildcard' });
    expect(received.length).toBe(before);
  });
});
