import { afterEach, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, domains, mailboxes } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD } from '@/lib/testing/factories';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { PassThrough } from 'node:stream';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '@/lib/log';
import { RpcContext } from './context';
import type { RpcMethod } from './method';
import { methodTable } from './method-table';
import { handleRpcRequest, MAX_BODY_BYTES, serveRpcRequest } from './endpoint';

/** Requests as server.ts hands them to Next: the client address in the internal header with the process token. */
async function post(body: string | unknown, options: { token?: string; ip?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: `unit-gate-token ${options.ip ?? '198.51.100.10'}` };
  if (options.token) headers['HPLS-AUTH'] = options.token;
  const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text, json: text ? JSON.parse(text) : undefined };
}

const call = (method: string, params?: unknown, id: number | string | null = 1) => ({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id });

async function authAs(user: string, pass: string, ip?: string): Promise<string> {
  const { json } = await post(call('auth', { user, pass }), { ip });
  if (!json.result) throw new Error(`auth failed: ${JSON.stringify(json)}`);
  return json.result.session;
}

const row = async (id: number) => (await getDb().select({ allowNets: mailboxes.allowNets, memo: mailboxes.memo, reset: mailboxes.requireResetPassword }).from(mailboxes).where(eq(mailboxes.id, id)).limit(1))[0];

describe('JSON-RPC endpoint', () => {
  it('answers a single call and a batch in order, as JSON with HTTP 200', async () => {
    const single = await post(call('hello.world'));
    expect(single).toMatchObject({ status: 200, json: { jsonrpc: '2.0', result: 'Hello World!', id: 1 } });
    expect(single.contentType).toContain('application/json');
    const batch = await post([call('hello.world', undefined, 'a'), call('nope', undefined, 'b'), call('hello.world', {}, 'c')]);
    expect(batch.json.map((r: { id: string }) => r.id)).toEqual(['a', 'b', 'c']);
    expect(batch.json[1].error).toEqual({ code: -32601, message: 'Method not found: "nope"' });
  });

  it('gives notifications no response: HTTP 204 when nothing is left to answer', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    const token = await authAs(account.adminEmail, account.adminPassword);
    const notification = { jsonrpc: '2.0', method: 'mail.set', params: { mail: box.email, memo: 'by notification' } };
    expect(await post(notification, { token })).toMatchObject({ status: 204, text: '' });
    // Executed all the same.
    expect((await row(box.id))?.memo).toBe('by notification');
    expect(await post([{ jsonrpc: '2.0', method: 'hello.world' }, { jsonrpc: '2.0', method: 'nope' }])).toMatchObject({ status: 204, text: '' });
    const mixed = await post([{ jsonrpc: '2.0', method: 'hello.world' }, call('hello.world', undefined, 9)]);
    expect(mixed.json).toEqual([{ jsonrpc: '2.0', result: 'Hello World!', id: 9 }]);
  });

  it('accepts a body that starts with a byte-order mark', async () => {
    expect((await post(`\uFEFF${JSON.stringify(call('hello.world'))}`)).json).toEqual({ jsonrpc: '2.0', result: 'Hello World!', id: 1 });
  });

  it('refuses a body over 1 MiB with HTTP 413 and a JSON-RPC error', async () => {
    const big = JSON.stringify(call('hello.world', { pad: 'x'.repeat(MAX_BODY_BYTES) }));
    const response = await post(big);
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(response.json.error.message).toContain('larger than 1,048,576 bytes (1 MiB)');
  });

  it('answers params that are not an object, unknown params and bad values with -32602 naming the field', async () => {
    for (const params of [[1, 2], 'x', 5, null]) {
      expect((await post(call('hello.world', params))).json.error).toEqual({ code: -32602, message: 'Invalid params: "params" must be an object of named parameters', data: { field: 'params' } });
    }
    const unknown = await post(call('auth', { user: 'a@b.test', pass: 'x', otp: 1, remember: true }));
    expect(unknown.json.error).toMatchObject({ code: -32602, data: { field: 'params', unknown: ['otp', 'remember'], accepted: ['user', 'pass', 'totp'] } });
    expect(unknown.json.error.message).toContain('unknown parameters otp, remember');
    expect((await post(call('auth', { user: 'a@b.test' }))).json.error).toEqual({ code: -32602, message: 'Invalid params: pass: is required', data: { field: 'pass' } });
    expect((await post(call('auth', { user: 42, pass: 'x' }))).json.error).toMatchObject({ code: -32602, data: { field: 'user' } });
  });

  it('requires a valid HPLS-AUTH session for everything but auth and hello.world (253)', async () => {
    for (const method of ['hello.innerworld', 'deauth', 'domain.list', 'mail.get', 'mail.list', 'mail.add', 'mail.set', 'mail.del']) {
      expect((await post(call(method, {}))).json.error).toEqual({ code: 253, message: 'This Auth-ID is invalid', data: { reason: 'missing' } });
      expect((await post(call(method, {}), { token: 'not-a-token' })).json.error).toEqual({ code: 253, message: 'This Auth-ID is invalid', data: { reason: 'unknown' } });
    }
  });

  it('deauth ends the session, also for the rest of the same batch', async () => {
    const account = await makeAccount();
    const token = await authAs(account.adminEmail, account.adminPassword);
    const { json } = await post([call('hello.innerworld', undefined, 1), call('deauth', undefined, 2), call('hello.innerworld', undefined, 3)], { token });
    expect(json).toEqual([
      { jsonrpc: '2.0', result: 'Hello Inner World!', id: 1 },
      { jsonrpc: '2.0', result: true, id: 2 },
      { jsonrpc: '2.0', error: { code: 253, message: 'This Auth-ID is invalid', data: { reason: 'ended' } }, id: 3 },
    ]);
    expect((await post(call('hello.innerworld'), { token })).json.error.code).toBe(253);
  });

  it('runs each call of a batch as its own unit: 3 invalid of 500 change nothing, the other 497 apply', async () => {
    const account = await makeAccount();
    const domainId = (await getDb().select({ id: domains.id }).from(domains).where(eq(domains.name, account.domain)).limit(1))[0]!.id;
    // Straight into the table: 500 trips through the service's password policy would only slow the test down.
    const boxes = await getDb()
      .insert(mailboxes)
      .values(Array.from({ length: 500 }, (_, i) => ({ accountId: account.accountId, domainId, email: `bulk${i}@${account.domain}`, passwordHash: 'unused' })))
      .returning({ id: mailboxes.id, email: mailboxes.email });
    const token = await authAs(account.adminEmail, account.adminPassword);
    const invalid = new Map([[17, '10.0.0.1/33'], [250, '203.0.113.0/24, abc'], [499, '1.2.3']]);
    const batch = boxes.map((box, i) => call('mail.set', { mail: box.email, allow_nets: invalid.get(i) ?? `203.0.113.${i % 250}`, require_reset_password: true }, i));
    const { json } = await post(batch, { token });
    expect(json).toHaveLength(500);
    const failed = json.filter((r: { error?: unknown }) => r.error);
    expect(failed.map((r: { id: number }) => r.id)).toEqual([17, 250, 499]);
    expect(failed[1].error).toMatchObject({ code: -32602, data: { field: 'allow_nets', errors: [{ entry: 'abc', reason: 'not an IP address or network' }] } });
    for (const [i, box] of boxes.entries()) {
      expect(await row(box.id)).toEqual(invalid.has(i) ? { allowNets: null, memo: '', reset: false } : { allowNets: `203.0.113.${i % 250}`, memo: '', reset: true });
    }
  });

  it('scopes an account-level session to its account: another account is 404 and unchanged', async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const victim = await makeMailbox(b.domain, { allowNets: '192.0.2.0/24' });
    const token = await authAs(a.adminEmail, a.adminPassword);
    const attempts = [
      call('mail.get', { mail: victim.email }),
      call('mail.set', { mail: victim.email, allow_nets: '' }),
      call('mail.del', { mail: victim.email }),
      call('mail.add', { mail: `new@${b.domain}`, password: 'Quartz-Lantern-Harbor-47' }),
      call('mail.list', { domain: b.domain }),
    ];
    for (const attempt of attempts) expect((await post(attempt, { token })).json.error.code).toBe(404);
    expect((await row(victim.id))?.allowNets).toBe('192.0.2.0/24');
    expect((await getDb().select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.email, `new@${b.domain}`)).limit(1))[0]).toBeUndefined();
  });

  it('limits a mail-level session to reading its own mailbox', async () => {
    const account = await makeAccount();
    const own = await makeMailbox(account.domain);
    const other = await makeMailbox(account.domain);
    const token = await authAs(own.email, MAILBOX_PASSWORD);
    expect((await post(call('mail.get', { mail: own.email.toUpperCase() }), { token })).json.result).toMatchObject({ mail: own.email, allow_nets: '' });
    const notPermitted = { code: 2, message: 'Not permitted: a mail-level session may only read its own mailbox' };
    expect((await post(call('mail.get', { mail: other.email }), { token })).json.error).toEqual(notPermitted);
    expect((await post(call('mail.get', { mail: `ghost@${account.domain}` }), { token })).json.error).toEqual(notPermitted);
    for (const [method, params] of [
      ['mail.set', { mail: own.email, memo: 'x' }],
      ['mail.del', { mail: own.email }],
      ['mail.add', { mail: `n@${account.domain}`, password: 'Quartz-Lantern-Harbor-47' }],
      ['mail.list', { domain: account.domain }],
      ['domain.list', {}],
    ] as const) {
      const { json } = await post(call(method, params), { token });
      expect(json.error.code).toBe(2);
      expect(json.error.message).toContain(`${method} needs an account-level session`);
    }
    expect((await row(own.id))?.memo).toBe('');
  });

  it('audits changes with actor api, the admin, protocol api and the client address', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    const token = await authAs(account.adminEmail, account.adminPassword);
    await post(call('mail.set', { mail: box.email, allow_nets: '203.0.113.9' }), { token, ip: '2001:db8::77' });
    const [audit] = await getDb()
      .select({ actorKind: auditEvents.actorKind, actorId: auditEvents.actorId, actorEmail: auditEvents.actorEmail, protocol: auditEvents.protocol, clientIp: auditEvents.clientIp, detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.mailboxId, box.id), eq(auditEvents.event, 'allow_nets_changed'))).limit(1);
    expect(audit).toEqual({ actorKind: 'api', actorId: account.adminId, actorEmail: account.adminEmail, protocol: 'api', clientIp: '2001:db8::77', detail: { old: null, new: '203.0.113.9' } });
  });
});

describe('bounded work per request (spec §12)', () => {
  it('runs at most one auth per batch: the others get -32600 and are not evaluated (attack: guesses by the thousand)', async () => {
    const account = await makeAccount();
    const box = await makeMailbox(account.domain);
    const guesses = Array.from({ length: 1000 }, (_, i) => call('auth', { user: box.email, pass: `guess-${i}` }, i));
    const { json } = await post(guesses, { ip: '198.51.100.150' });
    expect(json).toHaveLength(1000);
    expect(json[0].error.code).toBe(2);
    expect(json.slice(1).every((r: { error: { code: number } }) => r.error.code === -32600)).toBe(true);
    expect(json[1].error.message).toContain('at most one auth');
    // Bounded audit volume: the one evaluated guess left one row.
    const rows = await getDb().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.mailboxEmail, box.email), eq(auditEvents.event, 'login_failed')));
    expect(rows).toHaveLength(1);
  });

  it('hashes at most 20 passwords per batch and a bounded number per account per minute (attack: a 1,000-call password batch)', async () => {
    const account = await makeAccount();
    const boxes = await Promise.all(Array.from({ length: 3 }, () => makeMailbox(account.domain)));
    const token = await authAs(account.adminEmail, account.adminPassword, '198.51.100.151');
    const batch = Array.from({ length: 1000 }, (_, i) => call('mail.set', { mail: boxes[i % 3]!.email, password: `Harbor-Lantern-${i}-Quartz`, same_password_allowed: true }, i));
    const { json } = await post(batch, { token, ip: '198.51.100.151' });
    const ok = json.filter((r: { result?: unknown }) => r.result === true);
    expect(ok).toHaveLength(20);
    expect(json.slice(20).every((r: { error: { code: number } }) => r.error.code === -32600)).toBe(true);
    // Three more batches of 20 pass the per-minute budget of 60; the fourth is refused with 429.
    for (let round = 0; round < 2; round++) await post(batch.slice(0, 20), { token, ip: '198.51.100.151' });
    const over = await post(batch.slice(0, 20), { token, ip: '198.51.100.151' });
    expect(over.json.every((r: { error?: { code: number } }) => r.error?.code === 429)).toBe(true);
    expect(over.json[0].error.data).toMatchObject({ retry_after_minutes: 1 });
  });
});

describe('API requests take turns with the rest of the server (spec §12: no request may stall the service)', () => {
  it('answers a burst one request per event-loop turn, so other work runs between them (attack: bursts of refused auth calls)', async () => {
    // The event-loop turn each answer is written in, counted by a chain of setImmediate (one step per turn).
    let turn = 0;
    let counting = true;
    const count = () => {
      turn++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const body = JSON.stringify(call('hello.world'));
    const answered = Array.from({ length: 30 }, () => {
      const req = Object.assign(new PassThrough(), { headers: { 'content-type': 'application/json', 'content-length': String(body.length), [CLIENT_ADDRESS_HEADER]: 'unit-gate-token 198.51.100.160' } });
      return new Promise<{ turn: number; text: string }>((resolve) => {
        const res = { headersSent: false, destroyed: false, writeHead: () => res, end: (text: string) => resolve({ turn, text }) };
        serveRpcRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        req.end(body);
      });
    });
    const answers = await Promise.all(answered);
    counting = false;
    expect(answers.every((a) => JSON.parse(a.text).result === 'Hello World!')).toBe(true);
    // Thirty answers in thirty different turns: nothing of the burst runs back to back.
    expect(new Set(answers.map((a) => a.turn)).size).toBe(30);
  });
});

describe('internal errors are answered -32603 and logged (issue 18: the fast path swallowed them)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  /** POSTs to serveRpcRequest behind a real node server: node destroys a request once its body is read. */
  async function postToFastPath(body: unknown): Promise<{ status: number; json: { error?: unknown; result?: unknown } | unknown[] }> {
    server = createServer((req, res) => {
      req.headers[CLIENT_ADDRESS_HEADER] = 'unit-gate-token 198.51.100.170';
      serveRpcRequest(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', reject);
      req.end(text);
    });
  }

  /** A method whose result the JSON encoder cannot write (a BigInt, as a driver may hand back for a count). */
  function withBrokenMethod(): void {
    const broken: RpcMethod = { access: 'public', paramNames: [], run: () => ({ count: 1n }) };
    const get = methodTable.get.bind(methodTable);
    vi.spyOn(methodTable, 'get').mockImplementation((name) => (name === 'test.broken' ? broken : get(name)));
  }

  it('answers a call whose result cannot be written -32603, logs it, and answers the other calls', async () => {
    withBrokenMethod();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const single = await postToFastPath(call('test.broken', undefined, 'b'));
    expect(single).toEqual({ status: 200, json: { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 'b' } });
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]![0])).toContain('"test.broken" failed');
    await new Promise((resolve) => server!.close(resolve));
    const batch = await postToFastPath([call('hello.world', undefined, 1), call('test.broken', undefined, 2), call('hello.world', undefined, 3)]);
    expect(batch.json).toEqual([
      { jsonrpc: '2.0', result: 'Hello World!', id: 1 },
      { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 2 },
      { jsonrpc: '2.0', result: 'Hello World!', id: 3 },
    ]);
  });

  it('answers a failure outside any call with HTTP 500 and -32603, and logs it (no stack trace on the wire)', async () => {
    vi.spyOn(RpcContext, 'fromHeaders').mockImplementation(() => {
      throw new Error('broken context at /secret/path.ts:12');
    });
    const logged = vi.spyOn(log(), 'error');
    const answer = await postToFastPath(call('hello.world'));
    expect(answer).toEqual({ status: 500, json: { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null } });
    expect(logged).toHaveBeenCalledOnce();
    expect(logged.mock.calls[0]![0]).toMatchObject({ route: 'rpc', err: { message: 'broken context at /secret/path.ts:12' } });
    // The Next.js route answers the same.
    const viaNext = await post(call('hello.world'));
    expect(viaNext).toMatchObject({ status: 500, json: { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null } });
  });
});
