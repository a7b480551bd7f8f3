import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { auditEvents, mailKicks } from '@/db/schema';
import { getDb } from '@/db';
import { updateMailbox } from '@/lib/mailboxes/service';
import { createNetSet, updateNetSet } from '@/lib/netsets/service';
import { makeAccount, makeMailbox, testContext, uniqueTag } from '@/lib/testing/factories';
import { EVERY_BACKEND, mailKickEnabled } from './outbox';
import { deliverDueKicks } from './worker';

// This process is the operator CLI run in an environment without the kick settings: it knows no backend.
vi.hoisted(() => {
  delete process.env.MAIL_KICK_URL;
  delete process.env.MAIL_KICK_API_KEY;
});
const [A, B] = ['http://127.0.0.1:1/doveadm/v1', 'http://127.0.0.1:2/doveadm/v1'];

const rowsOf = (email: string) => getDb().select().from(mailKicks).where(eq(mailKicks.email, email));

/** A stand-in for the doveadm API: records every kick as "backend address". */
function recorder() {
  const sent: string[] = [];
  const send = async (backend: string, _key: string, email: string) => {
    sent.push(`${backend} ${email}`);
    return { ok: true, result: 'ended' } as const;
  };
  return { sent, send };
}

// Spec §18: a change that takes access away ends open mail connections whichever channel made it, also one
// whose process does not know the backends; the servers' workers (which do) deliver it.
describe('a change made by a process without MAIL_KICK_URL', () => {
  it('is delivered by a worker with backends to every backend, once, even with two workers at it', async () => {
    expect(mailKickEnabled()).toBe(false);
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    await updateMailbox(scope, box.email, { requireResetPassword: true }, testContext);
    expect((await rowsOf(box.email)).map((r) => r.backend)).toEqual([EVERY_BACKEND]);

    const { sent, send } = recorder();
    const now = Date.now();
    // Two instances' workers poll at the same moment: each row goes to one of them.
    await Promise.all([deliverDueKicks(now, [A, B], send), deliverDueKicks(now, [A, B], send)]);
    await deliverDueKicks(now + 60_000, [A, B], send);
    expect(sent.filter((s) => s.endsWith(box.email)).sort()).toEqual([`${A} ${box.email}`, `${B} ${box.email}`]);
    expect(await rowsOf(box.email)).toEqual([]);
    const audits = await getDb().select({ detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.mailboxEmail, box.email));
    const ended = audits.filter((r) => r.detail?.result === 'ended');
    expect(ended.map((r) => [r.detail?.backend, r.detail?.reason]).sort()).toEqual([[A, 'forced_change'], [B, 'forced_change']]);
  });

  it('retries only the backend that failed: the healthy one is kicked once', async () => {
    const { domain, scope } = await makeAccount();
    const box = await makeMailbox(domain);
    await updateMailbox(scope, box.email, { active: false }, testContext);
    const sent: string[] = [];
    let now = Date.now();
    const aFails = async (backend: string, _key: string, email: string) => {
      sent.push(`${backend} ${email}`);
      return backend === A ? ({ ok: false, error: 'HTTP 503' } as const) : ({ ok: true, result: 'ended' } as const);
    };
    await deliverDueKicks(now, [A, B], aFails);
    expect((await rowsOf(box.email)).map((r) => [r.backend, r.lastError])).toEqual([[A, 'HTTP 503']]);
    now += 2_000;
    await deliverDueKicks(now, [A, B], async (backend, _key, email) => (sent.push(`${backend} ${email}`), { ok: true, result: 'ended' }));
    // A twice (failed, then delivered), B once.
    expect(sent.filter((s) => s.endsWith(box.email)).sort()).toEqual([`${A} ${box.email}`, `${A} ${box.email}`, `${B} ${box.email}`]);
    expect(await rowsOf(box.email)).toEqual([]);
  });

  it('a network set edit queues the referencing mailboxes, and an instance without backends leaves them pending', async () => {
    const { accountId, domain } = await makeAccount();
    const name = `s${uniqueTag()}`;
    await createNetSet(accountId, { name, allowNets: '192.0.2.0/24,198.51.100.0/24' }, testContext);
    const box = await makeMailbox(domain, { allowNets: `@${name}` });
    await updateNetSet(accountId, name, { allowNets: '192.0.2.0/24' }, testContext);
    expect((await rowsOf(box.email)).map((r) => [r.backend, r.reason])).toEqual([[EVERY_BACKEND, 'set']]);
    const { sent, send } = recorder();
    expect(await deliverDueKicks(Date.now(), [], send)).toBe(0);
    expect(sent).toEqual([]);
    expect(await rowsOf(box.email)).toHaveLength(1);
  });
});
