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
});
