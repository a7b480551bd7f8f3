import 'server-only';
import { z } from 'zod';
import { listDomains } from '@/lib/accounts/service';
import { NotFoundError } from '@/lib/errors';
import { mailboxPageInChunks, type MailboxSortField } from '@/lib/mailboxes/service';
import { domainSchema } from '@/lib/mailboxes/schemas';
import { toMailGetObject } from '@/lib/mailboxes/view';
import { StreamedArray } from '../bounded-answer';
import { defineMethod, scopeOf } from '../method';

export const MAIL_LIST_DEFAULT_PAGE_SIZE = 100;
/** Spec §23: list methods cap page_size at 500 (a page of 500 mailboxes with 2,000-character memos is about 1.3 MiB). */
export const MAIL_LIST_MAX_PAGE_SIZE = 500;
// Far beyond any account; keeps the OFFSET arithmetic exact.
export const MAIL_LIST_MAX_PAGE = 1_000_000;

const SORT_FIELDS = { mail: 'email', created_at: 'created_at', updated_at: 'updated_at', last_login_at: 'last_login_at' } as const satisfies Record<string, MailboxSortField>;
const sortFieldNames = Object.keys(SORT_FIELDS) as (keyof typeof SORT_FIELDS)[];

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max.toLocaleString('en-US')}` })
    .int(`must be a whole number from ${min} to ${max.toLocaleString('en-US')}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max.toLocaleString('en-US')}`);

/**
 * `mail.list {domain, page_size?, page?, sort_field?, sort_order?, password_older_than_days?}` → an array of
 * `mail.get` objects.
 * Defaults: 100 per page (at most 500), page 1, sorted by `mail` ascending; a page past the end is `[]`.
 * A domain of another account is 404, like a missing one. The page is read from the database in chunks as
 * its answer is written (StreamedArray), so an answer past the request's budget stops the reading too.
 */
export const mailList = defineMethod({
  access: 'account',
  params: z.object({
    domain: domainSchema,
    page_size: wholeNumber(1, MAIL_LIST_MAX_PAGE_SIZE).optional(),
    page: wholeNumber(1, MAIL_LIST_MAX_PAGE).optional(),
    sort_field: z.enum(sortFieldNames, { error: `must be one of: ${sortFieldNames.join(', ')}` }).optional(),
    sort_order: z
      .string({ error: 'must be "asc" or "desc"' })
      .toLowerCase()
      .pipe(z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' }))
      .optional(),
    // Spec §21: only mailboxes whose password was set more than this many days ago.
    password_older_than_days: wholeNumber(0, 36_500).optional(),
  }),
  async handle(params, session) {
    const scope = scopeOf(session);
    if (!(await listDomains(scope)).includes(params.domain)) throw new NotFoundError(`Domain ${params.domain} not found`);
    const chunks = mailboxPageInChunks(scope, {
      domain: params.domain,
      pageSize: params.page_size ?? MAIL_LIST_DEFAULT_PAGE_SIZE,
      page: params.page ?? 1,
      sort: SORT_FIELDS[params.sort_field ?? 'mail'],
      order: params.sort_order ?? 'asc',
      passwordOlderThanDays: params.password_older_than_days,
    });
    const now = Date.now();
    return new StreamedArray(
      (async function* () {
        for await (const views of chunks) yield* views.map((view) => toMailGetObject(view, now));
      })(),
    );
  },
});
