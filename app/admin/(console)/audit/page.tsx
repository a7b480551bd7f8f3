import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { Fragment } from 'react';
import { requireAdmin } from '@/lib/session/dal';
import { auditCountRequestSchema, auditCursorText, auditLogFilterSchema, auditPageCursorSchema, countAuditLog, queryAuditLog, type AuditLogFilter, type AuditLogRow } from '@/lib/audit-log';
import { auditDetailFacts, auditEventLabel, auditEventOptions, auditSentenceParts } from '@/lib/audit-sentence';
import type { Locale } from '@/lib/i18n/locales';
import { deviceName } from '@/lib/i18n/device-names';
import { describeUserAgent } from '@/lib/user-agent';
import { Address } from '@/app/_components/address';
import { PhraseText } from '@/app/_components/phrase';
import { PROTOCOL_NAMES } from '@/app/_components/labels';
import { RelativeTime } from '@/app/_components/relative-time';
import { formFieldErrors } from '@/lib/i18n/form-errors';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AuditLog'))('metaTitle') };
}

const PAGE_SIZE = 100;
type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/**
 * The page (or export) with the filter, at a position: the rows before (older than) or after (newer than) a
 * row; `count` asks the page to count the matching rows too.
 */
function hrefWith(path: string, filter: AuditLogFilter, position?: { before: string } | { after: string }, count = false): string {
  const params = new URLSearchParams();
  for (const key of ['mailbox', 'event', 'ip', 'from', 'to'] as const) if (filter[key]) params.set(key, filter[key]!);
  if (position) for (const [key, value] of Object.entries(position)) params.set(key, value);
  if (count) params.set('count', '1');
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Who acted, as catalogue keys (a kind this version does not name is shown as recorded). */
const ACTOR_KEYS = [
  ['admin', 'actorAdmin'],
  ['mailbox', 'actorMailbox'],
  ['api', 'actorApi'],
  ['cli', 'actorCli'],
  ['system', 'actorSystem'],
] as const;
const ACTOR_KINDS = new Map<string, (typeof ACTOR_KEYS)[number][1]>(ACTOR_KEYS);

/** Everything recorded about one event, behind its sentence. */
async function EventDetails({ row, locale }: { row: AuditLogRow; locale: Locale }) {
  const t = await getTranslations('AuditLog');
  const actor = ACTOR_KINDS.get(row.actorKind);
  const facts = auditDetailFacts(row.event, row.detail, locale);
  return (
    <details className="event-details">
      <summary>{t('details')}</summary>
      <dl className="facts">
        <dt>{t('event')}</dt>
        <dd>{auditEventLabel(row.event, locale)}</dd>
        {row.mailboxEmail ? (
          <>
            <dt>{t('mailbox')}</dt>
            <dd>
              <Address text={row.mailboxEmail} />
            </dd>
          </>
        ) : null}
        <dt>{t('by')}</dt>
        <dd>
          {row.actorEmail ? <Address text={row.actorEmail} /> : null} <span className="muted">({actor ? t(actor) : row.actorKind})</span>
        </dd>
        {row.clientIp ? (
          <>
            <dt>{t('address')}</dt>
            <dd>
              <Address text={row.clientIp} />
            </dd>
          </>
        ) : null}
        {row.protocol ? (
          <>
            <dt>{t('protocol')}</dt>
            <dd>{Object.hasOwn(PROTOCOL_NAMES, row.protocol) ? PROTOCOL_NAMES[row.protocol] : row.protocol}</dd>
          </>
        ) : null}
        {row.userAgent ? (
          <>
            <dt>{t('device')}</dt>
            {/* The browser and system in words; the raw header only on hover, for support. */}
            <dd title={row.userAgent}>{deviceName(describeUserAgent(row.userAgent), await getTranslations('DeviceNames'))}</dd>
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
  const locale = await getLocale();
  const errors = parsed.success ? {} : formFieldErrors(parsed.error.flatten().fieldErrors, locale);
  // Paged by the rows' order (lib/audit-log.ts): "Older" starts before the page's last row, "Newer" after its first.
  const position = auditPageCursorSchema.parse({ before: first(params.before), after: first(params.after) });
  const filter = parsed.success ? parsed.data : null;
  const { items, older, newer } = filter ? await queryAuditLog(scope, filter, position, PAGE_SIZE) : { items: [], older: null, newer: null };
  // The page reads its rows only, whatever the trail's size; the matching rows are counted (up to
  // AUDIT_COUNT_CAP, lib/audit-log.ts) only when the admin asks, with "Count matching events" (?count=1).
  const counted = filter && items.length > 0 && auditCountRequestSchema.parse({ count: first(params.count) }).count ? await countAuditLog(scope, filter) : null;
  const here = position.before ? { before: auditCursorText(position.before) } : position.after ? { after: auditCursorText(position.after) } : undefined;
  const now = new Date();
  const options = auditEventOptions(locale);
  // A kind this version does not name (newer code, a bookmarked URL) stays selectable.
  if (raw.event && !options.some((o) => o.value === raw.event)) options.push({ value: raw.event, label: auditEventLabel(raw.event, locale) });
  const describedBy = (name: keyof typeof raw, hint?: string) => [hint, errors[name]?.length ? `${name}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const fieldError = (name: keyof typeof raw) =>
    errors[name]?.length ? (
      <p className="error" id={`${name}-error`}>
        {errors[name]!.join(' ')}
      </p>
    ) : null;
  const t = await getTranslations('AuditLog');
  return (
    <main className="wide">
      <h1>{t('heading')}</h1>
      <form method="get" action="/admin/audit" role="search" aria-label={t('filterLabel')} className="card list-filters">
        <div>
          <label htmlFor="mailbox">{t('filterMailbox')}</label>
          <input id="mailbox" name="mailbox" type="search" defaultValue={raw.mailbox} aria-describedby={describedBy('mailbox')} />
          {fieldError('mailbox')}
        </div>
        <div>
          <label htmlFor="event">{t('event')}</label>
          <select id="event" name="event" defaultValue={raw.event} aria-describedby={describedBy('event')}>
            <option value="">{t('allEvents')}</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {fieldError('event')}
        </div>
        <div>
          <label htmlFor="ip">{t('address')}</label>
          <input id="ip" name="ip" type="text" defaultValue={raw.ip} placeholder="203.0.113.7" maxLength={45} aria-describedby={describedBy('ip')} />
          {fieldError('ip')}
        </div>
        <div>
          <label htmlFor="from">{t('filterFrom')}</label>
          <input id="from" name="from" type="text" inputMode="numeric" placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" maxLength={10} defaultValue={raw.from} aria-describedby={describedBy('from')} />
          {fieldError('from')}
        </div>
        <div>
          <label htmlFor="to">{t('filterTo')}</label>
          <input id="to" name="to" type="text" inputMode="numeric" placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" maxLength={10} defaultValue={raw.to} aria-describedby={describedBy('to')} />
          {fieldError('to')}
        </div>
        <div>
          <button type="submit">{t('filter')}</button>
        </div>
      </form>
      {filter ? (
        <p role="status" data-testid="audit-count">
          {items.length === 0 ? t('noMatch') : t('onThisPage', { shown: items.length })}{' '}
          {counted ? (
            <>{counted.capped ? t('countCapped', { total: counted.total }) : t('count', { total: counted.total })} </>
          ) : items.length > 0 ? (
            <>
              <Link href={hrefWith('/admin/audit', filter, here, true)}>{t('countLink')}</Link>{' '}
            </>
          ) : null}
          {filter.mailbox || filter.event || filter.ip || filter.from || filter.to ? <Link href="/admin/audit">{t('clear')}</Link> : null}
        </p>
      ) : (
        <p className="alert" role="alert">
          {t('fixFilter')}
        </p>
      )}
      {filter && items.length > 0 ? (
        <p>
          <a href={hrefWith('/admin/audit/export', filter)} download>
            {t('download')}
          </a>{' '}
          <span className="muted">{t('downloadAll')}</span>
        </p>
      ) : null}
      {items.length > 0 ? (
        <table data-testid="audit-table" className="stack audit">
          <caption className="visually-hidden">{t('caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('what')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-id={r.id} data-event={r.event}>
                <td data-label={t('when')} className="when">
                  <RelativeTime at={r.at} now={now} />
                </td>
                <td data-label={t('what')} className="full">
                  <span className="sentence">
                    <PhraseText parts={auditSentenceParts(r, locale)} />
                  </span>
                  <EventDetails row={r} locale={locale} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {filter && (newer || older) ? (
        <nav aria-label={t('pages')} className="pager">
          {newer ? <Link href={hrefWith('/admin/audit', filter, { after: newer })}>{t('newer')}</Link> : <span />}
          {newer ? <Link href={hrefWith('/admin/audit', filter)}>{t('newest')}</Link> : <span />}
          {older ? <Link href={hrefWith('/admin/audit', filter, { before: older })}>{t('older')}</Link> : <span />}
        </nav>
      ) : null}
    </main>
  );
}
