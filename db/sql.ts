import 'server-only';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { engineKind } from './index';

// The SQL fragments that differ between SQLite and PostgreSQL, in one place (docs/database.md). Everything
// else in the code is SQL both engines share: prefer that (CASE WHEN … THEN 1 ELSE 0 END rather than
// sum(<boolean>), lower-case values and patterns rather than LIKE's case rules, and so on).

/** The text (or number, as text on PostgreSQL) at `key` of a JSON text column; NULL when absent. */
export function jsonField(column: SQLWrapper, key: string): SQL<string | null> {
  if (!/^\w+$/.test(key)) throw new Error(`jsonField: unexpected key ${key}`);
  return engineKind() === 'postgres' ? sql<string | null>`(${column}::jsonb ->> ${sql.raw(`'${key}'`)})` : sql<string | null>`json_extract(${column}, ${sql.raw(`'$.${key}'`)})`;
}

/** 1 when the JSON text column holds `true` at `key`, else 0 (for sum()). */
export function jsonFlag(column: SQLWrapper, key: string): SQL<number> {
  if (!/^\w+$/.test(key)) throw new Error(`jsonFlag: unexpected key ${key}`);
  return engineKind() === 'postgres'
    ? sql<number>`(CASE WHEN (${column}::jsonb -> ${sql.raw(`'${key}'`)}) = 'true'::jsonb THEN 1 ELSE 0 END)`
    : sql<number>`(CASE WHEN json_extract(${column}, ${sql.raw(`'$.${key}'`)}) = 1 THEN 1 ELSE 0 END)`;
}

/** The distinct non-null values of a group, comma-separated (order unspecified). */
export function distinctList(column: SQLWrapper): SQL<string | null> {
  return engineKind() === 'postgres' ? sql<string | null>`string_agg(DISTINCT ${column}, ',')` : sql<string | null>`group_concat(DISTINCT ${column})`;
}

/**
 * The value of `column` in the group's row with the greatest `orderBy`. On SQLite the bare column of a query
 * that also selects max(orderBy) is taken from that row (a documented SQLite rule, and free); PostgreSQL
 * needs it spelled out.
 */
export function latestInGroup<T>(column: SQLWrapper, orderBy: SQLWrapper): SQL<T> {
  return engineKind() === 'postgres' ? sql<T>`(array_agg(${column} ORDER BY ${orderBy} DESC))[1]` : sql<T>`${column}`;
}

/** The UTC day (YYYY-MM-DD) of a millisecond timestamp column. */
export function utcDay(column: SQLWrapper): SQL<string> {
  return engineKind() === 'postgres'
    ? sql<string>`to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
    : sql<string>`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
}

/**
 * The JSON text column `detail` with `repeated` and `last_at` (ISO 8601, UTC, milliseconds) added: an
 * aggregated audit row as the audit log shows it.
 */
export function withRepetition(detail: SQLWrapper, count: SQLWrapper, lastAt: SQLWrapper): SQL<string> {
  return engineKind() === 'postgres'
    ? sql<string>`(coalesce(${detail}, '{}')::jsonb || jsonb_build_object('repeated', ${count}, 'last_at', to_char(to_timestamp(${lastAt} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text`
    : sql<string>`json_set(coalesce(${detail}, '{}'), '$.repeated', ${count}, '$.last_at', strftime('%Y-%m-%dT%H:%M:%fZ', ${lastAt} / 1000.0, 'unixepoch'))`;
}

/**
 * Appended to a subquery that picks rows to claim: on PostgreSQL the picked rows are locked and rows another
 * transaction holds are skipped, so concurrent claimers never wait on each other nor pick the same row.
 * SQLite runs one write at a time: the statement alone is atomic.
 */
export function forUpdateSkipLocked(): SQL {
  return engineKind() === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
}

/** The greater of two values (SQLite's two-argument max(), PostgreSQL's greatest()). */
export function greaterOf<T>(a: SQLWrapper, b: SQLWrapper): SQL<T> {
  return engineKind() === 'postgres' ? sql<T>`greatest(${a}, ${b})` : sql<T>`max(${a}, ${b})`;
}
