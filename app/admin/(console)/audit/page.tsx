import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdmin } from '@/lib/auth/dal';
import { auditLogFilterSchema, KNOWN_AUDIT_EVENTS, queryAuditLog, type AuditLogFilter } from '@/lib/audit-log';
import { formatTime } from '@/app/admin/_components/labels';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 100;
type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

function hrefWith(path: string, filter: AuditLogFilter, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['mailbox', 'event', 'ip', 'from', 'to'] as const) if (filter[key]) params.set(key, filter[key]!);
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail || Object.keys(detail).length === 0) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { scope } = await requireAdmin();
  const params = await searchParams;
  const raw = { mailbox: first(params.mailbox), event: first(params.event), ip: first(params.ip), from: first(params.from), to: first(params.to) };
  const parsed = auditLogFilterSchema.safeParse(raw);
  const errors = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const page = Math.max(1, Number.parseInt(first(params.page), 10) || 1);
  const filter = parsed.success ? parsed.data : null;
  const { items, hasMore } = filter ? queryAuditLog(scope, filter, page, PAGE_SIZE) : { items: [], hasMore: false };
  const fieldError = (name: keyof typeof raw) =>
    errors[name]?.length ? (
      <p className="error" id={`${name}-error`}>
        {errors[name]!.join(' ')}
      </p>
    ) : null;
  return (
    <main className="wide">
      <h1>Audit log</h1>
      <form method="get" action="/admin/audit" role="search" aria-label="Filter the audit log" className="card list-filters">
        <div>
          <label htmlFor="mailbox">Mailbox</label>
          <input id="mailbox" name="mailbox" type="text" defaultValue={raw.mailbox} placeholder="name@example.com" aria-describedby={errors.mailbox ? 'mailbox-error' : undefined} />
          {fieldError('mailbox')}
        </div>
        <div>
          <label htmlFor="event">Event</label>
          <input id="event" name="event" type="text" list="audit-events" defaultValue={raw.event} aria-describedby={errors.event ? 'event-error' : undefined} />
          <datalist id="audit-events">
            {KNOWN_AUDIT_EVENTS.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
          {fieldError('event')}
        </div>
        <div>
          <label htmlFor="ip">Address</label>
          <input id="ip" name="ip" type="text" defaultValue={raw.ip} placeholder="203.0.113.7" aria-describedby={errors.ip ? 'ip-error' : undefined} />
          {fieldError('ip')}
        </div>
        <div>
          <label htmlFor="from">From (UTC)</label>
          <input id="from" name="from" type="date" defaultValue={raw.from} aria-describedby={errors.from ? 'from-error' : undefined} />
          {fieldError('from')}
        </div>
        <div>
          <label htmlFor="to">To (UTC, inclusive)</label>
          <input id="to" name="to" type="date" defaultValue={raw.to} aria-describedby={errors.to ? 'to-error' : undefined} />
          {fieldError('to')}
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      {filter ? (
        <p>
          <a href={hrefWith('/admin/audit/export', filter)} download>
            Download as CSV
          </a>{' '}
          <span className="muted">(every row matching the filter)</span>
          {filter.mailbox || filter.event || filter.ip || filter.from || filter.to ? (
            <>
              {' · '}
              <Link href="/admin/audit">Clear the filter</Link>
            </>
          ) : null}
        </p>
      ) : (
        <p className="alert" role="alert">
          Fix the filter to see the log.
        </p>
      )}
      {filter && items.length === 0 ? <p>No events match.</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Mailbox</th>
                <th scope="col">By</th>
                <th scope="col">Address</th>
                <th scope="col">Protocol</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <time dateTime={r.at.toISOString()}>{formatTime(r.at)}</time>
                  </td>
                  <td className="mono">{r.event}</td>
                  <td>{r.mailboxEmail ?? ''}</td>
                  <td>
                    {r.actorKind}
                    {r.actorEmail ? `: ${r.actorEmail}` : ''}
                  </td>
                  <td className="mono">{r.clientIp ?? ''}</td>
                  <td>{r.protocol ?? ''}</td>
                  <td className="detail">{detailText(r.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
