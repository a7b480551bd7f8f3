import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiSessions } from '@/db/schema';
import { getDb } from '@/db';
import { hashApiToken } from '@/lib/session/api-session';
import { CLIENT_ADDRESS_HEADER } from '@/lib/net/internal-headers';
import { handleRpcRequest } from '@/lib/rpc/endpoint';
import { makeAccount, makeMailbox, MAILBOX_PASSWORD } from '@/lib/testing/factories';
import { startReceiver } from '@/lib/testing/webhook-receiver';

vi.hoisted(() => {
  process.env.NOTIFY_ALLOW_NETS = '127.0.0.1';
});

let hook: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  hook = await startReceiver('127.0.0.1');
});
afterAll(() => hook.close());

async function rpc(method: string, params: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: 'unit-gate-token 198.51.100.10' };
  if (token) headers['HPLS-AUTH'] = token;
  const response = await handleRpcRequest(new Request('http://portcullis.test/v1/', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) }));
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
}

describe('notify.dest.* over JSON-RPC', () => {
  it('adds (secret once), lists (no secret), tests and deletes; account level only', async () => {
    const a = await makeAccount();
    const token = (await rpc('auth', { user: a.adminEmail, pass: a.adminPassword })).result as { session: string };
    const added = (await rpc('notify.dest.add', { kind: 'webhook', url: hook.url, events: ['sign_in.refused_burst'], label: 'SIEM' }, token.session)).result as { id: number; secret: string };
    expect(added).toEqual({ id: expect.any(Number), secret: expect.stringMatching(/^whsec_/) });
    const mail = (await rpc('notify.dest.add', { kind: 'email', to: 'soc@example.com', events: ['admin.security_changed'] }, token.session)).result;
    expect(mail).toEqual({ id: expect.any(Number) });
    const list = (await rpc('notify.dest.list', {}, token.session)).result as { id: number }[];
    expect(list).toEqual([
      expect.objectContaining({ id: added.id, kind: 'webhook', url: hook.url, label: 'SIEM', events: ['sign_in.refused_burst'], failures: 0 }),
      expect.objectContaining({ kind: 'email', to: 'soc@example.com' }),
    ]);
    expect(JSON.stringify(list)).not.toContain(added.secret);
    expect((await rpc('notify.dest.test', { id: added.id }, token.session)).result).toEqual({ ok: true });
    expect(hook.received.at(-1)!.headers['x-portcullis-event']).toBe('test');
    expect((await rpc('notify.dest.del', { id: added.id }, token.session)).result).toBe(true);
    expect((await rpc('notify.dest.del', { id: added.id }, token.session)).error).toMatchObject({ code: 404 });
    const box = await makeMailbox(a.domain);
    const user = (await rpc('auth', { user: box.email, pass: MAILBOX_PASSWORD })).result as { session: string };
    expect((await rpc('notify.dest.list', {}, user.session)).error).toMatchObject({ code: 2 });
  });

  it('refuses internal targets with -32602 naming url, and needs a session opened within 5 minutes to add', async () => {
    const a = await makeAccount();
    const { session } = (await rpc('auth', { user: a.adminEmail, pass: a.adminPassword })).result as { session: string };
    const refused = await rpc('notify.dest.add', { kind: 'webhook', url: 'http://127.0.0.2:9/x', events: ['sign_in.new_network'] }, session);
    expect(refused.error).toMatchObject({ code: -32602 });
    expect(refused.error!.message).toContain('url');
    await getDb().update(apiSessions).set({ createdAt: new Date(Date.now() - 6 * 60_000) }).where(eq(apiSessions.tokenHash, hashApiToken(session)));
    const stale = await rpc('notify.dest.add', { kind: 'email', to: 'soc@example.com', events: ['sign_in.new_network'] }, session);
    expect(stale.error).toMatchObject({ code: 2 });
    expect(stale.error!.message).toContain('within the last 5 minutes');
    // Listing needs no fresh proof.
    expect((await rpc('notify.dest.list', {}, session)).result).toEqual([]);
  });

  it('takes a destination\'s language (English by default, a language the API does not know refused), and lists it', async () => {
    const a = await makeAccount();
    const { session } = (await rpc('auth', { user: a.adminEmail, pass: a.adminPassword })).result as { session: string };
    const english = (await rpc('notify.dest.add', { kind: 'email', to: 'en@example.com', events: ['sign_in.new_network'] }, session)).result as { id: number };
    const german = (await rpc('notify.dest.add', { kind: 'email', to: 'de@example.com', events: ['sign_in.new_network'], language: 'de' }, session)).result as { id: number };
    const refused = await rpc('notify.dest.add', { kind: 'email', to: 'fr@example.com', events: ['sign_in.new_network'], language: 'fr' }, session);
    expect(refused.error).toMatchObject({ code: -32602 });
    expect(refused.error!.message).toContain('language');
    expect(((await rpc('notify.dest.list', {}, session)).result as { id: number; language: string }[]).map((d) => [d.id, d.language])).toEqual([
      [english.id, 'en'],
      [german.id, 'de'],
    ]);
  });

  it('attack: a script calling notify.dest.test in a loop (in parallel) gets 5 tests out per destination in 10 minutes, then 429', async () => {
    const a = await makeAccount();
    const { session } = (await rpc('auth', { user: a.adminEmail, pass: a.adminPassword })).result as { session: string };
    const added = (await rpc('notify.dest.add', { kind: 'webhook', url: hook.url, events: ['sign_in.refused_burst'] }, session)).result as { id: number };
    const other = (await rpc('notify.dest.add', { kind: 'webhook', url: `${hook.url}?other`, events: ['sign_in.refused_burst'] }, session)).result as { id: number };
    const before = hook.received.length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => rpc('notify.dest.test', { id: added.id }, session)));
    expect(answers.filter((r) => (r.result as { ok?: boolean } | undefined)?.ok === true)).toHaveLength(5);
    const limited = answers.filter((r) => r.error);
    expect(limited).toHaveLength(15);
    for (const r of limited) {
      expect(r.error).toMatchObject({ code: 429 });
      expect(r.error!.message).toMatch(/^Too many tests for this destination: at most 5 every 10 minutes\. Try again in \d+ minutes\.$/);
    }
    expect(hook.received.length - before).toBe(5);
    // Counted per destination: another one of the account still gets its tests.
    expect((await rpc('notify.dest.test', { id: other.id }, session)).result).toEqual({ ok: true });
  });
});
