import 'server-only';
import { and, eq, gte, sql } from 'drizzle-orm';
import { auditEvents, signInSummaries } from '@/db/schema';
import { getDb } from '@/db';
import { parseAddress, parseAllowNets } from '@/lib/net/allowlist';
import { distinctList, jsonField } from '@/db/sql';

/** How far back suggestions look (spec §15: the last 30 days). */
export const SUGGESTION_WINDOW_DAYS = 30;
/** Most distinct (address, protocol) pairs read per suggestion list: enough for any real mailbox. */
const MAX_ROWS = 5000;
/** Most networks suggested. */
export const MAX_SUGGESTIONS = 50;

/** A network the mailbox (or account) signed in from: IPv4 grouped by /24, IPv6 by /56. */
export interface NetworkSuggestion {
  /** Canonical network, ready to add to a list. */
  net: string;
  /** Successful sign-ins by protocol (`web`, `api`, `imap`, …). */
  byProtocol: Record<string, number>;
  total: number;
  /** ISO time of the latest successful sign-in from it. */
  lastSeen: string;
}

/** The /24 (IPv4) or /56 (IPv6) network of a client address, canonical; null for an unknown address. */
export function suggestionNetwork(address: string | null): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const result = parseAllowNets(`${parsed.text}/${parsed.family === 4 ? 24 : 56}`);
  return result.ok ? result.canonical : null;
}

/**
 * The networks of the successful sign-ins of the last 30 days (the sign-in summaries: lib/sign-in-summaries),
 * of one mailbox or of the whole account, most used first. The account scope is always applied, so another
 * account's history never shows.
 */
export async function networkSuggestions(accountId: number, mailboxId: number | null, now: Date = new Date()): Promise<NetworkSuggestion[]> {
  const since = new Date(now.getTime() - SUGGESTION_WINDOW_DAYS * 86_400_000);
  const rows = await getDb()
    .select({ ip: signInSummaries.clientIp, protocol: signInSummaries.protocol, n: sql<number>`sum(${signInSummaries.count})`.mapWith(Number), last: sql<number>`max(${signInSummaries.lastSeen})`.mapWith(Number) })
    .from(signInSummaries)
    .where(
      and(
        mailboxId === null ? eq(signInSummaries.accountId, accountId) : and(eq(signInSummaries.mailboxId, mailboxId), eq(signInSummaries.accountId, accountId)),
        gte(signInSummaries.lastSeen, since),
      ),
    )
    .groupBy(signInSummaries.clientIp, signInSummaries.protocol)
    .limit(MAX_ROWS);
  const byNet = new Map<string, NetworkSuggestion & { lastMs: number }>();
  for (const r of rows) {
    const net = suggestionNetwork(r.ip);
    if (net === null) continue;
    let s = byNet.get(net);
    if (!s) {
      s = { net, byProtocol: {}, total: 0, lastSeen: '', lastMs: 0 };
      byNet.set(net, s);
    }
    const protocol = r.protocol ?? 'web';
    s.byProtocol[protocol] = (s.byProtocol[protocol] ?? 0) + r.n;
    s.total += r.n;
    s.lastMs = Math.max(s.lastMs, r.last);
  }
  return [...byNet.values()]
    .sort((a, b) => b.total - a.total || b.lastMs - a.lastMs)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ lastMs, ...s }) => ({ ...s, lastSeen: new Date(lastMs).toISOString() }));
}

/** Sign-ins of the last 30 days that monitor mode let through (audit `would_refuse`, kind sign_in), by address. */
export async function wouldRefuseSummary(accountId: number, mailboxId: number, now: Date = new Date()): Promise<{ total: number; byAddress: { address: string | null; count: number; protocols: string[]; lastSeen: string }[] }> {
  const since = new Date(now.getTime() - SUGGESTION_WINDOW_DAYS * 86_400_000);
  const rows = await getDb()
    .select({
      address: auditEvents.clientIp,
      count: sql<number>`count(*)`,
      protocols: distinctList(auditEvents.protocol),
      last: sql<number>`max(${auditEvents.at})`,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.mailboxId, mailboxId),
        eq(auditEvents.accountId, accountId),
        gte(auditEvents.at, since),
        eq(auditEvents.event, 'would_refuse'),
        eq(jsonField(auditEvents.detail, 'kind'), 'sign_in'),
      ),
    )
    .groupBy(auditEvents.clientIp)
    .orderBy(sql`max(${auditEvents.at}) DESC`)
    .limit(100);
  const byAddress = rows.map((r) => ({ address: r.address, count: r.count, protocols: r.protocols ? r.protocols.split(',').sort() : [], lastSeen: new Date(r.last).toISOString() }));
  return { total: byAddress.reduce((n, r) => n + r.count, 0), byAddress };
}

/** The time a page is rendered at: passed to client components so server and browser agree on "expired". */
export function renderTime(): number {
  return Date.now();
}
