import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyMailboxSignIn } from '@/lib/session/sign-in';
import { adminStepSession, makeAccount, makeMailbox, MAILBOX_PASSWORD, testContext } from '@/lib/testing/factories';
import { startReceiver } from '@/lib/testing/webhook-receiver';
import { addDestination } from './destinations';
import type { NotificationBody } from './payload';
import { metricsText } from '@/lib/ops/metrics';
import { jobRunner } from '@/lib/jobs/runner';
import { NOTIFY_JOBS } from './jobs';

vi.hoisted(() => {
  process.env.NOTIFY_ALLOW_NETS = '127.0.0.1';
});

let hook: Awaited<ReturnType<typeof startReceiver>>;
// The alerts' jobs under the server's own runner (lib/jobs/runner.ts), as the server runs them.
const worker = jobRunner({ jobs: NOTIFY_JOBS });
beforeAll(async () => {
  hook = await startReceiver('127.0.0.1');
  worker.start();
});
afterAll(async () => {
  await worker.stop();
  await hook.close();
});

/** Waits for the receiver to get a notification about `mailbox` of `type`; returns it and when it came. */
async function arrival(mailbox: string, type: string, limitMs: number): Promise<{ body: NotificationBody; at: number }> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const hit = hook.received.find((h) => {
      const b = JSON.parse(h.body) as NotificationBody;
      return b.mailbox === mailbox && b.type === type;
    });
    if (hit) return { body: JSON.parse(hit.body) as NotificationBody, at: hit.at };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} for ${mailbox} within ${limitMs} ms`);
}

describe('the notification worker (as the server runs it)', () => {
  it('a refused burst and a sign-in from a new network each arrive within a minute of what caused them', async () => {
    // The worker's first round places the reader at the end of the log: let it run before anything happens.
    await new Promise((r) => setTimeout(r, 1_500));
    const a = await makeAccount();
    await addDestination({ id: a.adminId, email: a.adminEmail, accountId: a.accountId }, { kind: 'webhook', url: hook.url, events: ['sign_in.refused_burst', 'sign_in.new_network'] }, testContext, { web: await adminStepSession(a.adminId) });
    const box = await makeMailbox(a.domain);
    const signedIn = Date.now();
    expect((await verifyMailboxSignIn({ email: box.email, password: MAILBOX_PASSWORD, context: { ...testContext, clientIp: '192.0.2.10' }, allowPendingReset: true })).ok).toBe(true);
    const fresh = await arrival(box.email, 'sign_in.new_network', 60_000);
    expect(fresh.at - signedIn).toBeLessThan(60_000);
    expect(fresh.body.address).toBe('192.0.2.10');
    const refused = Date.now();
    for (let i = 0; i < 10; i++) await verifyMailboxSignIn({ email: box.email, password: 'not-the-password-1', context: { ...testContext, clientIp: '192.0.2.11' }, allowPendingReset: true });
    const burst = await arrival(box.email, 'sign_in.refused_burst', 60_000);
    expect(burst.at - refused).toBeLessThan(60_000);
    // The worker publishes the outbox's size (across instances) for /metrics.
    expect((await metricsText()).body).toMatch(/^portcullis_notifications_pending\{state="all"\} \d+$/m);
  }, 130_000);
});
