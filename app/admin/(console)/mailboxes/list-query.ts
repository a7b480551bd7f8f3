import type { MailboxFilter, MailboxQuery, MailboxSortField } from '@/lib/mailboxes/service';

/**
 * The mailbox list's query string, read leniently: an unknown value falls back to the default instead of
 * failing, because these URLs are bookmarked and edited by hand.
 */

/** The list's filters and sort fields; their words are in the catalogue, under these namespaces. */
export const FILTER_TEXTS = 'MailboxFilter';
export const SORT_TEXTS = 'MailboxSort';
export const FILTERS: { value: MailboxFilter }[] = [
  { value: 'all' },
  { value: 'restricted' },
  { value: 'unrestricted' },
  { value: 'reset_pending' },
  { value: 'inactive' },
  { value: 'monitor' },
  { value: 'enforce' },
];
export const SORTS: { value: MailboxSortField }[] = [
  { value: 'email' },
  { value: 'last_login_at' },
  { value: 'created_at' },
  { value: 'updated_at' },
];
export const PAGE_SIZES = [25, 50, 100, 200] as const;
/** The largest "password older than" filter (100 years: anything past it matches nothing). */
export const MAX_AGE_DAYS = 36_500;
const DEFAULT_PAGE_SIZE = 50;

export interface ListQuery {
  q: string;
  domain: string;
  filter: MailboxFilter;
  sort: MailboxSortField;
  order: 'asc' | 'desc';
  page: number;
  size: number;
  /** "Password older than N days" (spec §21), or null: no age filter. */
  age: number | null;
}

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export function parseListQuery(params: Params): ListQuery {
  const filter = FILTERS.find((f) => f.value === first(params.filter))?.value ?? 'all';
  const sort = SORTS.find((s) => s.value === first(params.sort))?.value ?? 'email';
  const page = Number.parseInt(first(params.page), 10);
  const size = Number.parseInt(first(params.size), 10);
  const ageText = first(params.age).trim();
  const age = /^\d{1,5}$/.test(ageText) ? Number(ageText) : null;
  return {
    q: first(params.q).slice(0, 1000).trim().slice(0, 200),
    domain: first(params.domain).trim().slice(0, 253),
    filter,
    sort,
    order: first(params.order) === 'desc' ? 'desc' : 'asc',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    age: age !== null && age <= MAX_AGE_DAYS ? age : null,
  };
}

/** The service query for a list query (the page and the bulk "all matching" use the same conditions). */
export function serviceQuery(q: ListQuery): MailboxQuery {
  return { search: q.q || undefined, domain: q.domain || undefined, filter: q.filter, sort: q.sort, order: q.order, page: q.page, pageSize: q.size, passwordOlderThanDays: q.age ?? undefined };
}

/** The list's URL with some parameters changed; defaults are left out to keep URLs short. */
export function listHref(q: ListQuery, change: Partial<ListQuery> = {}): string {
  const next = { ...q, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.domain) params.set('domain', next.domain);
  if (next.filter !== 'all') params.set('filter', next.filter);
  if (next.age !== null) params.set('age', String(next.age));
  if (next.sort !== 'email') params.set('sort', next.sort);
  if (next.order !== 'asc') params.set('order', next.order);
  if (next.size !== DEFAULT_PAGE_SIZE) params.set('size', String(next.size));
  if (next.page !== 1) params.set('page', String(next.page));
  const text = params.toString();
  return text ? `/admin/mailboxes?${text}` : '/admin/mailboxes';
}
