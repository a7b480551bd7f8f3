import 'server-only';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';

/** The audit event of a monitor-mode mailbox whose list would have refused a sign-in or request (spec §15). */
export const WOULD_REFUSE_EVENT = 'would_refuse';

/*
 * Requests of a session in monitor mode are audited once per session and address, not once per request
 * (a page load is dozens of requests). What is remembered: only that the row for (mailbox, session,
 * address) was written. Forgetting (eviction, a restart, another instance) only means one more row for
 * the same pair, never a missed one, so the set needs no invalidation; it is bounded so that it cannot grow
 * without limit.
 */
const MAX_REMEMBERED = 20_000;
const globalForSeen = globalThis as unknown as { portcullisWouldRefuseSeen?: Set<string> };

function seenSet(): Set<string> {
  globalForSeen.portcullisWouldRefuseSeen ??= new Set();
  return globalForSeen.portcullisWouldRefuseSeen;
}

/** Audits a request of a session that the list would have refused, once per session and address. */
export function recordWouldRefuseRequest(
  ctx: AuditContext & { clientIp: string | null },
  mailbox: { id: number; email: string; accountId: number },
  sessionKey: string,
): Promise<void> {
  const seen = seenSet();
  const key = `${mailbox.id}\u0000${sessionKey}\u0000${ctx.clientIp ?? ''}`;
  if (seen.has(key)) return Promise.resolve();
  if (seen.size >= MAX_REMEMBERED) seen.delete(seen.values().next().value!);
  seen.add(key);
  return recordAudit(getDb(), ctx, {
    event: WOULD_REFUSE_EVENT,
    accountId: mailbox.accountId,
    mailboxId: mailbox.id,
    mailboxEmail: mailbox.email,
    detail: { reason: 'network_not_allowed', kind: 'request' },
  });
}
