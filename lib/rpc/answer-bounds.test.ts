import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { domains, mailboxes, type EntryMeta } from '@/db/schema';
import { getDb } from '@/db';
import { makeAccount } from '@/lib/testing/factories';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { compileAllowlist } from '@/lib/net/allowlist';
import { serveOpsEndpoint } from '@/lib/ops/endpoints';
import { MAX_ANSWER_BYTES } from './bounded-answer';
import { RpcContext } from './context';
import { ANSWER_TOO_LARGE, BATCH_ANSWER_TOO_LARGE, dispatch } from './dispatch';
import { handleRpcRequest, serveRpcRequest } from './endpoint';
import { parseBody } from './envelope';
import { MAIL_LIST_MAX_PAGE_SIZE } from './methods/mail-list';

const IP = '198.51.100.40';
const headersFor = (token?: string): Record<string, string> => ({
  'content-type': 'application/json',
  [CLIENT_ADDRESS_HEADER]: `unit-gate-token ${IP}`,
  ...(token ? { 'HPLS-AUTH': token } : {}),
});

const call = (method: string, params?: unknown, id: number | string | null = 1) => ({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id });

async function post(body: unknown, token?: string) {
  const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers: headersFor(token), body: JSON.stringify(body) }));
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
}

/** An account with `count` mailboxes put straight into the table (the service's password work would only slow this down). */
async function accountWith(count: number, mailbox: (i: number) => { memo?: string; allowNets?: string; allowNetsMeta?: EntryMeta }) {
  const account = await makeAccount();
  const [domain] = await getDb().select({ id: domains.id }).from(domains).where(eq(domains.name, account.domain)).limit(1);
  for (let start = 0; start < count; start += 200) {
    const rows = Array.from({ length: Math.min(200, count - start) }, (_, k) => {
      const i = start + k;
      return { accountId: account.accountId, domainId: domain!.id, email: `box${String(i).padStart(4, '0')}@${account.domain}`, passwordHash: 'unused', ...mailbox(i) };
    });
    await getDb().insert(mailboxes).values(rows);
  }
  const { json } = await post(call('auth', { user: account.adminEmail, pass: account.adminPassword }));
  return { ...account, token: json.result.session as string };
}

const MEMO = (i: number) => `${i}:`.padEnd(2000, 'm');
/** A canonical list of 1,000 single addresses (about 12 KB of text and 65 KB of `allow_nets_entries`). */
const LONG_LIST = Array.from({ length: 1000 }, (_, j) => `10.${j >> 8}.${j & 255}.1`).join(',');

const isRefusal = (r: { error?: { code: number; message: string } }) => r.error?.code === -32600 && r.error.message.includes('batch answer too large');

describe('list methods cap page_size at 500 (spec §23)', () => {
  it('answers a page of 500 and refuses 501 with -32602 naming page_size', async () => {
    const account = await accountWith(501, () => ({}));
    const full = await post(call('mail.list', { domain: account.domain, page_size: MAIL_LIST_MAX_PAGE_SIZE }), account.token);
    expect(full.json.result).toHaveLength(500);
    expect(full.json.result[499].mail).toBe(`box0499@${account.domain}`);
    expect((await post(call('mail.list', { domain: account.domain, page_size: 500, page: 2 }), account.token)).json.result.map((m: { mail: string }) => m.mail)).toEqual([`box0500@${account.domain}`]);
    const over = await post(call('mail.list', { domain: account.domain, page_size: 501 }), account.token);
    expect(over.json.error).toEqual({ code: -32602, message: 'Invalid params: page_size: must be at most 500', data: { field: 'page_size' } });
  });
});

describe('mail.list reads its page in chunks', () => {
  it('answers every mailbox of the page once, in order, across chunk boundaries, with expiry judged now', async () => {
    const past = Date.now() - 60_000;
    const account = await accountWith(130, (i) => (i % 2 ? {} : { allowNets: '10.0.0.1,10.0.0.2', allowNetsMeta: { '10.0.0.1': { expiresAt: past, label: 'old' } } }));
    const { json } = await post(call('mail.list', { domain: account.domain, page_size: 120, page: 1, sort_order: 'desc' }), account.token);
    const expected = Array.from({ length: 130 }, (_, i) => `box${String(129 - i).padStart(4, '0')}@${account.domain}`).slice(0, 120);
    expect(json.result.map((m: { mail: string }) => m.mail)).toEqual(expected);
    // box0128 (even) has an expired and a current entry.
    expect(json.result[1].allow_nets_entries).toEqual([
      { net: '10.0.0.1', label: 'old', expires_at: new Date(past).toISOString(), expired: true },
      { net: '10.0.0.2', label: null, expires_at: null, expired: false },
    ]);
  });
});

describe('a JSON-RPC answer is at most 8 MiB (spec §23)', () => {
  it('answers a batch up to the bound; the call past it and every later one get -32600 without being run', async () => {
    const account = await accountWith(500, (i) => ({ memo: MEMO(i) }));
    const page = call('mail.list', { domain: account.domain, page_size: 500 });
    const batch = [...Array.from({ length: 10 }, (_, i) => ({ ...page, id: `list-${i}` })), call('mail.set', { mail: `box0000@${account.domain}`, memo: 'changed' }, 'set')];
    const { status, bytes, json } = await post(batch, account.token);
    expect(status).toBe(200);
    expect(json).toHaveLength(11);
    expect(bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const answered = json.filter((r: { result?: unknown }) => r.result !== undefined);
    // Every page answered is whole, and one more would not have fitted.
    for (const r of answered) expect(r.result).toHaveLength(500);
    const pageBytes = Buffer.byteLength(JSON.stringify(answered[0]));
    expect(bytes - Buffer.byteLength(JSON.stringify(json.slice(answered.length))) + pageBytes).toBeGreaterThan(MAX_ANSWER_BYTES);
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect(json.slice(answered.length).every(isRefusal)).toBe(true);
    expect(json.at(-1)).toEqual({ jsonrpc: '2.0', error: BATCH_ANSWER_TOO_LARGE.toJSON(), id: 'set' });
    // The refused mail.set was not run.
    const [row] = await getDb().select({ memo: mailboxes.memo }).from(mailboxes).where(eq(mailboxes.email, `box0000@${account.domain}`)).limit(1);
    expect(row!.memo).toBe(MEMO(0));
  });

  it('holds the bound to the byte: an answer of exactly the limit is whole, one byte less refuses the last call', async () => {
    const account = await accountWith(6, (i) => ({ memo: MEMO(i) }));
    const ctx = () => RpcContext.fromHeaders(new Headers(headersFor(account.token)));
    const batch = JSON.stringify([1, 2, 3].map((n) => call('mail.list', { domain: account.domain, page_size: 2, page: n }, n)));
    const whole = (await dispatch(parseBody(batch), ctx()))!;
    const limit = Buffer.byteLength(whole);
    expect(await dispatch(parseBody(batch), ctx(), limit)).toBe(whole);
    const cut = JSON.parse((await dispatch(parseBody(batch), ctx(), limit - 1))!);
    expect(cut.slice(0, 2)).toEqual(JSON.parse(whole).slice(0, 2));
    expect(cut[2]).toEqual({ jsonrpc: '2.0', error: BATCH_ANSWER_TOO_LARGE.toJSON(), id: 3 });
    // A single call: the same bound, with the single call's message.
    const single = JSON.stringify(call('mail.list', { domain: account.domain }, 'one'));
    const answer = (await dispatch(parseBody(single), ctx()))!;
    expect(await dispatch(parseBody(single), ctx(), Buffer.byteLength(answer))).toBe(answer);
    expect(JSON.parse((await dispatch(parseBody(single), ctx(), Buffer.byteLength(answer) - 1))!)).toEqual({ jsonrpc: '2.0', error: ANSWER_TOO_LARGE.toJSON(), id: 'one' });
  });

  it('refuses a single call whose answer alone passes 8 MiB (a page of 1,000-entry lists) with -32600', async () => {
    const account = await accountWith(120, () => ({ allowNets: LONG_LIST }));
    const fits = await post(call('mail.list', { domain: account.domain, page_size: 60 }), account.token);
    expect(fits.json.result).toHaveLength(60);
    expect(fits.json.result[0].allow_nets_entries).toHaveLength(1000);
    const { status, bytes, json } = await post(call('mail.list', { domain: account.domain, page_size: 120 }, 'big'), account.token);
    expect(status).toBe(200);
    expect(bytes).toBeLessThan(1000);
    expect(json).toEqual({ jsonrpc: '2.0', error: ANSWER_TOO_LARGE.toJSON(), id: 'big' });
    expect(json.error.message).toContain('answer too large');
  });
});

describe('the largest allowed requests leave the server responsive (spec §23; issue 18, finding 3)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  /** The fast path as server.ts runs it: /healthz, then the JSON-RPC endpoint on node's request and response. */
  async function startServer(): Promise<number> {
    const ops = { readiness: { check: () => ({ ready: true }) } as never, metricsAllow: compileAllowlist([]), clientAddress: IP };
    server = createServer((req, res) => {
      if (serveOpsEndpoint(req.url ?? '/', req.method, res, ops)) return;
      req.headers[CLIENT_ADDRESS_HEADER] = `unit-gate-token ${IP}`;
      serveRpcRequest(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server!.address() as AddressInfo).port;
  }

  function send(port: number, method: string, path: string, body?: string, token?: string): Promise<{ status: number; bytes: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { 'HPLS-AUTH': token } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, bytes: all.length, text: all.toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Runs `work` while probing /healthz every 25 ms; returns the slowest probe and the largest heap growth seen. */
  async function probed<T>(port: number, work: () => Promise<T>) {
    // The same probe with nothing else running: the baseline the figures printed below compare against.
    let idle = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await send(port, 'GET', '/healthz');
      idle = Math.max(idle, performance.now() - started);
    }
    let slowest = 0;
    let probes = 0;
    let running = true;
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    const probing = (async () => {
      while (running) {
        const started = performance.now();
        expect((await send(port, 'GET', '/healthz')).text).toBe('ok\n');
        slowest = Math.max(slowest, performance.now() - started);
        probes++;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const started = performance.now();
    const result = await work();
    const elapsed = performance.now() - started;
    running = false;
    await probing;
    clearInterval(sampler);
    return { result, slowest, idle, probes, elapsed, heapGrowth: peak - baseline };
  }

  it('two concurrent batches of 1,000 mail.list (page_size 500, 2,000-character memos): bounded answers, /healthz within 1 s, bounded heap', async () => {
    const account = await accountWith(1000, (i) => ({ memo: MEMO(i) }));
    const port = await startServer();
    const batch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => call('mail.list', { domain: account.domain, page_size: 500, page: 1 + (i % 2) }, i)));
    expect(Buffer.byteLength(batch)).toBeGreaterThan(90_000);
    const run = await probed(port, () => Promise.all([send(port, 'POST', '/v1/', batch, account.token), send(port, 'POST', '/v1/', batch, account.token)]));
    for (const answer of run.result) {
      expect(answer.status).toBe(200);
      expect(answer.bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
      const json = JSON.parse(answer.text);
      expect(json).toHaveLength(1000);
      const answered = json.filter((r: { result?: unknown }) => r.result !== undefined).length;
      expect(answered).toBeGreaterThanOrEqual(5);
      expect(json.slice(answered).every(isRefusal)).toBe(true);
    }
    console.info(`two maximal mail.list batches: ${run.elapsed.toFixed(0)} ms, slowest of ${run.probes} /healthz probes ${run.slowest.toFixed(0)} ms (idle ${run.idle.toFixed(1)} ms), heap growth ${(run.heapGrowth / 2 ** 20).toFixed(1)} MiB`);
    expect(run.probes).toBeGreaterThan(0);
    expect(run.slowest).toBeLessThan(1000);
    // No request may hold more than 64 MiB: two of them, and everything the test itself holds, stay under 128 MiB.
    expect(run.heapGrowth).toBeLessThan(128 * 2 ** 20);
  });

  it('100 mail.get of one 1,000-entry list answer at most 8 MiB, with /healthz within 1 s', async () => {
    const account = await accountWith(1, () => ({ allowNets: LONG_LIST }));
    const port = await startServer();
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, i) => call('mail.get', { mail: `box0000@${account.domain}` }, i)));
    const run = await probed(port, () => send(port, 'POST', '/v1/', batch, account.token));
    expect(run.result.bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const json = JSON.parse(run.result.text);
    expect(json).toHaveLength(100);
    const answered = json.filter((r: { result?: unknown }) => r.result !== undefined);
    expect(answered[0].result.allow_nets_effective).toHaveLength(1000);
    expect(json.slice(answered.length).every(isRefusal)).toBe(true);
    console.info(`100 mail.get of a 1,000-entry list: ${answered.length} answered, ${(run.result.bytes / 2 ** 20).toFixed(2)} MiB in ${run.elapsed.toFixed(0)} ms, slowest /healthz ${run.slowest.toFixed(0)} ms (idle ${run.idle.toFixed(1)} ms)`);
    expect(run.slowest).toBeLessThan(1000);
  });
});
