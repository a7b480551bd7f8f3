import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { listDomains } from '@/lib/accounts/service';
import { requireAdmin } from '@/lib/session/dal';
import { listMailboxes } from '@/lib/mailboxes/service';
import { LocalTime } from '@/app/_components/local-time';
import { Address } from '@/app/_components/address';
import { BulkPanel } from './bulk-panel';
import { FILTER_TEXTS, FILTERS, listHref, PAGE_SIZES, parseListQuery, serviceQuery, SORT_TEXTS, SORTS, type ListQuery } from './list-query';
import { mailboxHref } from './mailbox-href';
import { SelectAll } from './select-all';
import { NetsCell } from './nets-cell';
import { renderTime } from '@/lib/netsets/suggestions';
import { netSetNames } from '@/lib/netsets/service';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('MailboxList'))('metaTitle') };
}

/** Notices after a redirect, by code (catalogue keys): the page never shows text taken from the URL. */
const NOTICES = new Map([['password-chosen', 'passwordChosen']] as const);

/**
 * A column the list can be sorted by: it shows the current order. Sorting itself is chosen in one place,
 * the "Sort by" and "Order" fields above (which phones, where the headers are hidden, need too).
 */
function SortHeader({ query, field, children }: { query: ListQuery; field: ListQuery['sort']; children: React.ReactNode }) {
  const active = query.sort === field;
  return (
    <th scope="col" aria-sort={active ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      {children}
      {active ? <span aria-hidden="true">{query.order === 'asc' ? ' ▲' : ' ▼'}</span> : ''}
    </th>
  );
}

export default async function MailboxesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { scope, admin } = await requireAdmin();
  const params = await searchParams;
  const query = parseListQuery(params);
  const [t, tFilter, tSort] = await Promise.all([getTranslations('MailboxList'), getTranslations(FILTER_TEXTS), getTranslations(SORT_TEXTS)]);
  const noticeKey = typeof params.notice === 'string' ? NOTICES.get(params.notice as 'password-chosen') : undefined;
  const notice = noticeKey ? t(noticeKey) : null;
  const { items, total } = await listMailboxes(scope, serviceQuery(query));
  const now = renderTime();
  const domains = await listDomains(scope);
  const pages = Math.max(1, Math.ceil(total / query.size));
  const from = total === 0 ? 0 : (query.page - 1) * query.size + 1;
  const to = (query.page - 1) * query.size + items.length;
  return (
    <main className="wide">
      <h1>{t('heading')}</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form method="get" action="/admin/mailboxes" role="search" aria-label={t('find')} className="card list-filters">
        <div>
          <label htmlFor="q">{t('search')}</label>
          <input id="q" name="q" type="search" defaultValue={query.q} />
        </div>
        <div>
          <label htmlFor="filter">{t('show')}</label>
          <select id="filter" name="filter" defaultValue={query.filter}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {tFilter(f.value)}
              </option>
            ))}
          </select>
        </div>
        {domains.length > 1 ? (
          <div>
            <label htmlFor="domain">{t('domain')}</label>
            <select id="domain" name="domain" defaultValue={query.domain}>
              <option value="">{t('allDomains')}</option>
              {domains.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="age">{t('ageLabel')}</label>
          <input id="age" name="age" inputMode="numeric" maxLength={5} size={6} defaultValue={query.age ?? ''} aria-describedby="age-hint" />
          <span className="visually-hidden" id="age-hint">
            {t('ageHint')}
          </span>
        </div>
        <div>
          <label htmlFor="sort">{t('sortBy')}</label>
          <select id="sort" name="sort" defaultValue={query.sort}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {tSort(s.value)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="order">{t('order')}</label>
          <select id="order" name="order" defaultValue={query.order}>
            <option value="asc">{t('ascending')}</option>
            <option value="desc">{t('descending')}</option>
          </select>
        </div>
        <div>
          <label htmlFor="size">{t('perPage')}</label>
          <select id="size" name="size" defaultValue={query.size}>
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">{t('submit')}</button>
        </div>
      </form>
      <p role="status" data-testid="list-count">
        {total === 0 ? t('noneMatch') : t('matches', { total, from, to })}{' '}
        {query.q || query.filter !== 'all' || query.domain || query.age !== null ? <Link href="/admin/mailboxes">{t('clear')}</Link> : null}
      </p>
      <BulkPanel query={{ q: query.q, domain: query.domain, filter: query.filter, age: query.age === null ? '' : String(query.age) }} total={total} href={listHref(query)} setNames={await netSetNames(admin.accountId)}>
        <div className="table-scroll">
          <table data-testid="mailbox-table" className="stack">
            <caption className="visually-hidden">{t('caption', { page: query.page, pages })}</caption>
            <thead className="with-select-all">
              <tr>
                <th scope="col" className="select-head">
                  <span className="visually-hidden">{t('select')}</span>
                  <SelectAll />
                </th>
                <SortHeader query={query} field="email">
                  {t('address')}
                </SortHeader>
                <th scope="col">{t('nets')}</th>
                <th scope="col">{t('resetPending')}</th>
                <SortHeader query={query} field="last_login_at">
                  {t('lastSignIn')}
                </SortHeader>
                <th scope="col">{t('active')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => {
                return (
                  <tr key={m.id}>
                    <td className="select-cell">
                      <input type="checkbox" name="selected" value={m.email} aria-label={t('selectOne', { email: m.email })} />
                    </td>
                    <td data-label={t('address')}>
                      <Link href={mailboxHref(m.email)}>
                        <Address text={m.email} />
                      </Link>
                    </td>
                    <td data-label={t('nets')}>
                      <NetsCell allowNets={m.allowNets} allowNetsMeta={m.allowNetsMeta} allowNetsMode={m.allowNetsMode} now={now} />
                    </td>
                    <td data-label={t('resetPending')}>{m.requireResetPassword ? t('yes') : t('no')}</td>
                    <td data-label={t('lastSignIn')}>
                      <LocalTime at={m.lastLoginAt} />
                      {m.lastLoginIp ? (
                        <>
                          <br />
                          <Address text={m.lastLoginIp} />
                        </>
                      ) : null}
                    </td>
                    <td data-label={t('active')}>{m.active ? t('yes') : t('no')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </BulkPanel>
      {pages > 1 ? (
        <nav aria-label={t('pages')} className="pager">
          {query.page > 1 ? <Link href={listHref(query, { page: query.page - 1 })}>{t('previous')}</Link> : <span />}
          <span>{t('pageOf', { page: Math.min(query.page, pages), pages })}</span>
          {query.page < pages ? <Link href={listHref(query, { page: query.page + 1 })}>{t('next')}</Link> : <span />}
        </nav>
      ) : null}
    </main>
  );
}
