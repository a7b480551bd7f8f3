import type { Metadata } from 'next';
import Link from 'next/link';
import { Fragment } from 'react';
import { requireAdmin } from '@/lib/session/dal';
import { auditLogFilterSchema, queryAuditLog, type AuditLogFilter, type AuditLogRow } from '@/lib/audit-log';
import { auditDetailFacts, auditEventLabel, auditEventOptions, auditSentence } from '@/lib/audit-sentence';
import { describeUserAgent } from '@/lib/user-agent';
import { Address } from '@/app/_components/address';
import { PhraseText } from '@/app/_components/phrase';
import { PROTOCOL_NAMES } from '@/app/_components/labels';
import { RelativeTime } from '@/app/_components/relative-time';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 100;
type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const n = (v: number) => v.toLocaleString('en-US');

function hrefWith(path: string, filter: AuditLogFilter, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['mailbox', 'event', 'ip', 'from', 'to'] as const) if (filter[key]) params.set(key, filter[key]!);
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const ACTOR_KINDS: Record<string, string> = { admin: 'admin', mailbox: 'the mailbox user', api: 'API client', cli: 'operator (command line)', system: 'system' };

/** Everything recorded about one event, behind its sentence. */
function EventDetails({ row }: { row: AuditLogRow }) {
  const facts = auditDetailFacts(row.event, row.detail);
  return (
    <details className="event-details">
      <summary>Details</summary>
      <dl className="facts">
        <dt>Event</dt>
        <dd>{auditEventLabel(row.event)}</dd>
        {row.mailboxEmail ? (
          <>
            <dt>Mailbox</dt>
            <dd>
              <Address text={row.mailboxEmail} />
            </dd>
          </>
        ) : null}
        <dt>By</dt>
        <dd>
          {row.actorEmail ? <Address text={row.actorEmail} /> : null} <span className="muted">({ACTOR_KINDS[row.actorKind] ?? row.actorKind})</span>
        </dd>
        {row.clientIp ? (
          <>
            <dt>Address</dt>
            <dd>
              <Address text={row.clientIp} />
            </dd>
          </>
        ) : null}
        {row.protocol ? (
          <>
            <dt>Protocol</dt>
            <dd>{Object.hasOwn(PROTOCOL_NAMES, row.protocol) ? PROTOCOL_NAMES[row.protocol] : row.protocol}</dd>
          </>
        ) : null}
        {row.userAgent ? (
          <>
            <dt>Device</dt>
            {/* The browser and system in words; the raw header only on hover, for support. */}
            <dd title={row.userAgent}>{describeUserAgent(row.userAgent).label}</dd>
          </>
        ) : null}
        {facts.map((f) => (
          <Fragment key={f.key}>
            <dt>{f.label || <span className="visually-hidden">…</span>}</dt>
            <dd className="detail">
              <PhraseText parts={f.value} />
            </dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { scope } = await requireAdmin();
  const params = await searchParams;
  const raw = { mailbox: first(params.mailbox), event: first(params.event), ip: first(params.ip), from: first(params.from), to: first(params.to) };
  const parsed = auditLogFilterSchema.safeParse(raw);
  const errors = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const page = Math.max(1, Number.parseInt(first(params.page), 10) || 1);
  const filter = parsed.success ? parsed.data : null;
  const { items, hasMore, total } = filter ? await queryAuditLog(scope, filter, page, PAGE_SIZE) : { items: [], hasMore: false, total: 0 };
  const now = new Date();
  const options = auditEventOptions();
  // A kind this version does not name (newer code, a bookmarked URL) stays selectable.
  if (raw.event && !options.some((o) => o.value === raw.event)) options.push({ value: raw.event, label: auditEventLabel(raw.event) });
  const describedBy = (name: keyof typeof raw, hint?: string) => [hint, errors[name]?.length ? `${name}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const fieldError = (name: keyof typeof raw) =>
    errors[name]?.length ? (
      <p className="error" id={`${name}-error`}>
        {errors[name]!.join(' ')}
      </p>
    ) : null;
  const from = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const to = (page - 1) * PAGE_SIZE + items.length;
  return (
    <main className="wide">
      <h1>Audit log</h1>
      <form method="get" action="/admin/audit" role="search" aria-label="Filter the audit log" className="card list-filters">
        <div>
          <label htmlFor="mailbox">Mailbox (any part of the address)</label>
          <input id="mailbox" name="mailbox" type="search" defaultValue={raw.mailbox} aria-describedby={describedBy('mailbox')} />
          {fieldError('mailbox')}
        </div>
        <div>
          <label htmlFor="event">Event</label>
          <select id="event" name="event" defaultValue={raw.event} aria-describedby={describedBy('event')}>
            <option value="">All events</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {fieldError('event')}
        </div>
        <div>
          <label htmlFor="ip">Address</label>
          <input id="ip" name="ip" type="text" defaultValue={raw.ip} placeholder="203.0.113.7" maxLength={45} aria-describedby={describedBy('ip')} />
          {fieldError('ip')}
        </div>
        <div>
          <label htmlFor="from">From (UTC, YYYY-MM-DD)</label>
          <input id="from" name="from" type="text" inputMode="numeric" placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" maxLength={10} defaultValue={raw.from} aria-describedby={describedBy('from')} />
          {fieldError('from')}
        </div>
        <div>
          <label htmlFor="to">To (UTC, inclusive)</label>
          <input id="to" name="to" type="text" inputMode="numeric" placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" maxLength={10} defaultValue={raw.to} aria-describedby={describedBy('to')} />
          {fieldError('to')}
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      {filter ? (
        <p role="status" data-testid="audit-count">
          {total === 0 ? 'No events match.' : `${n(total)} ${total === 1 ? 'event matches' : 'events match'}; showing ${n(from)}–${n(to)}, newest first.`}{' '}
          {filter.mailbox || filter.event || filter.ip || filter.from || filter.to ? <Link href="/admin/audit">Clear the filter</Link> : null}
        </p>
      ) : (
        <p className="alert" role="alert">
          Fix the filter to see the log.
        </p>
      )}
      {filter && total > 0 ? (
        <p>
          <a href={hrefWith('/admin/audit/export', filter)} download>
            Download as CSV
          </a>{' '}
          <span className="muted">(all {n(total)} matching events)</span>
        </p>
      ) : null}
      {items.length > 0 ? (
        <table data-testid="audit-table" className="stack audit">
          <caption className="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What happened</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-event={r.event}>
                <td data-label="When" className="when">
                  <RelativeTime at={r.at} now={now} />
                </td>
                <td data-label="What happened" className="full">
                  <span className="sentence">{auditSentence(r)}</span>
                  <EventDetails row={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {filter && (page > 1 || hasMore) ? (
        <nav aria-label="Pages" className="pager">
          {page > 1 ? <Link href={hrefWith('/admin/audit', filter, page - 1)}>← Newer</Link> : <span />}
          <span>Page {page}</span>
          {hasMore ? <Link href={hrefWith('/admin/audit', filter, page + 1)}>Older →</Link> : <span />}
        </nav>
      ) : null}
    </main>
  );
}
