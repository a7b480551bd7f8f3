import 'server-only';
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { auditEvents, type ActorKind, type Protocol } from '@/db/schema';
import { getDb, preparedOnce, type Db, type Tx } from '@/db';

/** Who did something, and from where. Passed from the edge (page, action, RPC, CLI) into the domain service. */
export interface AuditContext {
  actor: { kind: ActorKind; id?: number | null; email?: string | null };
  clientIp?: string | null;
  userAgent?: string | null;
  protocol?: Protocol | null;
}

export interface AuditRecord {
  event: string;
  accountId?: number | null;
  mailboxId?: number | null;
  mailboxEmail?: string | null;
  detail?: Record<string, unknown>;
}

// Every sign-in appends a row (mail clients reconnect all day).
const insertStatement = preparedOnce((db) => {
  const p = <N extends string>(name: N) => sql.placeholder(name);
  return db
    .insert(auditEvents)
    .values({
      at: p('at'),
      accountId: p('accountId'),
      actorKind: p('actorKind'),
      actorId: p('actorId'),
      actorEmail: p('actorEmail'),
      mailboxId: p('mailboxId'),
      mailboxEmail: p('mailboxEmail'),
      event: p('event'),
      clientIp: p('clientIp'),
      userAgent: p('userAgent'),
      protocol: p('protocol'),
      detail: p('detail'),
    })
    .prepare();
});

/**
 * Appends one audit row; call it inside the transaction of the change it records (pass that `tx`, to say
 * so). A transaction runs on the process's one connection (better-sqlite3 is synchronous), so the prepared
 * insert takes part in it.
 */
export function recordAudit(_within: Db | Tx, ctx: AuditContext, record: AuditRecord): void {
  insertStatement().run({
    at: new Date(),
    accountId: record.accountId ?? null,
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id ?? null,
    actorEmail: ctx.actor.email ?? null,
    mailboxId: record.mailboxId ?? null,
    mailboxEmail: record.mailboxEmail ?? null,
    event: record.event,
    clientIp: ctx.clientIp ?? null,
    // Browsers send long strings; the trail needs enough to recognise a client, not an unbounded blob.
    userAgent: ctx.userAgent ? ctx.userAgent.slice(0, 300) : null,
    protocol: ctx.protocol ?? null,
    detail: record.detail ?? null,
  });
}

export const SIGN_IN_EVENTS = ['login_succeeded', 'login_failed'] as const;

export interface SignInEvent {
  at: Date;
  event: string;
  clientIp: string | null;
  protocol: Protocol | null;
  reason: string | null;
  userAgent: string | null;
}

/** A mailbox's recent sign-in attempts (web, API and mail protocols), newest first. */
export function recentSignIns(mailboxId: number, limit = 20, since?: Date): SignInEvent[] {
  const rows = getDb()
    .select({ at: auditEvents.at, event: auditEvents.event, clientIp: auditEvents.clientIp, protocol: auditEvents.protocol, detail: auditEvents.detail, userAgent: auditEvents.userAgent })
    .from(auditEvents)
    .where(and(eq(auditEvents.mailboxId, mailboxId), inArray(auditEvents.event, [...SIGN_IN_EVENTS])))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit)
    .all();
  return rows
    .filter((r) => !since || r.at >= since)
    .map((r) => ({ at: r.at, event: r.event, clientIp: r.clientIp, protocol: r.protocol, reason: typeof r.detail?.reason === 'string' ? r.detail.reason : null, userAgent: r.userAgent }));
}

export interface SignInDay {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  succeeded: number;
  refused: number;
}

/**
 * A mailbox's sign-ins per UTC day over the last `days` days (today included, oldest first, days without
 * any attempt as zeros): the data of the account page's small chart. One grouped query on the
 * (mailbox, time) index.
 */
export function signInsByDay(mailboxId: number, days = 30, now: Date = new Date()): SignInDay[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * 86_400_000);
  const day = sql<string>`strftime('%Y-%m-%d', ${auditEvents.at} / 1000, 'unixepoch')`;
  const rows = getDb()
    .select({ day, succeeded: sql<number>`sum(${auditEvents.event} = 'login_succeeded')`, refused: sql<number>`sum(${auditEvents.event} = 'login_failed')` })
    .from(auditEvents)
    .where(and(eq(auditEvents.mailboxId, mailboxId), gte(auditEvents.at, since), inArray(auditEvents.event, [...SIGN_IN_EVENTS])))
    .groupBy(day)
    .all();
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(d);
    return { day: d, succeeded: r?.succeeded ?? 0, refused: r?.refused ?? 0 };
  });
}
