import 'server-only';
import { and, count, eq, gte, isNotNull, sql } from 'drizzle-orm';
import { auditEvents, mailboxes, signInDays } from '@/db/schema';
import { getDb } from '@/db';
import { tenantCondition, type Scope } from '@/lib/scope';
import { jsonField, utcDay } from '@/db/sql';

/**
 * Figures for the admin overview (spec §17), read from the audit trail and the mailbox table, always within
 * the admin's account. Mailbox sign-ins only (web, API and mail protocols); admins' own sign-ins are not
 * part of the picture. Days are UTC, like every time on the admin pages.
 */

const DAY_MS = 86_400_000;

/** One UTC day's sign-ins: allowed, and refused by the reason the audit trail recorded. */
export interface SignInDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  allowed: number;
  refused: Record<string, number>;
}

/** The first millisecond of the UTC day `days - 1` days before `now`'s day: the window ends with today. */
export function windowStart(days: number, now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

/** How many attempts a row stands for: aggregated rows (repeated refusals of one key) carry a count. */
const attempts = sql<number>`sum(${auditEvents.count})`;

/**
 * Sign-ins per day for the last `days` days (today included), oldest first, every day present (zeros
 * included) so that a chart's bars line up with dates. `mailboxId` narrows it to one mailbox of the scope.
 */
export async function signInsPerDay(scope: Scope, options: { days?: number; now?: Date; mailboxId?: number } = {}): Promise<SignInDay[]> {
  const days = options.days ?? 30;
  const now = options.now ?? new Date();
  const start = windowStart(days, now);
  const day = utcDay(auditEvents.at);
  const reason = jsonField(auditEvents.detail, 'reason');
  const rows = await getDb()
    .select({ day, event: auditEvents.event, reason, n: attempts })
    .from(auditEvents)
    .where(
      and(
        tenantCondition(scope, auditEvents.accountId),
        options.mailboxId !== undefined ? eq(auditEvents.mailboxId, options.mailboxId) : undefined,
        // Successes are counted per day in sign_in_days (spec §19: a repeat success has no audit row).
        eq(auditEvents.event, 'login_failed'),
        gte(auditEvents.at, start),
      ),
    )
    .groupBy(day, auditEvents.event, reason);
  const result: SignInDay[] = Array.from({ length: days }, (_, i) => ({ day: new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10), allowed: 0, refused: {} }));
  const byDay = new Map(result.map((d) => [d.day, d]));
  const allowed = await getDb()
    .select({ day: signInDays.day, n: sql<number>`sum(${signInDays.count})`.mapWith(Number) })
    .from(signInDays)
    .where(
      and(
        scope.kind === 'account' ? eq(signInDays.accountId, scope.accountId) : undefined,
        options.mailboxId !== undefined ? eq(signInDays.mailboxId, options.mailboxId) : undefined,
        gte(signInDays.day, result[0]!.day),
      ),
    )
    .groupBy(signInDays.day);
  for (const r of allowed) {
    const entry = byDay.get(r.day);
    if (entry) entry.allowed += r.n;
  }
  for (const r of rows) {
    const entry = byDay.get(r.day);
    if (!entry) continue;
    const n = Number(r.n);
    // eslint-disable-next-line portcullis/no-computed-key-write -- reasons are the sign-in service's own refusal codes (audit detail it writes), never input.
    entry.refused[r.reason ?? 'unknown'] = (entry.refused[r.reason ?? 'unknown'] ?? 0) + n;
  }
  return result;
}

export interface MailboxCounts {
  total: number;
  restricted: number;
  resetPending: number;
  inactive: number;
}

/** How many of the scope's mailboxes are restricted to networks, have a forced change pending, are inactive. */
export async function mailboxCounts(scope: Scope): Promise<MailboxCounts> {
  const where = tenantCondition(scope, mailboxes.accountId);
  const [row] = await getDb()
    .select({
      total: count(),
      restricted: sql<number>`coalesce(sum(CASE WHEN ${mailboxes.allowNets} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
      resetPending: sql<number>`coalesce(sum(${mailboxes.requireResetPassword}), 0)`,
      inactive: sql<number>`coalesce(sum(CASE WHEN ${mailboxes.active} = 0 THEN 1 ELSE 0 END), 0)`,
    })
    .from(mailboxes)
    .where(where).limit(1);
  return { total: row?.total ?? 0, restricted: Number(row?.restricted ?? 0), resetPending: Number(row?.resetPending ?? 0), inactive: Number(row?.inactive ?? 0) };
}

export interface RefusedAddress {
  clientIp: string;
  refused: number;
  /** The reason refused most often from this address. */
  topReason: string;
  lastAt: Date;
}

/** The client addresses refused most often in the last `days` days (sign-ins of the scope's mailboxes). */
export async function mostRefusedAddresses(scope: Scope, options: { days?: number; limit?: number; now?: Date } = {}): Promise<RefusedAddress[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.days ?? 7) * DAY_MS);
  const reason = jsonField(auditEvents.detail, 'reason');
  const rows = await getDb()
    .select({ clientIp: auditEvents.clientIp, reason, n: attempts, lastAt: sql<number>`max(${auditEvents.at})` })
    .from(auditEvents)
    .where(and(tenantCondition(scope, auditEvents.accountId), eq(auditEvents.event, 'login_failed'), isNotNull(auditEvents.clientIp), gte(auditEvents.at, since)))
    .groupBy(auditEvents.clientIp, reason);
  const byAddress = new Map<string, RefusedAddress & { best: number }>();
  for (const r of rows) {
    const n = Number(r.n);
    const entry = byAddress.get(r.clientIp!) ?? { clientIp: r.clientIp!, refused: 0, topReason: r.reason ?? 'unknown', best: 0, lastAt: new Date(0) };
    entry.refused += n;
    if (n > entry.best) {
      entry.best = n;
      entry.topReason = r.reason ?? 'unknown';
    }
    if (Number(r.lastAt) > entry.lastAt.getTime()) entry.lastAt = new Date(Number(r.lastAt));
    byAddress.set(entry.clientIp, entry);
  }
  return [...byAddress.values()]
    .sort((a, b) => b.refused - a.refused || b.lastAt.getTime() - a.lastAt.getTime() || a.clientIp.localeCompare(b.clientIp))
    .slice(0, options.limit ?? 10)
    .map(({ clientIp, refused, topReason, lastAt }) => ({ clientIp, refused, topReason, lastAt }));
}
