import 'server-only';
import { and, desc, eq, gte, inArray, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { auditEvents, signInSummaries } from '@/db/schema';
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

/** One address's part of a group, from one source (summaries or audit). */
interface Part {
  address: string | null;
  n: number;
  lastAt: number;
  protocols: string[];
  /** Audit part: the latest row's event and reason, and the successes monitor mode let through. */
  lastEvent?: string;
  reason?: string | null;
  wouldRefuse?: number;
}

/**
 * `column IN (addresses)`, with the unknown address (null) matched as the column stores it: NULL in the
 * audit trail, '' in the summaries.
 */
function addressIn(column: AnyColumn, addresses: readonly (string | null)[], unknownAs: 'null' | 'empty'): SQL | undefined {
  const known = addresses.filter((a): a is string => a !== null);
  const withUnknown = addresses.includes(null);
  if (unknownAs === 'empty' && withUnknown) known.push('');
  const parts = [known.length ? inArray(column, known) : undefined, withUnknown && unknownAs === 'null' ? isNull(column) : undefined].filter((c): c is SQL => c !== undefined);
  return parts.length === 0 ? sql`1 = 0` : or(...parts);
}

/**
 * The mailbox's sign-ins of the last 30 days, grouped by client address, newest first. Successes come from
 * the sign-in summaries (spec §19: a repeat success has no audit row of its own, so the audit trail would
 * count one per address and day and date an address by its last audit row, up to a day early): a summary
 * last seen in the window counts with its whole count and its last-seen time, as last flushed (up to a
 * minute behind, lib/sign-in-summaries/service.ts). Refusals after a correct password (`login_failed`:
 * network not allowed, inactive, password change required, app password required) and the successes that
 * went through only in monitor mode (`login_succeeded` with `wouldRefuse`, written every time) come from
 * the audit trail. Another account's mailbox is "not found".
 */
export async function impactSignIns(scope: Scope, email: string, now: Date = new Date()): Promise<ImpactSignIns> {
  const mailbox = await getMailboxRef(scope, email);
  const since = new Date(now.getTime() - IMPACT_WINDOW_DAYS * 86_400_000);

  const successes = async (only?: readonly (string | null)[]): Promise<Part[]> => {
    const lastSeen = sql<number>`max(${signInSummaries.lastSeen})`.mapWith(Number);
    const rows = await getDb()
      .select({ address: signInSummaries.clientIp, n: sql<number>`sum(${signInSummaries.count})`.mapWith(Number), lastAt: lastSeen, protocols: distinctList(signInSummaries.protocol) })
      .from(signInSummaries)
      .where(and(eq(signInSummaries.mailboxId, mailbox.id), tenantCondition(scope, signInSummaries.accountId), gte(signInSummaries.lastSeen, since), only ? addressIn(signInSummaries.clientIp, only, 'empty') : undefined))
      .groupBy(signInSummaries.clientIp)
      .orderBy(desc(lastSeen), signInSummaries.clientIp)
      .limit(only ? only.length : MAX_IMPACT_ADDRESSES + 1);
    return rows.map((r) => ({ address: r.address === '' ? null : r.address, n: r.n, lastAt: r.lastAt, protocols: splitList(r.protocols) }));
  };

  const reason = jsonField(auditEvents.detail, 'reason');
  const failed = sql`${auditEvents.event} = 'login_failed'`;
  // One pass over the audit rows: refusals after a correct password, and the successes monitor mode let
  // through (each has a row of its own: their count). Such a success is also in its summary, no later than
  // the summary's last_seen, so when it is the latest audit row the group's result is a success either way.
  const audited = async (only?: readonly (string | null)[]): Promise<Part[]> => {
    // The only max() of the query: SQLite takes latestInGroup's bare columns from its row.
    const lastAt = sql<number>`max(${auditEvents.at})`.mapWith(Number);
    const rows = await getDb()
      .select({
        address: auditEvents.clientIp,
        n: sql<number>`sum(CASE WHEN ${failed} THEN ${auditEvents.count} ELSE 0 END)`.mapWith(Number),
        lastAt,
        lastEvent: latestInGroup<string>(auditEvents.event, auditEvents.at),
        reason: latestInGroup<string | null>(reason, auditEvents.at),
        protocols: distinctList(auditEvents.protocol),
        wouldRefuse: sql<number>`sum(CASE WHEN ${failed} THEN 0 ELSE 1 END)`.mapWith(Number),
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.mailboxId, mailbox.id),
          tenantCondition(scope, auditEvents.accountId),
          gte(auditEvents.at, since),
          or(and(eq(auditEvents.event, 'login_failed'), inArray(reason, PASSWORD_PROVEN_REFUSALS)), and(eq(auditEvents.event, 'login_succeeded'), sql`${jsonFlag(auditEvents.detail, 'wouldRefuse')} = 1`)),
          only ? addressIn(auditEvents.clientIp, only, 'null') : undefined,
        ),
      )
      .groupBy(auditEvents.clientIp)
      .orderBy(desc(lastAt), auditEvents.clientIp)
      .limit(only ? only.length : MAX_IMPACT_ADDRESSES + 1);
    return rows.map((r) => ({ address: r.address, n: r.n, lastAt: r.lastAt, protocols: splitList(r.protocols), lastEvent: r.lastEvent, reason: r.reason, wouldRefuse: r.wouldRefuse }));
  };

  // Each source's newest MAX + 1 addresses hold the newest MAX addresses overall (an address's time is the
  // later of its two parts, and every address ranked above it in that part's source is newer still).
  const [succeeded, logged] = await Promise.all([successes(), audited()]);
  const byAddress = new Map<string | null, { success?: Part; audit?: Part }>();
  for (const p of succeeded) byAddress.set(p.address, { success: p });
  for (const p of logged) byAddress.set(p.address, { ...byAddress.get(p.address), audit: p });
  const newest = (e: { success?: Part; audit?: Part }) => Math.max(e.success?.lastAt ?? 0, e.audit?.lastAt ?? 0);
  const ordered = [...byAddress.entries()].sort(([a, x], [b, y]) => newest(y) - newest(x) || String(a).localeCompare(String(b)));
  const truncated = ordered.length > MAX_IMPACT_ADDRESSES;
  const kept = ordered.slice(0, MAX_IMPACT_ADDRESSES);
  // A kept address may have its other part beyond a source's first MAX + 1: read those parts by address.
  if (succeeded.length > MAX_IMPACT_ADDRESSES || logged.length > MAX_IMPACT_ADDRESSES) {
    const missingSuccess = succeeded.length > MAX_IMPACT_ADDRESSES ? kept.filter(([, e]) => !e.success).map(([a]) => a) : [];
    const missingAudit = logged.length > MAX_IMPACT_ADDRESSES ? kept.filter(([, e]) => !e.audit).map(([a]) => a) : [];
    const [more, moreAudited] = await Promise.all([missingSuccess.length ? successes(missingSuccess) : [], missingAudit.length ? audited(missingAudit) : []]);
    for (const p of more) byAddress.get(p.address)!.success = p;
    for (const p of moreAudited) byAddress.get(p.address)!.audit = p;
  }
  const groups = kept.map(([address, { success, audit }]): SignInAddressGroup => {
    const succeededHere = success?.n ?? 0;
    const refusedLater = audit !== undefined && audit.lastEvent === 'login_failed' && audit.lastAt > (success?.lastAt ?? -1);
    return {
      address,
      attempts: succeededHere + (audit?.n ?? 0),
      succeeded: succeededHere,
      lastAt: new Date(Math.max(success?.lastAt ?? 0, audit?.lastAt ?? 0)).toISOString(),
      // The latest attempt's outcome: a success unless a refusal came after the latest success.
      lastResult: refusedLater ? (audit.reason ?? 'refused') : 'signed_in',
      protocols: [...new Set([...(success?.protocols ?? []), ...(audit?.protocols ?? [])])].sort(),
      wouldRefuse: audit?.wouldRefuse ?? 0,
    };
  });
  return { mailbox: mailbox.email, since, groups, truncated };
}

const splitList = (list: string | null) => (list ? list.split(',').sort() : []);

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
