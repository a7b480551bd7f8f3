import 'server-only';
import { and, asc, count, desc, eq, gt, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvents, type ActorKind, type Protocol } from '@/db/schema';
import { getDb } from '@/db';
import { tenantCondition, type Scope } from '@/lib/scope';
import { AUDIT_EVENT_KINDS, auditSentence } from '@/lib/audit-sentence';
import { withRepetition } from '@/db/sql';
import { emailSchema } from '@/lib/mailboxes/schemas';

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
    tenantCondition(scope, auditEvents.accountId),
    // A whole address is that mailbox (read from audit_mailbox_email_at_idx, whatever the table's size); other
    // text is a partial search, like the mailbox list's ("carol" finds carol@example.com).
    filter.mailbox ? (emailSchema.safeParse(filter.mailbox).success ? eq(auditEvents.mailboxEmail, filter.mailbox) : sql`${auditEvents.mailboxEmail} LIKE ${containsPattern(filter.mailbox)} ESCAPE '\\'`) : undefined,
    filter.event ? eq(auditEvents.event, filter.event) : undefined,
    filter.ip ? eq(auditEvents.clientIp, filter.ip) : undefined,
    filter.from ? gte(auditEvents.at, new Date(`${filter.from}T00:00:00Z`)) : undefined,
    // The end date is inclusive: everything before the next midnight (UTC).
    filter.to ? lt(auditEvents.at, new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000)) : undefined,
  );
}

/**
 * Where a page of the audit page starts: the newest rows (no cursor), the rows older than a row (`before`,
 * the "Older" link) or the rows newer than one (`after`, "Newer"). A row is named by its time and id, the
 * order the page is read in, so a page reads its rows straight from the index however deep it is (an
 * OFFSET would read every row above it) and rows arriving meanwhile neither shift nor repeat them.
 */
const CURSOR = /^(\d{1,15})-(\d{1,10})$/;
// Ids are integers on both engines (PostgreSQL's column is a 32-bit integer: a larger one would fail the query).
const MAX_ID = 2_147_483_647;
export interface AuditCursor {
  at: Date;
  id: number;
}
const cursorField = z
  .string()
  .trim()
  .optional()
  .transform((v): AuditCursor | undefined => {
    const m = v ? CURSOR.exec(v) : null;
    return m && Number(m[2]) <= MAX_ID ? { at: new Date(Number(m[1])), id: Number(m[2]) } : undefined;
  });
/**
 * The audit page's position (query string `before` / `after`). A cursor that does not parse (an edited or
 * truncated link) is no cursor: the page shows the newest rows rather than an error, as for a page that
 * has been pruned away. `before` wins if both are given.
 */
export const auditPageCursorSchema = z.object({ before: cursorField, after: cursorField });
export type AuditPagePosition = Partial<z.output<typeof auditPageCursorSchema>>;

/** A row's cursor as the query string carries it. */
export function auditCursorText(row: { at: Date; id: number }): string {
  return `${row.at.getTime()}-${row.id}`;
}

/**
 * Rows strictly older than the cursor in the page's order (time, then id), written so that both engines read
 * it as a range of the index (`at <= t`) rather than as an OR they may answer by sorting every row above it.
 */
export function auditOlderThan(c: AuditCursor): SQL {
  return and(lte(auditEvents.at, c.at), or(lt(auditEvents.at, c.at), lt(auditEvents.id, c.id)))!;
}
function newerThan(c: AuditCursor): SQL {
  return and(gte(auditEvents.at, c.at), or(gt(auditEvents.at, c.at), gt(auditEvents.id, c.id)))!;
}

/**
 * "Count matching events" counts up to this many and beyond it says "more than". The page itself does not
 * count: a count is the one statement whose cost grows with the table (on PostgreSQL it visits a heap page
 * per matching row whose page the visibility map does not mark all-visible, so its time depends on when
 * VACUUM last ran), so it runs only when the admin asks for it, and the cap bounds it then.
 */
export const AUDIT_COUNT_CAP = 1_000;

export interface AuditLogPage {
  items: AuditLogRow[];
  /** The cursor of the page of older rows, or null on the oldest page. */
  older: string | null;
  /** The cursor of the page of newer rows, or null on the newest page. */
  newer: string | null;
}

/**
 * One page of the scope's audit rows matching the filter, newest first, at `position` (the newest rows
 * without one), with the cursors of its neighbours. It reads at most `pageSize` + 2 rows whatever the table's
 * size: whether there are older or newer rows is the extra row of the page's statement, or one row's lookup.
 */
export async function queryAuditLog(scope: Scope, filter: AuditLogFilter, position: AuditPagePosition = {}, pageSize = 100): Promise<AuditLogPage> {
  const size = Math.min(Math.max(pageSize, 1), 500);
  const where = conditions(scope, filter);
  const newestFirst = (extra: SQL | undefined, limit: number) =>
    getDb().select(columns()).from(auditEvents).where(and(where, extra)).orderBy(desc(auditEvents.at), desc(auditEvents.id)).limit(limit);
  const exists = async (extra: SQL) => (await getDb().select({ id: auditEvents.id }).from(auditEvents).where(and(where, extra)).limit(1)).length > 0;

  let items: AuditLogRow[];
  let hasOlder: boolean;
  let hasNewer: boolean;
  if (position.before) {
    const rows = await newestFirst(auditOlderThan(position.before), size + 1);
    items = rows.slice(0, size);
    hasOlder = rows.length > size;
    hasNewer = await exists(newerThan(items[0] ?? position.before));
  } else if (position.after) {
    const rows = await getDb().select(columns()).from(auditEvents).where(and(where, newerThan(position.after))).orderBy(asc(auditEvents.at), asc(auditEvents.id)).limit(size + 1);
    if (rows.length > size) {
      items = rows.slice(0, size).reverse();
      hasNewer = true;
      hasOlder = await exists(auditOlderThan(items[items.length - 1]!));
    } else {
      // Nothing newer beyond this page: it is the newest page, shown as it is without a cursor (full, and the
      // same rows as the first page), so paging back to the top never ends on a short page.
      const rows = await newestFirst(undefined, size + 1);
      items = rows.slice(0, size);
      hasOlder = rows.length > size;
      hasNewer = false;
    }
  } else {
    const rows = await newestFirst(undefined, size + 1);
    items = rows.slice(0, size);
    hasOlder = rows.length > size;
    hasNewer = false;
  }
  return {
    items,
    older: hasOlder ? auditCursorText(items[items.length - 1]!) : null,
    // An empty page (a link past the oldest row, or to rows pruned since) still leads back to the newer rows.
    newer: hasNewer ? auditCursorText(items[0] ?? position.before!) : null,
  };
}

/**
 * The audit page's request to count (query string `count=1`, the "Count matching events" link). Anything
 * else is no request: the page then reads its rows only.
 */
export const auditCountRequestSchema = z.object({ count: z.string().optional().transform((v) => v?.trim() === '1') });

export interface AuditLogCount {
  /** Matching rows, counted up to AUDIT_COUNT_CAP. */
  total: number;
  /** More than AUDIT_COUNT_CAP rows match. */
  capped: boolean;
}

/** The scope's audit rows matching the filter, counted up to AUDIT_COUNT_CAP ("Count matching events"). */
export async function countAuditLog(scope: Scope, filter: AuditLogFilter): Promise<AuditLogCount> {
  // Stopped one row past the cap: at millions of rows an exact count would read every matching row.
  const matching = getDb().select({ one: sql`1` }).from(auditEvents).where(conditions(scope, filter)).limit(AUDIT_COUNT_CAP + 1).as('matching');
  const counted = Number((await getDb().select({ n: count() }).from(matching))[0]?.n ?? 0);
  return { total: Math.min(counted, AUDIT_COUNT_CAP), capped: counted > AUDIT_COUNT_CAP };
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
 * Every row matching `where`, newest first, at most `limit`, fetched `batch` at a time (keyset pagination on
 * time and id, stable while new rows arrive), so a long history is read with bounded memory.
 */
async function* rowsNewestFirst(where: SQL | undefined, limit: number, batch: number): AsyncGenerator<AuditLogRow[]> {
  let after: { at: Date; id: number } | null = null;
  let left = limit;
  while (left > 0) {
    // The sargable form (see auditOlderThan): an OR of the two cases made SQLite sort every row above the cursor
    // for each batch, so the export of 5,000,000 rows took hours.
    const cursor: SQL | undefined = after ? auditOlderThan(after) : undefined;
    const size = Math.min(batch, left);
    const rows: AuditLogRow[] = await getDb()
      .select(columns())
      .from(auditEvents)
      .where(and(where, cursor))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(size);
    if (rows.length === 0) return;
    yield rows;
    left -= rows.length;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
    if (rows.length < size) return;
  }
}

/**
 * The CSV export of every matching row, newest first, yielded in chunks of lines so that a long history
 * is streamed with bounded memory.
 */
export async function* auditLogCsv(scope: Scope, filter: AuditLogFilter, batch = 1000): AsyncGenerator<string> {
  yield csvLine(AUDIT_CSV_HEADER);
  for await (const rows of rowsNewestFirst(conditions(scope, filter), Number.POSITIVE_INFINITY, batch)) {
    yield rows.map((r) => csvLine(rowCells(r))).join('');
  }
}

/** `audit list` prints this many rows unless `--limit` says otherwise, and never more than the maximum. */
export const AUDIT_LIST_DEFAULT_LIMIT = 100;
export const AUDIT_LIST_MAX_LIMIT = 10_000;

// ISO 8601: a date (midnight UTC) or a date and time with a zone (Z or ±hh:mm); Date.parse alone takes
// far more ("December 1", local times) and would silently mean something else on another machine.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseInstant(text: string): Date | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00'] = m;
  // Reject 2025-02-30 or 25:00 instead of letting Date roll them over.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  const at = new Date(m[7] ? text : `${text}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * The operator CLI's `audit list` options (spec §18), as commander hands them over (strings): one schema,
 * each error naming its option. `mailbox` is an exact address (the operator searches every account, where
 * a partial match would sweep in strangers); `event` must be a kind the code writes, so a typo is an error
 * rather than an empty list; `limit` is bounded so that one command cannot print the whole trail.
 */
export const auditListOptionsSchema = z
  .object({
    mailbox: emailSchema.optional(),
    event: z
      .string()
      .trim()
      .superRefine((v, c) => {
        if (!Object.hasOwn(AUDIT_EVENT_KINDS, v)) c.addIssue({ code: 'custom', message: `unknown event "${v}"; known events: ${KNOWN_AUDIT_EVENTS.join(', ')}` });
      })
      .optional(),
    since: z
      .string()
      .trim()
      .transform((v, c) => {
        const at = parseInstant(v);
        if (at === null) {
          c.addIssue({ code: 'custom', message: `must be an ISO 8601 date or time, like 2026-12-01 or 2026-12-01T09:30:00Z (got "${v}")` });
          return z.NEVER;
        }
        return at;
      })
      .optional(),
    limit: z
      .string()
      .trim()
      .regex(/^\d{1,9}$/, 'must be a whole number')
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, 'must be at least 1')
          .max(AUDIT_LIST_MAX_LIMIT, `must be at most ${AUDIT_LIST_MAX_LIMIT}: narrow the list with --since, --mailbox or --event`),
      )
      .default(AUDIT_LIST_DEFAULT_LIMIT),
    json: z.boolean().default(false),
  })
  .strict();
export type AuditListOptions = z.output<typeof auditListOptionsSchema>;

/** One row of `audit list --json` (spec §18): the fields of the admin audit page and its sentence. */
export interface AuditListItem {
  at: string;
  event: string;
  actor: { kind: ActorKind; email: string | null };
  mailbox: string | null;
  address: string | null;
  protocol: Protocol | null;
  detail: Record<string, unknown> | null;
  sentence: string;
}

export function toAuditListItem(r: AuditLogRow): AuditListItem {
  return {
    at: r.at.toISOString(),
    event: r.event,
    actor: { kind: r.actorKind, email: r.actorEmail },
    mailbox: r.mailboxEmail,
    address: r.clientIp,
    protocol: r.protocol,
    detail: r.detail,
    sentence: auditSentence(r),
  };
}

/**
 * The rows `audit list` prints, newest first, at most `options.limit`, in batches (bounded memory whatever
 * the limit). The scope decides whose rows: the operator's CLI passes `operatorScope` (every account, and
 * rows that belong to none, such as sign-ins to unknown mailboxes and the CLI's own changes).
 */
export async function* auditListItems(scope: Scope, options: Pick<AuditListOptions, 'mailbox' | 'event' | 'since' | 'limit'>, batch = 500): AsyncGenerator<AuditListItem[]> {
  const where = and(
    tenantCondition(scope, auditEvents.accountId),
    options.mailbox ? eq(auditEvents.mailboxEmail, options.mailbox) : undefined,
    options.event ? eq(auditEvents.event, options.event) : undefined,
    options.since ? gte(auditEvents.at, options.since) : undefined,
  );
  for await (const rows of rowsNewestFirst(where, options.limit, batch)) yield rows.map(toAuditListItem);
}
