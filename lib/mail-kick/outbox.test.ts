import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { auditEvents, mailKicks } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { makeAccount, uniqueTag } from '@/lib/testing/factories';
import { claimDueKicks, completeKick, endMailConnections, EVERY_BACKEND, expandEveryBackendKicks, pendingKicks, retryKickLater, type KickReason, type KickTarget } from './outbox';
import { deliverKicks } from './worker';

vi.hoisted(() => {
  process.env.MAIL_KICK_URL = 'http://127.0.0.1:1/doveadm/v1, http://127.0.0.1:2/doveadm/v1';
  process.env.MAIL_KICK_API_KEY = 'unit-test-doveadm-key';
});
const [A, B] = ['http://127.0.0.1:1/doveadm/v1', 'http://127.0.0.1:2/doveadm/v1'];
const BOTH = [A, B];

/** Outbox rows of one address. */
const rowsOf = (email: string) => getDb().select().from(mailKicks).where(eq(mailKicks.email, email));
const target = (email: string) => ({ id: null, email, accountId: null });
/** An address no other test uses: rows are claimed across the table, so each test looks at its own only. */
const address = () => `k${uniqueTag()}@outbox.test`;
/** Queues disconnects at `at` and expands them for both backends, as the worker does before it claims. */
async function queue(targets: KickTarget[], reason: KickReason, at: number): Promise<void> {
  await transaction((tx) => endMailConnections(tx, targets, reason, at));
  await expandEveryBackendKicks(at, BOTH, 1000);
}

describe('mail kick outbox', () => {
  it('writes one row per mailbox for every backend, in the caller\'s transaction (a rollback leaves none)', async () => {
    const email = address();
    await transaction((tx) => endMailConnections(tx, [target(email), target(email)], 'password'));
    expect((await rowsOf(email)).map((r) => r.backend)).toEqual([EVERY_BACKEND]);
    const other = address();
    await transaction(async (tx) => {
      await endMailConnections(tx, [target(other)], 'password');
      throw new Error('the change failed');
    }).catch(() => undefined);
    expect(await rowsOf(other)).toEqual([]);
  });

  it('gives each due row to exactly one of many concurrent claimers', async () => {
    const now = Date.now() + 3_600_000;
    const emails = Array.from({ length: 30 }, address);
    await queue(emails.map(target), 'list', now - 1);
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimDueKicks(now, 30_000, 7, BOTH)));
    const ids = claims.flat().filter((k) => emails.includes(k.email)).map((k) => k.id);
    // 60 rows (two backends), each claimed once; whatever the claimers took, no id twice.
    expect(new Set(ids).size).toBe(ids.length);
    const rest = await claimDueKicks(now, 30_000, 1000, BOTH);
    const all = [...ids, ...rest.filter((k) => emails.includes(k.email)).map((k) => k.id)];
    expect(all.length).toBe(60);
    expect(new Set(all).size).toBe(60);
    // Claimed rows are leased: nothing is due again before the lease ends.
    expect((await claimDueKicks(now + 29_000, 30_000, 1000, BOTH)).filter((k) => emails.includes(k.email))).toEqual([]);
  });

  it('hands a row whose claimer died to the next claimer at the lease end; the late claimer can no longer finish it', async () => {
    const email = address();
    const now = Date.now() + 7_200_000;
    await queue([target(email)], 'deactivated', now - 1);
    const first = (await claimDueKicks(now, 30_000, 1000, BOTH)).filter((k) => k.email === email);
    expect(first).toHaveLength(2);
    const second = (await claimDueKicks(now + 30_000, 30_000, 1000, BOTH)).filter((k) => k.email === email);
    expect(second.map((k) => k.id).sort()).toEqual(first.map((k) => k.id).sort());
    expect(second[0]!.attempts).toBe(2);
    expect(await completeKick(first[0]!)).toBe(false);
    expect(await retryKickLater(first[1]!, now, 'late')).toBe(false);
    for (const kick of second) expect(await completeKick(kick)).toBe(true);
    expect(await rowsOf(email)).toEqual([]);
  });

  it('keeps a failed row until its backoff ends, with its error, and counts it as pending and failing', async () => {
    const { accountId } = await makeAccount();
    const email = address();
    const now = Date.now() + 10_800_000;
    await queue([{ id: null, email, accountId }], 'list', now - 1);
    const [kick] = (await claimDueKicks(now, 30_000, 1000, BOTH)).filter((k) => k.email === email && k.backend === A);
    expect(await retryKickLater(kick!, now + 4_000, 'HTTP 503')).toBe(true);
    expect((await claimDueKicks(now + 3_999, 30_000, 1000, BOTH)).some((k) => k.id === kick!.id)).toBe(false);
    expect((await claimDueKicks(now + 4_000, 30_000, 1000, BOTH)).some((k) => k.id === kick!.id)).toBe(true);
    const state = await pendingKicks(accountId);
    expect(state).toMatchObject({ pending: 2, failing: 1, lastError: 'HTTP 503' });
    expect(state.oldestAt?.getTime()).toBe(now - 1);
  });
});

describe('deliverKicks', () => {
  const audits = (email: string) => getDb().select({ detail: auditEvents.detail, count: auditEvents.count, actorKind: auditEvents.actorKind }).from(auditEvents).where(eq(auditEvents.mailboxEmail, email));

  it('sends one kick per backend and address, removes delivered rows and audits each delivery', async () => {
    const email = address();
    const now = Date.now() + 14_400_000;
    await queue([target(email)], 'forced_change', now - 1);
    await queue([target(email)], 'expiry', now - 1);
    const sent: string[] = [];
    const claimed = (await claimDueKicks(now, 30_000, 1000, BOTH)).filter((k) => k.email === email);
    expect(claimed).toHaveLength(4);
    await deliverKicks(claimed, now, async (backend, key, to) => {
      sent.push(`${backend} ${key} ${to}`);
      return { ok: true, result: 'ended' };
    });
    expect(sent.sort()).toEqual([`${A} unit-test-doveadm-key ${email}`, `${B} unit-test-doveadm-key ${email}`]);
    expect(await rowsOf(email)).toEqual([]);
    const rows = await audits(email);
    expect(rows.map((r) => [r.detail?.backend, r.detail?.result, r.actorKind]).sort()).toEqual([[A, 'ended', 'system'], [B, 'ended', 'system']]);
  });

  it('retries a failing backend with backoff, audits its failures in one row, and delivers once it answers', async () => {
    const email = address();
    let now = Date.now() + 18_000_000;
    await queue([target(email)], 'list', now - 1);
    const failing = async (backend: string) => (backend === A ? ({ ok: false, error: 'HTTP 503' } as const) : ({ ok: true, result: 'ended' } as const));
    for (let i = 0; i < 4; i++) {
      const claimed = (await claimDueKicks(now, 30_000, 1000, BOTH)).filter((k) => k.email === email);
      await deliverKicks(claimed, now, failing);
      const [row] = await rowsOf(email);
      expect(row).toMatchObject({ backend: A, attempts: i + 1, lastError: 'HTTP 503', claimToken: null });
      expect(row!.nextAttemptAt.getTime() - now).toBeGreaterThanOrEqual(1000 * 2 ** i);
      now = row!.nextAttemptAt.getTime();
    }
    const failures = (await audits(email)).filter((r) => r.detail?.result === 'failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.count).toBe(4);
    const claimed = (await claimDueKicks(now, 30_000, 1000, BOTH)).filter((k) => k.email === email);
    await deliverKicks(claimed, now, async () => ({ ok: true, result: 'ended' }));
    expect(await rowsOf(email)).toEqual([]);
    expect((await audits(email)).filter((r) => r.detail?.result === 'ended').map((r) => r.detail?.backend).sort()).toEqual([A, B]);
  });

  it('leaves an every-backend row pending on an instance without backends; one with backends expands it into its own', async () => {
    const { accountId } = await makeAccount();
    const email = address();
    const now = Date.now() + 21_600_000;
    await transaction((tx) => endMailConnections(tx, [{ id: null, email, accountId }], 'list', now - 1));
    expect(await expandEveryBackendKicks(now, [], 1000)).toBe(0);
    expect((await claimDueKicks(now, 30_000, 1000, [])).filter((k) => k.email === email)).toEqual([]);
    // Not dropped, and counted as undelivered on the overview and in /metrics.
    expect((await rowsOf(email)).map((r) => r.backend)).toEqual([EVERY_BACKEND]);
    expect(await pendingKicks(accountId)).toMatchObject({ pending: 1, failing: 0 });
    expect((await pendingKicks()).pending).toBeGreaterThanOrEqual(1);
    // Not before it is due.
    await expandEveryBackendKicks(now - 2, BOTH, 1000);
    expect((await rowsOf(email)).map((r) => r.backend)).toEqual([EVERY_BACKEND]);
    await expandEveryBackendKicks(now, BOTH, 1000);
    const rows = await rowsOf(email);
    expect(rows.map((r) => r.backend).sort()).toEqual([A, B]);
    // The change's time and reason carry over (the audit's delay is measured from the change).
    for (const row of rows) expect(row).toMatchObject({ reason: 'list', accountId, attempts: 0, createdAt: new Date(now - 1) });
    expect(await pendingKicks(accountId)).toMatchObject({ pending: 2 });
    // A claimer with other backends, or none, leaves per-backend rows alone.
    expect((await claimDueKicks(now, 30_000, 1000, ['http://127.0.0.1:3/doveadm/v1'])).filter((k) => k.email === email)).toEqual([]);
    expect((await claimDueKicks(now, 30_000, 1000, [B])).filter((k) => k.email === email).map((k) => k.backend)).toEqual([B]);
  });

  it('expands each every-backend row exactly once among concurrent expanders', async () => {
    const now = Date.now() + 25_200_000;
    const emails = Array.from({ length: 40 }, address);
    await transaction((tx) => endMailConnections(tx, emails.map(target), 'list', now - 1));
    const counts = await Promise.all(Array.from({ length: 6 }, () => expandEveryBackendKicks(now, BOTH, 9)));
    while ((await expandEveryBackendKicks(now, BOTH, 9)) > 0);
    const rows = (await getDb().select().from(mailKicks)).filter((r) => emails.includes(r.email));
    // Two rows per mailbox, one per backend: no mailbox expanded twice, none lost.
    expect(rows).toHaveLength(80);
    expect(new Set(rows.map((r) => `${r.email} ${r.backend}`)).size).toBe(80);
    expect(counts.every((n) => n <= 9)).toBe(true);
  });
});
