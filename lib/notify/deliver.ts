import 'server-only';
import { eq } from 'drizzle-orm';
import { accounts } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { beginAttempt } from '@/lib/auth/throttle';
import { RateLimitedError } from '@/lib/errors';
import { log } from '@/lib/log';
import { countNotification } from '@/lib/ops/metrics';
import { destinationForDelivery } from './destinations';
import { sendEmail, type EmailOutcome } from './email';
import { claimDueDeliveries, DELIVERY_WINDOW_MS, markDestination, notifyRetryDelayMs, removeDelivery, retryDeliveryAt, type ClaimedDelivery } from './outbox';
import type { NotificationBody } from './payload';
import { buildBody } from './payload';
import { postWebhook, WEBHOOK_TIMEOUT_MS, type WebhookOutcome } from './webhook';
import { NotFoundError } from '@/lib/errors';
import { emailText, notifyLocale, testSummary } from './wording';

/** A claimed row is this worker's for this long: well past one try's timeout. */
const CLAIM_LEASE_MS = 6 * WEBHOOK_TIMEOUT_MS;
const BATCH = 20;

const SYSTEM: AuditContext = { actor: { kind: 'system', email: 'notifications' } };

/**
 * "Send a test": at most MAX_TESTS per destination within TEST_WINDOW_MS. A test is sent at once, whatever
 * the rate limit of alerts, so without a bound a loop of them would turn Portcullis into a mail cannon.
 */
export const MAX_TESTS = 5;
export const TEST_WINDOW_MS = 10 * 60_000;

/** The senders, replaceable in tests (the resolver override of the forgery tests goes through `webhook`). */
export interface Senders {
  webhook: (input: { url: string; secret: string; eventType: string; body: string }) => Promise<WebhookOutcome>;
  email: (message: { to: string; subject: string; text: string }) => Promise<EmailOutcome>;
}
const defaultSenders: Senders = { webhook: (input) => postWebhook(input), email: sendEmail };

type Outcome = { ok: true } | { ok: false; error: string; retry: boolean };

/** Sends one row to its destination (or, for a user notice, to the mailbox itself). */
async function send(row: ClaimedDelivery, senders: Senders): Promise<{ kind: 'webhook' | 'email'; outcome: Outcome; destinationId: number | null }> {
  const body = JSON.parse(row.body) as NotificationBody & { language?: unknown };
  if (row.destinationId === null) {
    return { kind: 'email', destinationId: null, outcome: await senders.email({ to: row.toAddress ?? '', ...emailText(body, 'user', notifyLocale(body.language)) }) };
  }
  let destination;
  try {
    destination = await destinationForDelivery(null, row.destinationId);
  } catch (error) {
    if (error instanceof NotFoundError) return { kind: 'email', destinationId: null, outcome: { ok: false, error: 'destination deleted', retry: false } };
    throw error;
  }
  if (destination.kind === 'webhook') {
    // A secret that no longer opens (AUTH_SECRET rotated) cannot sign: nothing is sent, the admin sees why.
    if (!destination.secret) return { kind: 'webhook', destinationId: destination.id, outcome: { ok: false, error: 'the signing secret cannot be read (AUTH_SECRET changed?): add the destination again', retry: false } };
    return { kind: 'webhook', destinationId: destination.id, outcome: await senders.webhook({ url: destination.target, secret: destination.secret, eventType: row.type, body: row.body }) };
  }
  return { kind: 'email', destinationId: destination.id, outcome: await senders.email({ to: destination.target, ...emailText(body, 'admin', destination.language) }) };
}

/**
 * One round of delivery, once across instances (rows are claimed atomically): due rows are sent; a sent row
 * leaves the outbox; a failed one waits (10 s, 30 s, 1 min … at most 1 h) and is given up, audited
 * `notification_given_up`, once it is DELIVERY_WINDOW_MS old. Every retry sends the same body, so the same
 * `id`. Returns how many rows were claimed.
 */
export async function deliverDueNotifications(now = Date.now(), senders: Senders = defaultSenders): Promise<number> {
  const claimed = await claimDueDeliveries(now, CLAIM_LEASE_MS, BATCH);
  await Promise.all(
    claimed.map(async (row) => {
      const { kind, outcome, destinationId } = await send(row, senders);
      const at = Math.max(now, Date.now());
      if (outcome.ok) {
        countNotification(kind, 'sent');
        await removeDelivery(row);
        if (destinationId !== null) await markDestination(destinationId, true, at);
        return;
      }
      countNotification(kind, 'failed');
      if (destinationId !== null) await markDestination(destinationId, false, at, outcome.error);
      const next = at + notifyRetryDelayMs(row.attempts);
      if (outcome.retry && next - row.createdAt.getTime() < DELIVERY_WINDOW_MS) {
        log().warn({ delivery: row.id, type: row.type, error: outcome.error, attempts: row.attempts }, 'a notification could not be delivered; retrying');
        await retryDeliveryAt(row, next, outcome.error);
        return;
      }
      countNotification(kind, 'given_up');
      if (await removeDelivery(row)) {
        await recordAudit(getDb(), SYSTEM, { event: 'notification_given_up', accountId: row.accountId, detail: { id: row.eventId, type: row.type, destination_id: destinationId, attempts: row.attempts, error: outcome.error } });
      }
    }),
  );
  return claimed.length;
}

/**
 * "Send a test": one notification of type `test` to one destination of the admin's account, in its language,
 * sent at once (not queued), so the admin sees the answer. Audited `notify_destination_tested` with the
 * result. At most MAX_TESTS per destination within TEST_WINDOW_MS, counted in the database (so across
 * instances, and by every channel alike) before anything is sent; more throws RateLimitedError.
 */
export async function sendTestNotification(
  admin: { id: number; email: string; accountId: number },
  id: number,
  ctx: AuditContext,
  senders: Senders = defaultSenders,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const destination = await destinationForDelivery(admin.accountId, id);
  // Counted, never un-counted (a budget): a delivered test costs the receiver as much as a failed one.
  const budget = await beginAttempt({ realm: 'notify-test', subject: String(destination.id), address: null, policy: { perSubjectAddress: null, perAddress: null, perSite: null, perSubject: { max: MAX_TESTS, windowMs: TEST_WINDOW_MS }, knownNetworksExempt: false } });
  if (budget.limited) {
    throw new RateLimitedError(`Too many tests for this destination: at most ${MAX_TESTS} every ${TEST_WINDOW_MS / 60_000} minutes. Try again in ${budget.retryAfterMinutes} minutes.`, budget.retryAfterMinutes);
  }
  const [account] = await getDb().select({ name: accounts.name }).from(accounts).where(eq(accounts.id, admin.accountId)).limit(1);
  const body: NotificationBody = {
    ...buildBody({ type: 'test', account: account?.name ?? '', mailbox: null, address: null, summary: testSummary(admin.email)(destination.language), at: new Date(), auditEvent: 'notify_destination_tested' }),
  };
  const text = JSON.stringify(body);
  let outcome: Outcome;
  if (destination.kind === 'webhook') {
    outcome = destination.secret ? await senders.webhook({ url: destination.target, secret: destination.secret, eventType: 'test', body: text }) : { ok: false, error: 'the signing secret cannot be read (AUTH_SECRET changed?): add the destination again', retry: false };
  } else {
    outcome = await senders.email({ to: destination.target, ...emailText(body, 'admin', destination.language) });
  }
  countNotification(destination.kind, outcome.ok ? 'sent' : 'failed');
  await markDestination(destination.id, outcome.ok, Date.now(), outcome.ok ? undefined : outcome.error);
  await recordAudit(getDb(), ctx, { event: 'notify_destination_tested', accountId: admin.accountId, detail: { admin: admin.email, destination_id: destination.id, result: outcome.ok ? 'sent' : 'failed', ...(outcome.ok ? {} : { error: outcome.error }) } });
  return outcome.ok ? { ok: true } : { ok: false, error: outcome.error };
}
