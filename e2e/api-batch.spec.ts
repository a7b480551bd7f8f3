import { eq } from 'drizzle-orm';
import { JSONRPCClient, JSONRPCErrorException } from 'json-rpc-2.0';
import { domains, mailboxes } from '../db/schema';
import { servers } from '../playwright.config';
import { authenticate, call, INVALID_SESSION, notify, rpc, sessionOf, setSessionExpiry, SESSION_HEADER } from './support/api';
import { createAccount, createAdmin, createMailbox, dbOf, expect, mailboxRow, test } from './support/fixtures';

test.describe('JSON-RPC API: envelopes, batches, sessions, scoping', () => {
  test('a batch of 500 mail.set with 3 invalid: 497 applied, 3 precise errors, in order', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const domainId = dbOf().select({ id: domains.id }).from(domains).where(eq(domains.name, account.domain)).get()!.id;
    // Straight into the table: the test is about the batch, not about creating 500 mailboxes.
    const boxes = dbOf()
      .insert(mailboxes)
      .values(Array.from({ length: 500 }, (_, i) => ({ accountId: account.id, domainId, email: `bulk${i}@${account.domain}`, passwordHash: 'unused' })))
      .returning({ id: mailboxes.id, email: mailboxes.email })
      .all();
    const invalid = new Map([
      [3, { list: '203.0.113.0/24, 10.0.0.1/33', entries: ['10.0.0.1/33'] }],
      [250, { list: 'abc 300.1.1.1', entries: ['abc', '300.1.1.1'] }],
      [499, { list: '2001:db8::/129', entries: ['2001:db8::/129'] }],
    ]);
    const { token } = await authenticate(request, admin.email, admin.password);
    const batch = boxes.map((box, i) => call('mail.set', { mail: box.email, allow_nets: invalid.get(i)?.list ?? `198.51.100.${i % 256}/32, 2001:db8:${(i + 1).toString(16)}::/64` }, `set-${i}`));
    const { status, json } = await rpc(request, batch, { token });
    expect(status).toBe(200);
    expect(json).toHaveLength(500);
    expect(json.map((r: { id: string }) => r.id)).toEqual(boxes.map((_, i) => `set-${i}`));
    const errors = json.filter((r: { error?: unknown }) => r.error);
    expect(errors.map((r: { id: string }) => r.id), JSON.stringify(errors)).toEqual(['set-3', 'set-250', 'set-499']);
    for (const [i, expected] of invalid) {
      const error = json[i].error;
      expect(error.code).toBe(-32602);
      expect(error.data.field).toBe('allow_nets');
      expect(error.data.errors.map((e: { entry: string }) => e.entry)).toEqual(expected.entries);
    }
    const applied = boxes.filter((box, i) => !invalid.has(i) && mailboxRow(box.id).allowNets === `198.51.100.${i % 256},2001:db8:${(i + 1).toString(16)}::/64`);
    expect(applied).toHaveLength(497);
    for (const i of invalid.keys()) expect(mailboxRow(boxes[i]!.id).allowNets).toBeNull();
  });

  test('notifications get no response; a body of notifications only is HTTP 204', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    const onlyNotifications = await rpc(request, [notify('mail.set', { mail: mailbox.email, memo: 'noted' }), notify('hello.world')], { token });
    expect(onlyNotifications.status).toBe(204);
    expect(onlyNotifications.text).toBe('');
    expect(mailboxRow(mailbox.id).memo).toBe('noted');
    const mixed = await rpc(request, [notify('hello.world'), call('hello.world', undefined, 'answered'), notify('no.such')], { token });
    expect(mixed.json).toEqual([{ jsonrpc: '2.0', result: 'Hello World!', id: 'answered' }]);
  });

  test('malformed JSON, wrong version, bad request objects, non-object params, oversized batch and body', async ({ request }) => {
    const malformed = await rpc(request, '{"jsonrpc": "2.0", "method": "hello.world", "id": 1', { raw: true });
    expect(malformed.status).toBe(200);
    expect(malformed.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    expect((await rpc(request, '', { raw: true })).json.error.code).toBe(-32700);

    expect((await rpc(request, { jsonrpc: '1.0', method: 'hello.world', id: 7 })).json).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'Invalid request: "jsonrpc" must be exactly "2.0"' } });
    expect((await rpc(request, { method: 'hello.world', id: 8 })).json.error.code).toBe(-32600);
    const mixed = await rpc(request, [1, 'x', { jsonrpc: '2.0', method: 'hello.world', id: 9 }]);
    expect(mixed.json.map((r: { error?: { code: number } }) => r.error?.code ?? 'ok')).toEqual([-32600, -32600, 'ok']);
    expect((await rpc(request, [])).json).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request: an empty batch' } });

    for (const params of [['a@b.test'], 'a@b.test', 42, true, null]) {
      expect((await rpc(request, call('hello.world', params))).json.error, JSON.stringify(params)).toEqual({ code: -32602, message: 'Invalid params: "params" must be an object of named parameters', data: { field: 'params' } });
    }

    const tooMany = await rpc(request, Array.from({ length: 1001 }, (_, i) => call('hello.world', undefined, i)));
    expect(tooMany.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(tooMany.json.error.message).toContain('at most 1,000 calls');
    const thousand = await rpc(request, Array.from({ length: 1000 }, (_, i) => call('hello.world', undefined, i)));
    expect(thousand.json).toHaveLength(1000);

    const huge = await rpc(request, call('hello.world', { padding: 'x'.repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(huge.json.error.message).toContain('1 MiB');
  });

  test('sessions expire after 20 minutes without use; each use slides the expiry; deauth ends them', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const { token } = await authenticate(request, admin.email, admin.password);
    const created = sessionOf(token)!;
    expect(created.level).toBe('account');
    expect(created.expiresAt.getTime() - Date.now()).toBeGreaterThan(19 * 60_000);
    expect(created.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(20 * 60_000);

    // Five minutes left: a call extends it to 20 minutes from now.
    setSessionExpiry(token, new Date(Date.now() + 5 * 60_000));
    expect((await rpc(request, call('hello.innerworld'), { token })).json.result).toBe('Hello Inner World!');
    expect(sessionOf(token)!.expiresAt.getTime() - Date.now()).toBeGreaterThan(19 * 60_000);

    // The clock passes the expiry: refused, and the row is gone.
    setSessionExpiry(token, new Date(Date.now() - 1000));
    expect((await rpc(request, call('hello.innerworld'), { token })).json.error).toEqual({ ...INVALID_SESSION, data: { reason: 'expired' } });
    expect(sessionOf(token)).toBeUndefined();

    const second = await authenticate(request, admin.email, admin.password);
    expect((await rpc(request, call('deauth'), { token: second.token })).json).toEqual({ jsonrpc: '2.0', result: true, id: 1 });
    expect(sessionOf(second.token)).toBeUndefined();
    expect((await rpc(request, call('domain.list'), { token: second.token })).json.error).toMatchObject(INVALID_SESSION);
    expect((await rpc(request, call('deauth'), { token: second.token })).json.error).toMatchObject(INVALID_SESSION);
  });

  test('an admin of account A cannot touch account B: 404 for get, set, del, add and list, B unchanged', async ({ request }) => {
    const a = createAccount();
    const b = createAccount();
    const adminA = createAdmin(a);
    const victim = createMailbox(b, { allowNets: '192.0.2.0/24' });
    const before = mailboxRow(victim.id);
    const { token } = await authenticate(request, adminA.email, adminA.password);
    const attacks = [
      call('mail.get', { mail: victim.email }),
      call('mail.set', { mail: victim.email, allow_nets: '', require_reset_password: true, memo: 'pwned', active: false }),
      call('mail.set', { mail: victim.email, password: 'Quartz-Lantern-Harbor-47' }),
      call('mail.del', { mail: victim.email }),
      call('mail.add', { mail: `intruder@${b.domain}`, password: 'Quartz-Lantern-Harbor-47' }),
      call('mail.list', { domain: b.domain }),
    ];
    const answers = (await rpc(request, attacks, { token })).json;
    expect(answers.map((r: { error: { code: number } }) => r.error.code)).toEqual([404, 404, 404, 404, 404, 404]);
    // The same text as for an address that does not exist anywhere.
    expect(answers[0].error.message).toBe(`Mailbox ${victim.email} not found`);
    expect((await rpc(request, call('mail.get', { mail: `ghost@${b.domain}` }), { token })).json.error.message).toBe(`Mailbox ghost@${b.domain} not found`);
    expect(mailboxRow(victim.id)).toEqual(before);
    expect(dbOf().select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.email, `intruder@${b.domain}`)).get()).toBeUndefined();
    expect((await rpc(request, call('domain.list'), { token })).json.result).toEqual([{ domain: a.domain }]);
  });

  test('a published JSON-RPC 2.0 client (json-rpc-2.0 on npm) drives the API', async () => {
    const account = createAccount();
    const admin = createAdmin(account);
    const mailbox = createMailbox(account);
    const url = `http://127.0.0.1:${servers.proxied.port}/v1/`;
    const client: JSONRPCClient<{ token?: string }> = new JSONRPCClient(async (payload, { token }) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.90', ...(token ? { [SESSION_HEADER]: token } : {}) },
        body: JSON.stringify(payload),
        redirect: 'error',
      });
      if (response.status === 200) client.receive(await response.json());
      else if (payload.id !== undefined) throw new Error(`HTTP ${response.status}`);
    });
    expect(await client.request('hello.world', {}, {})).toBe('Hello World!');
    const { session, level } = await client.request('auth', { user: admin.email, pass: admin.password }, {});
    expect(level).toBe('account');
    expect(await client.request('mail.set', { mail: mailbox.email, allow_nets: '2001:DB8::/32', require_reset_password: true }, { token: session })).toBe(true);
    expect(await client.request('mail.get', { mail: mailbox.email }, { token: session })).toMatchObject({ allow_nets: '2001:db8::/32', require_reset_password: true });
    const batch = await client.requestAdvanced([
      { jsonrpc: '2.0', method: 'hello.innerworld', id: 100 },
      { jsonrpc: '2.0', method: 'mail.get', params: { mail: `none@${account.domain}` }, id: 101 },
    ], { token: session });
    expect(batch).toEqual([
      { jsonrpc: '2.0', result: 'Hello Inner World!', id: 100 },
      { jsonrpc: '2.0', error: { code: 404, message: `Mailbox none@${account.domain} not found` }, id: 101 },
    ]);
    const failure = await Promise.resolve(client.request('mail.get', { mail: mailbox.email }, {})).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JSONRPCErrorException);
    expect((failure as JSONRPCErrorException).code).toBe(253);
    expect(await client.request('deauth', {}, { token: session })).toBe(true);
  });

  test('output is bounded: 1,000 mail.list calls answer at most 8 MiB, the rest -32600, /healthz answers meanwhile; page_size 501 is refused', async ({ request }) => {
    const account = createAccount();
    const admin = createAdmin(account);
    const domainId = dbOf().select({ id: domains.id }).from(domains).where(eq(domains.name, account.domain)).get()!.id;
    for (let start = 0; start < 500; start += 100) {
      const rows = Array.from({ length: 100 }, (_, k) => ({ accountId: account.id, domainId, email: `memo${start + k}@${account.domain}`, passwordHash: 'unused', memo: 'm'.repeat(2000) }));
      dbOf().insert(mailboxes).values(rows).run();
    }
    const { token } = await authenticate(request, admin.email, admin.password);
    const tooBig = await rpc(request, call('mail.list', { domain: account.domain, page_size: 501 }), { token });
    expect(tooBig.json.error).toMatchObject({ code: -32602, data: { field: 'page_size' } });
    const batch = Array.from({ length: 1000 }, (_, i) => call('mail.list', { domain: account.domain, page_size: 500 }, i));
    let running = true;
    let slowest = 0;
    const probing = (async () => {
      while (running) {
        const started = Date.now();
        expect((await request.get('/healthz')).status()).toBe(200);
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const { status, text, json } = await rpc(request, batch, { token });
    running = false;
    await probing;
    expect(status).toBe(200);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(json).toHaveLength(1000);
    const answered = json.filter((r: { result?: unknown }) => r.result !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect(answered.every((r: { result: unknown[] }) => r.result.length === 500)).toBe(true);
    for (const r of json.slice(answered.length)) expect(r.error).toMatchObject({ code: -32600, data: { max_bytes: 8 * 1024 * 1024 } });
    expect(json.at(-1).error.message).toContain('batch answer too large');
    expect(slowest).toBeLessThan(1000);
  });
});
