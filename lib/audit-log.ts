import 'server-only';
import { and, count, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvents, type ActorKind, type Protocol } from '@/db/schema';
import { getDb } from '@/db';
import type { Scope } from '@/lib/scope';
import { AUDIT_EVENT_KINDS, auditSentence } from '@/lib/audit-sentence';
import { withRepetition } from '@/db/sql';

/**
 * The admin's view of the audit trail: only rows of the admin's account, filtered by mailbox, event and
 * date, newest first, as pages for the audit page and as CSV for export.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateField = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => v === undefined || (DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)), 'must be a date like 2025-01-31');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** The audit page's filters (query string) and the CSV export's: one schema for both. */
export const auditLogFilterSchema = z
  .object({
    mailbox: optionalText(254).transform((v) => v?.toLowerCase()),
    event: optionalText(64),
    // The client address exactly as recorded (the overview links its most-refused addresses here).
    ip: optionalText(45).transform((v) => v?.toLowerCase()),
    from: dateField,
    to: dateField,
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before the start date' });
export type AuditLogFilter = z.output<typeof auditLogFilterSchema>;

/** Event names the code writes (their wording lives in lib/audit-sentence.ts). */
export const KNOWN_AUDIT_EVENTS = Object.keys(AUDIT_EVENT_KINDS);

/** `text` as a LIKE pattern matching it anywhere, with the wildcards in it taken literally. */
function containsPattern(text: string): string {
  // Stored addresses are lower-case; a lower-case pattern matches them on both engines (SQLite's LIKE ignores
  // ASCII case, PostgreSQL's does not).
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface AuditLogRow {
  id: number;
  at: Date;
  event: string;
  mailboxEmail: string | null;
  actorKind: ActorKind;
  actorEmail: string | null;
  clientIp: string | null;
  protocol: Protocol | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

// A function: the detail expression depends on the engine, known once the database is first used.
const columns = () => ({
  id: auditEvents.id,
  at: auditEvents.at,
  event: auditEvents.event,
  mailboxEmail: auditEvents.mailboxEmail,
  actorKind: auditEvents.actorKind,
  actorEmail: auditEvents.actorEmail,
  clientIp: auditEvents.clientIp,
  protocol: auditEvents.protocol,
  userAgent: auditEvents.userAgent,
  // An aggregated row (lib/audit.ts recordAggregatedAudit) shows how often it repeated and when it last did.
  detail: sql<Record<string, unknown> | null>`CASE WHEN ${auditEvents.count} > 1 THEN ${withRepetition(auditEvents.detail, auditEvents.count, auditEvents.lastAt)} ELSE ${auditEvents.detail} END`.mapWith(auditEvents.detail),
});

function conditions(scope: Scope, filter: AuditLogFilter): SQL | undefined {
  return and(
    // Rows without an account (unknown mailboxes, the operator's CLI) are never an admin's.
    scope.kind === 'account' ? eq(auditEvents.accountId, scope.accountId) : undefined,
    // Partial text, like the mailbox list's search ("carol" finds carol@example.com).
    filter.mailbox ? sql`${auditEvents.mailboxEmail} LIKE ${containsPattern(filter.mailbox)} ESCAPE '\\'` : undefined,
    filter.event ? eq(auditEvents.event, filter.event) : undefined,
    filter.ip ? eq(auditEvents.clientIp, filter.ip) : undefined,
    filter.from ? gte(auditEvents.at, new Date(`${filter.from}T00:00:00Z`)) : undefined,
    // The end date is inclusive: everything before the next midnight (UTC).
    filter.to ? lt(auditEvents.at, new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000)) : undefined,
  );
}

/**
 * One page of the scope's audit rows matching the filter, newest first; `hasMore` says whether a next page
 * exists and `total` how many rows match in all.
 */
export async function queryAuditLog(scope: Scope, filter: AuditLogFilter, page = 1, pageSize = 100): Promise<{ items: AuditLogRow[]; hasMore: boolean; total: number }> {
  const size = Math.min(Math.max(pageSize, 1), 500);
  const rows = await getDb()
    .select(columns())
    .from(auditEvents)
    .where(conditions(scope, filter))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(size + 1)
    .offset((Math.max(page, 1) - 1) * size);
  const total = (await getDb().select({ n: count() }).from(auditEvents).where(conditions(scope, filter)).limit(1))[0]?.n ?? 0;
  return { items: rows.slice(0, size), hasMore: rows.length > size, total };
}

export const AUDIT_CSV_HEADER = ['time_utc', 'event', 'mailbox', 'actor_kind', 'actor', 'client_ip', 'protocol', 'user_agent', 'detail', 'sentence'];

// A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: always quoted, quotes doubled, and a leading formula character defused with `'`. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV line (CRLF-terminated, RFC 4180). */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function rowCells(r: AuditLogRow): unknown[] {
  return [r.at.toISOString(), r.event, r.mailboxEmail, r.actorKind, r.actorEmail, r.clientIp, r.protocol, r.userAgent, r.detail, auditSentence(r)];
}

/**
 * The CSV export of every matching row, newest first, yielded in chunks of lines so that a long history
 * is streamed with bounded memory (keyset pagination on time and id, stable while new rows arrive).
 */
export async function* auditLogCsv(scope: Scope, filter: AuditLogFilter, batch = 1000): AsyncGenerator<string> {
  yield csvLine(AUDIT_CSV_HEADER);
  let after: { at: Date; id: number } | null = null;
  for (;;) {
    const cursor: SQL | undefined = after
      ? or(lt(auditEvents.at, after.at), and(eq(auditEvents.at, after.at), lt(auditEvents.id, after.id)))
      : undefined;
    const rows: AuditLogRow[] = await getDb()
      .select(columns())
      .from(auditEvents)
      .where(and(conditions(scope, filter), cursor))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(batch);
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine(rowCells(r))).join('');
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
    if (rows.length < batch) return;
  }
}
