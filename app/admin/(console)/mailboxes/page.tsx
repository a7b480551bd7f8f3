import type { Metadata } from 'next';
import Link from 'next/link';
import { listDomains } from '@/lib/accounts/service';
import { requireAdmin } from '@/lib/session/dal';
import { listMailboxes } from '@/lib/mailboxes/service';
import { LocalTime } from '@/app/_components/local-time';
import { Address } from '@/app/_components/address';
import { BulkPanel } from './bulk-panel';
import { FILTERS, listHref, PAGE_SIZES, parseListQuery, serviceQuery, SORTS, type ListQuery } from './list-query';
import { mailboxHref } from './mailbox-href';
import { SelectAll } from './select-all';
import { NetsCell } from './nets-cell';
import { renderTime } from '@/lib/netsets/suggestions';
import { netSetNames } from '@/lib/netsets/service';

export const metadata: Metadata = { title: 'Mailboxes' };

const TEXT = {
  ageLabel: 'Password older than (days)',
  ageHint: 'Leave empty to show mailboxes whatever the age of their password.',
} as const;

/** Notices after a redirect, by code: the page never shows text taken from the URL. */
const NOTICES: Record<string, string> = {
  'password-chosen': 'Your password has been changed. From now on, sign in with the password you just chose.',
};

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
  const notice = typeof params.notice === 'string' && Object.hasOwn(NOTICES, params.notice) ? NOTICES[params.notice] : null;
  const { items, total } = await listMailboxes(scope, serviceQuery(query));
  const now = renderTime();
  const domains = await listDomains(scope);
  const pages = Math.max(1, Math.ceil(total / query.size));
  const from = total === 0 ? 0 : (query.page - 1) * query.size + 1;
  const to = (query.page - 1) * query.size + items.length;
  const n = (v: number) => v.toLocaleString('en-US');
  return (
    <main className="wide">
      <h1>Mailboxes</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form method="get" action="/admin/mailboxes" role="search" aria-label="Find mailboxes" className="card list-filters">
        <div>
          <label htmlFor="q">Search by address</label>
          <input id="q" name="q" type="search" defaultValue={query.q} />
        </div>
        <div>
          <label htmlFor="filter">Show</label>
          <select id="filter" name="filter" defaultValue={query.filter}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        {domains.length > 1 ? (
          <div>
            <label htmlFor="domain">Domain</label>
            <select id="domain" name="domain" defaultValue={query.domain}>
              <option value="">All domains</option>
              {domains.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="age">{TEXT.ageLabel}</label>
          <input id="age" name="age" inputMode="numeric" maxLength={5} size={6} defaultValue={query.age ?? ''} aria-describedby="age-hint" />
          <span className="visually-hidden" id="age-hint">
            {TEXT.ageHint}
          </span>
        </div>
        <div>
          <label htmlFor="sort">Sort by</label>
          <select id="sort" name="sort" defaultValue={query.sort}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="order">Order</label>
          <select id="order" name="order" defaultValue={query.order}>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        <div>
          <label htmlFor="size">Per page</label>
          <select id="size" name="size" defaultValue={query.size}>
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">Search</button>
        </div>
      </form>
      <p role="status" data-testid="list-count">
        {total === 0 ? 'No mailboxes match.' : `${n(total)} ${total === 1 ? 'mailbox matches' : 'mailboxes match'}; showing ${n(from)}–${n(to)}.`}{' '}
        {query.q || query.filter !== 'all' || query.domain || query.age !== null ? <Link href="/admin/mailboxes">Clear search and filter</Link> : null}
      </p>
      <BulkPanel query={{ q: query.q, domain: query.domain, filter: query.filter, age: query.age === null ? '' : String(query.age) }} total={total} href={listHref(query)} setNames={await netSetNames(admin.accountId)}>
        <div className="table-scroll">
          <table data-testid="mailbox-table" className="stack">
            <caption className="visually-hidden">Mailboxes, page {query.page} of {pages}</caption>
            <thead className="with-select-all">
              <tr>
                <th scope="col" className="select-head">
                  <span className="visually-hidden">Select</span>
                  <SelectAll />
                </th>
                <SortHeader query={query} field="email">
                  Address
                </SortHeader>
                <th scope="col">Allowed networks</th>
                <th scope="col">Password change pending</th>
                <SortHeader query={query} field="last_login_at">
                  Last sign-in
                </SortHeader>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => {
                return (
                  <tr key={m.id}>
                    <td className="select-cell">
                      <input type="checkbox" name="selected" value={m.email} aria-label={`Select ${m.email}`} />
                    </td>
                    <td data-label="Address">
                      <Link href={mailboxHref(m.email)}>
                        <Address text={m.email} />
                      </Link>
                    </td>
                    <td data-label="Allowed networks">
                      <NetsCell allowNets={m.allowNets} allowNetsMeta={m.allowNetsMeta} allowNetsMode={m.allowNetsMode} now={now} />
                    </td>
                    <td data-label="Password change pending">{m.requireResetPassword ? 'Yes' : 'No'}</td>
                    <td data-label="Last sign-in">
                      <LocalTime at={m.lastLoginAt} />
                      {m.lastLoginIp ? (
                        <>
                          <br />
                          <Address text={m.lastLoginIp} />
                        </>
                      ) : null}
                    </td>
                    <td data-label="Active">{m.active ? 'Yes' : 'No'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </BulkPanel>
      {pages > 1 ? (
        <nav aria-label="Pages" className="pager">
          {query.page > 1 ? <Link href={listHref(query, { page: query.page - 1 })}>← Previous</Link> : <span />}
          <span>
            Page {n(Math.min(query.page, pages))} of {n(pages)}
          </span>
          {query.page < pages ? <Link href={listHref(query, { page: query.page + 1 })}>Next →</Link> : <span />}
        </nav>
      ) : null}
    </main>
  );
}
