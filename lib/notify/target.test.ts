import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowNets } from '@/lib/net/allowlist';
import { startReceiver } from '@/lib/testing/webhook-receiver';
import { addressAllowed, checkWebhookUrl, TargetRefused, type Resolver, type TargetPolicy } from './target';
import { ANSWER_LIMIT_BYTES, postWebhook, webhookSignature } from './webhook';

const policy = (list: string): TargetPolicy => {
  const parsed = parseAllowNets(list);
  if (!parsed.ok) throw new Error('bad list');
  return { allow: parsed.entries };
};
const NONE = policy('');
const LOOPBACK_ONE = policy('127.0.0.1');
/** A resolver that answers from a table, as /etc/hosts would: no traffic leaves the machine. */
const hosts =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const found = new Map(Object.entries(table)).get(host);
    if (!found) throw new Error('ENOTFOUND');
    return found;
  };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function receiver(host = '127.0.0.1', answer?: Parameters<typeof startReceiver>[1]) {
  const r = await startReceiver(host, answer);
  closers.push(r.close);
  return r;
}
const send = (url: string, p: TargetPolicy, resolve?: Resolver) => postWebhook({ url, secret: 's', eventType: 'test', body: '{"id":"x"}' }, { policy: p, resolve });

describe('webhook targets (no server-side request forgery)', () => {
  it('refuses loopback, private, link-local, multicast, unspecified and IPv4-mapped internal addresses; admits public ones', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '10.0.0.1', '172.16.3.4', '192.168.1.1', '169.254.169.254', '224.0.0.1', '0.0.0.0', '100.64.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '2002:7f00:1::', '64:ff9b::7f00:1', 'not-an-ip'])
      expect([a, addressAllowed(a, NONE)]).toEqual([a, false]);
    for (const a of ['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect([a, addressAllowed(a, NONE)]).toEqual([a, true]);
  });

  it('NOTIFY_ALLOW_NETS=127.0.0.1 admits exactly that address: 127.0.0.2 stays refused', () => {
    expect(addressAllowed('127.0.0.1', LOOPBACK_ONE)).toBe(true);
    expect(addressAllowed('::ffff:127.0.0.1', LOOPBACK_ONE)).toBe(true);
    expect(addressAllowed('127.0.0.2', LOOPBACK_ONE)).toBe(false);
    expect(addressAllowed('10.0.0.1', LOOPBACK_ONE)).toBe(false);
  });

  it('refuses at save: http:// without NOTIFY_ALLOW_NETS, credentials, internal IP literals and hosts that resolve to one', async () => {
    const refused = async (url: string, p: TargetPolicy, resolve?: Resolver) => expect(checkWebhookUrl(url, p, resolve)).rejects.toBeInstanceOf(TargetRefused);
    await refused('http://hooks.example.com/x', NONE, hosts({ 'hooks.example.com': ['93.184.216.34'] }));
    await refused('ftp://hooks.example.com/x', LOOPBACK_ONE);
    await refused('https://user:pw@hooks.example.com/x', NONE, hosts({ 'hooks.example.com': ['93.184.216.34'] }));
    for (const literal of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '[::1]', '[::ffff:127.0.0.1]', '[fe80::1]', '0.0.0.0', '[::ffff:7f00:1]']) await refused(`https://${literal}/x`, NONE);
    await refused('https://internal.example.com/x', NONE, hosts({ 'internal.example.com': ['127.0.0.1'] }));
    // One internal address among public ones is enough to refuse: a resolver may hand out either.
    await refused('https://mixed.example.com/x', NONE, hosts({ 'mixed.example.com': ['93.184.216.34', '10.0.0.5'] }));
    await refused('https://mapped.example.com/x', NONE, hosts({ 'mapped.example.com': ['::ffff:192.168.0.1'] }));
    await refused('https://nowhere.example.com/x', NONE, hosts({}));
    await refused('http://127.0.0.2:8080/x', LOOPBACK_ONE);
    await expect(checkWebhookUrl('https://hooks.example.com/x', NONE, hosts({ 'hooks.example.com': ['93.184.216.34'] }))).resolves.toMatchObject({ host: 'hooks.example.com' });
    await expect(checkWebhookUrl('http://127.0.0.1:8080/x', LOOPBACK_ONE)).resolves.toMatchObject({ host: '127.0.0.1' });
  });

  it('delivers to the admitted loopback receiver, signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
    const r = await receiver();
    const outcome = await postWebhook({ url: r.url, secret: 'whsec_test', eventType: 'sign_in.new_network', body: '{"id":"e1"}' }, { policy: LOOPBACK_ONE });
    expect(outcome).toEqual({ ok: true, status: 200 });
    const [hook] = r.received;
    const timestamp = String(hook!.headers['x-portcullis-timestamp']);
    const expected = `sha256=${crypto.createHmac('sha256', 'whsec_test').update(`${timestamp}.${hook!.body}`).digest('hex')}`;
    expect(hook!.headers['x-portcullis-signature']).toBe(expected);
    expect(webhookSignature('whsec_test', timestamp, hook!.body)).toBe(expected);
    expect(hook!.headers['x-portcullis-event']).toBe('sign_in.new_network');
    expect(hook!.body).toBe('{"id":"e1"}');
  });

  it('checks again at delivery: without NOTIFY_ALLOW_NETS the loopback receiver gets nothing; 127.0.0.2 is refused even with 127.0.0.1 admitted', async () => {
    const one = await receiver('127.0.0.1');
    expect(await send(one.url.replace('http:', 'https:'), NONE)).toMatchObject({ ok: false, retry: false });
    const two = await receiver('127.0.0.2');
    expect(await send(two.url, LOOPBACK_ONE)).toMatchObject({ ok: false });
    expect(one.received).toEqual([]);
    expect(two.received).toEqual([]);
  });

  it('DNS rebinding: a host that resolved to a public address at save and to an internal one at delivery is not connected to', async () => {
    const inside = await receiver('127.0.0.2');
    const url = `http://rebind.example.com:${inside.port}/hook`;
    const policyWithHttp = LOOPBACK_ONE; // http:// allowed, 127.0.0.2 not admitted
    await expect(checkWebhookUrl(url, policyWithHttp, hosts({ 'rebind.example.com': ['93.184.216.34'] }))).resolves.toBeTruthy();
    const outcome = await send(url, policyWithHttp, hosts({ 'rebind.example.com': ['127.0.0.2'] }));
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.ok === false && outcome.error).toContain('127.0.0.2');
    expect(inside.received).toEqual([]);
  });

  it('a host resolving to the admitted loopback address is delivered to (the lookup is the checked one)', async () => {
    const r = await receiver('127.0.0.1');
    expect(await send(`http://hooks.example.com:${r.port}/hook`, LOOPBACK_ONE, hosts({ 'hooks.example.com': ['127.0.0.1'] }))).toMatchObject({ ok: true });
    expect(r.received).toHaveLength(1);
  });

  it('does not follow a redirect to an internal address (a 3xx is a failed delivery)', async () => {
    const inside = await receiver('127.0.0.2');
    const redirector = await receiver('127.0.0.1', (_n, response) => {
      response.writeHead(307, { location: inside.url }).end();
      return 'handled';
    });
    const outcome = await send(redirector.url, LOOPBACK_ONE);
    expect(outcome).toMatchObject({ ok: false, retry: true });
    expect(outcome.ok === false && outcome.error).toContain('redirect');
    expect(redirector.received).toHaveLength(1);
    expect(inside.received).toEqual([]);
  });

  it('reads at most 1 KB of the answer: a receiver streaming a large body does not hold the delivery', async () => {
    let written = 0;
    const r = await receiver('127.0.0.1', (_n, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      // Streams without end until the client goes away.
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('close', () => undefined);
      pump();
      return 'handled';
    });
    const started = Date.now();
    expect(await send(r.url, LOOPBACK_ONE)).toEqual({ ok: true, status: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ANSWER_LIMIT_BYTES).toBe(1024);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up after 5 s when the receiver does not answer', async () => {
    const r = await receiver('127.0.0.1', () => 'handled');
    const started = Date.now();
    const outcome = await send(r.url, LOOPBACK_ONE);
    const took = Date.now() - started;
    expect(outcome).toMatchObject({ ok: false, retry: true });
    expect(took).toBeGreaterThanOrEqual(4_900);
    expect(took).toBeLessThan(7_000);
  }, 10_000);
});
