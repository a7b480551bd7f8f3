import 'server-only';
import { and, desc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/db';
import { tenantCondition, type Scope } from '@/lib/scope';
import { parseAllowNets } from '@/lib/net/allowlist';
import { getMailbox, getMailboxRef } from './service';
import { draftMatcher, evaluateImpact, IMPACT_WINDOW_DAYS, locksOut, type DraftContext, type ImpactResult, type SignInAddressGroup } from './sign-in-impact';
import { distinctList, jsonField, jsonFlag, latestInGroup } from '@/db/sql';

/** The most distinct addresses the preview loads; beyond that the oldest are left out (and counted). */
export const MAX_IMPACT_ADDRESSES = 500;

/** Refusals that come after the password check: the person knew the password. */
const PASSWORD_PROVEN_REFUSALS = ['network_not_allowed', 'inactive', 'password_change_required', 'app_password_required'];

export interface ImpactSignIns {
  mailbox: string;
  since: Date;
  groups: SignInAddressGroup[];
  /** True when more than MAX_IMPACT_ADDRESSES addresses were seen and the oldest were left out. */
  truncated: boolean;
}

/**
 * The mailbox's sign-ins of the last 30 days (from the audit log: `login_succeeded`, and `login_failed`
 * after a correct password), grouped by client address, newest first. Another account's mailbox is
 * "not found".
 */
export async function impactSignIns(scope: Scope, email: string, now: Date = new Date()): Promise<ImpactSignIns> {
  const mailbox = await getMailboxRef(scope, email);
  const since = new Date(now.getTime() - IMPACT_WINDOW_DAYS * 86_400_000);
  const reason = jsonField(auditEvents.detail, 'reason');
  const lastAt = sql<number>`max(${auditEvents.at})`;
  const rows = await getDb()
    .select({
      address: auditEvents.clientIp,
      attempts: sql<number>`count(*)`,
      succeeded: sql<number>`sum(CASE WHEN ${auditEvents.event} = 'login_succeeded' THEN 1 ELSE 0 END)`.mapWith(Number),
      lastAt,
      // The latest attempt's outcome (the row that holds the max()).
      lastEvent: latestInGroup<string>(auditEvents.event, auditEvents.at),
      lastReason: latestInGroup<string | null>(reason, auditEvents.at),
      protocols: distinctList(auditEvents.protocol),
      wouldRefuse: sql<number>`sum(${jsonFlag(auditEvents.detail, 'wouldRefuse')})`.mapWith(Number),
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.mailboxId, mailbox.id),
        tenantCondition(scope, auditEvents.accountId),
        gte(auditEvents.at, since),
        or(eq(auditEvents.event, 'login_succeeded'), and(eq(auditEvents.event, 'login_failed'), inArray(reason, PASSWORD_PROVEN_REFUSALS))),
      ),
    )
    .groupBy(auditEvents.clientIp)
    .orderBy(desc(lastAt))
    .limit(MAX_IMPACT_ADDRESSES + 1);
  const groups = rows.slice(0, MAX_IMPACT_ADDRESSES).map((r) => ({
    address: r.address,
    attempts: r.attempts,
    succeeded: r.succeeded,
    lastAt: new Date(r.lastAt).toISOString(),
    lastResult: r.lastEvent === 'login_succeeded' ? 'signed_in' : (r.lastReason ?? 'refused'),
    protocols: r.protocols ? r.protocols.split(',').sort() : [],
    wouldRefuse: r.wouldRefuse,
  }));
  return { mailbox: mailbox.email, since, groups, truncated: rows.length > MAX_IMPACT_ADDRESSES };
}

/**
 * The impact preview: which of this mailbox's recent sign-in addresses the draft list would refuse.
 * An invalid draft returns every invalid entry instead.
 */
export async function impactPreview(scope: Scope, email: string, draft: string | null, now: Date = new Date(), context: DraftContext = {}): Promise<ImpactResult & { truncated: boolean }> {
  const { groups, truncated } = await impactSignIns(scope, email, now);
  return { ...evaluateImpact(draft, groups, { now: now.getTime(), ...context }), truncated };
}

/**
 * The impact preview, and whether saving the draft would lock the user out (`locksOut`: every recent address
 * refused, and at least one of them admitted by the list stored now, evaluated with the same sets and time).
 */
export async function lockoutCheck(scope: Scope, email: string, draft: string | null, now: Date = new Date(), context: DraftContext = {}): Promise<{ impact: ImpactResult & { truncated: boolean }; locksOut: boolean }> {
  const [impact, current] = await Promise.all([impactPreview(scope, email, draft, now, context), getMailbox(scope, email)]);
  // The stored list was valid when saved; a set deleted since then admits nobody, as at the gate.
  const stored = parseAllowNets(current.allowNets, { references: 'any' });
  const currentAllows = draftMatcher(stored, { sets: context.sets, meta: current.allowNetsMeta, now: now.getTime() });
  return { impact, locksOut: locksOut(impact, currentAllows) };
}
