import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { domains, mailboxes } from '@/db/schema';
import { getDb, type Tx, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { scopeAccountId, tenantCondition, type Scope } from '@/lib/scope';
import { parseOrThrow } from '@/lib/validation';
import { assertSetsExist } from '@/lib/netsets/service';
import { emailSchema } from './schemas';
import { applyPatch, mailboxQueryConditions, parsePatch, patchColumns, type MailboxChange, type MailboxFilter, type PatchRow, type ParsedPatch } from './service';
import { problem } from '@/lib/service-problems';

/**
 * Bulk changes for an incident ("force a password change on everyone in sales", "add the new VPN range
 * to every restricted mailbox"): one validated action applied to a set of mailboxes in ONE transaction,
 * through the same patch step as a single-mailbox update, so the rules, session cut-off and audit rows
 * are identical. Any error (an invalid network, a mailbox outside the scope, a changed selection) changes
 * nothing at all.
 */

/** What a bulk change can do (the admin UI's choices). */
export const BULK_ACTIONS = ['replace_nets', 'add_nets', 'remove_restriction', 'force_reset', 'cancel_reset', 'mode_monitor', 'mode_enforce'] as const;
export type BulkActionKind = (typeof BULK_ACTIONS)[number];

/** The most addresses one "selected" request may name; larger sets use a filter ("all matching"). */
export const MAX_SELECTED = 1000;

const FILTERS = ['all', 'restricted', 'unrestricted', 'reset_pending', 'inactive', 'monitor', 'enforce'] as const satisfies readonly MailboxFilter[];

/** A bulk request: the action, its networks if any, and the target (selected addresses or a filter). */
export const bulkRequestSchema = z.object({
  action: z.enum(BULK_ACTIONS, { error: 'choose what to change' }),
  /** Networks as typed, for replace_nets and add_nets. */
  allowNets: z.string().max(70_000).optional(),
  /** force_reset only: revoke the mailboxes' app passwords too (spec §20; default yes). */
  revokeAppPasswords: z.boolean().optional(),
  target: z.discriminatedUnion(
    'kind',
    [
      z.object({
        kind: z.literal('selected'),
        emails: z.array(emailSchema).min(1, 'Select at least one mailbox.').max(MAX_SELECTED, `Select at most ${MAX_SELECTED} mailboxes, or use "all matching".`),
      }),
      z.object({
        kind: z.literal('matching'),
        query: z.object({
          domain: z.string().max(253).optional(),
          search: z.string().max(200, { abort: true }).optional(),
          filter: z.enum(FILTERS).optional(),
          // "Password older than N days" (spec §21), as the list filters it.
          passwordOlderThanDays: z.number({ error: 'password age: must be a whole number of days' }).int().min(0).max(36_500).optional(),
        }),
      }),
    ],
    { error: 'choose the mailboxes to change' },
  ),
});
export type BulkRequest = z.input<typeof bulkRequestSchema>;
type ParsedRequest = z.output<typeof bulkRequestSchema>;

/** The validated action: a fixed patch, or (add_nets) the canonical entries to append to each list. */
type PreparedAction = { kind: 'patch'; patch: ParsedPatch } | { kind: 'add'; added: string };

function prepareAction(request: ParsedRequest): PreparedAction {
  switch (request.action) {
    case 'replace_nets':
    case 'add_nets': {
      const patch = parsePatch({ allowNets: request.allowNets ?? '' });
      if (patch.allowNets == null) {
        throw new ValidationError('allow_nets', problem(request.action === 'replace_nets' ? 'bulk_no_nets_replace' : 'bulk_no_nets', {}, 'allow_nets'));
      }
      return request.action === 'replace_nets' ? { kind: 'patch', patch } : { kind: 'add', added: patch.allowNets };
    }
    case 'remove_restriction':
      return { kind: 'patch', patch: parsePatch({ allowNets: null }) };
    case 'force_reset':
      return { kind: 'patch', patch: parsePatch({ requireResetPassword: true, revokeAppPasswords: request.revokeAppPasswords }) };
    case 'cancel_reset':
      return { kind: 'patch', patch: parsePatch({ requireResetPassword: false }) };
    case 'mode_monitor':
      return { kind: 'patch', patch: parsePatch({ allowNetsMode: 'monitor' }) };
    case 'mode_enforce':
      return { kind: 'patch', patch: parsePatch({ allowNetsMode: 'enforce' }) };
  }
}

/** The target's rows, in address order. A selected address outside the scope is "not found": nothing may change. */
async function loadTargets(conn: ReturnType<typeof getDb> | Tx, scope: Scope, target: ParsedRequest['target']): Promise<PatchRow[]> {
  if (target.kind === 'selected') {
    const wanted = [...new Set(target.emails)];
    const rows = await conn
      .select(patchColumns)
      .from(mailboxes)
      .where(and(inArray(mailboxes.email, wanted), tenantCondition(scope, mailboxes.accountId)))
      .orderBy(asc(mailboxes.email));
    const found = new Set(rows.map((r) => r.email));
    const missing = wanted.filter((e) => !found.has(e));
    if (missing.length > 0) {
      throw new NotFoundError(problem('bulk_mailboxes_missing', { count: missing.length, list: missing.slice(0, 10).join(', '), more: Math.max(0, missing.length - 10) }));
    }
    return rows;
  }
  return await conn
    .select(patchColumns)
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(mailboxQueryConditions(scope, target.query))
    .orderBy(asc(mailboxes.email));
}

export interface BulkPlan {
  action: BulkActionKind;
  /** Canonical networks of replace_nets / add_nets. */
  allowNets: string | null;
  /** How many mailboxes the action would be applied to: the number the admin confirms. */
  count: number;
  /** The first few addresses, to show with the confirmation. */
  sample: string[];
}

/**
 * Validates a bulk request and counts its mailboxes without changing anything: the confirmation step.
 * Throws a ValidationError (naming every invalid network) or a NotFoundError like the change itself would.
 */
export async function planBulkChange(scope: Scope, request: BulkRequest): Promise<BulkPlan> {
  const data = parseOrThrow(bulkRequestSchema, request);
  const action = prepareAction(data);
  const allowNets = action.kind === 'add' ? action.added : data.action === 'replace_nets' ? (action.patch.allowNets ?? null) : null;
  // An unknown @name is refused at the review already, as the change itself would refuse it (an operator's
  // request may span accounts: there each mailbox's own account's sets are checked when it is applied).
  if (scope.kind === 'account') await assertSetsExist(getDb(), scope.accountId, allowNets, 'allow_nets');
  if (data.target.kind === 'selected') {
    const rows = await loadTargets(getDb(), scope, data.target);
    return { action: data.action, allowNets, count: rows.length, sample: rows.slice(0, 10).map((r) => r.email) };
  }
  const where = mailboxQueryConditions(scope, data.target.query);
  const count = (await getDb().select({ n: sql<number>`count(*)` }).from(mailboxes).innerJoin(domains, eq(domains.id, mailboxes.domainId)).where(where).limit(1))[0]?.n ?? 0;
  const sample = (
    await getDb()
    .select({ email: mailboxes.email })
    .from(mailboxes)
    .innerJoin(domains, eq(domains.id, mailboxes.domainId))
    .where(where)
    .orderBy(asc(mailboxes.email))
    .limit(10)
  ).map((r) => r.email);
  return { action: data.action, allowNets, count, sample };
}

export interface BulkResult {
  action: BulkActionKind;
  /** Mailboxes the action was applied to. */
  matched: number;
  /** Mailboxes that actually changed. */
  changed: number;
  /** Already as requested. */
  unchanged: number;
  /** add_nets only: unrestricted mailboxes, left unrestricted (adding entries would have narrowed them). */
  skippedUnrestricted: number;
  /** Changed fields, counted over all mailboxes. */
  fields: Partial<Record<MailboxChange['field'], number>>;
}

/**
 * Applies a bulk action in one transaction with its audit rows (one per changed field and mailbox, plus a
 * `bulk_changed` summary). `expectedCount` is the count the admin confirmed: if the target no longer has
 * exactly that many mailboxes, nothing changes and a ConflictError asks for a new confirmation.
 *
 * add_nets appends to restricted mailboxes only: on an unrestricted mailbox it would turn "any network"
 * into "only these", which locks people out, the opposite of what adding networks is for.
 */
export async function applyBulkChange(scope: Scope, request: BulkRequest, ctx: AuditContext, options: { expectedCount?: number } = {}): Promise<BulkResult> {
  const data = parseOrThrow(bulkRequestSchema, request);
  const action = prepareAction(data);
  // db/'s transaction takes SQLite's write lock up front (BEGIN IMMEDIATE): the rows are read and then
  // written, and a deferred one would fail with SQLITE_BUSY_SNAPSHOT when another process wrote in between.
  return transaction(async (tx) => {
    const rows = await loadTargets(tx, scope, data.target);
    if (options.expectedCount !== undefined && rows.length !== options.expectedCount) {
      throw new ConflictError(problem('bulk_selection_changed', { matched: rows.length, confirmed: options.expectedCount }));
    }
    const result: BulkResult = { action: data.action, matched: rows.length, changed: 0, unchanged: 0, skippedUnrestricted: 0, fields: {} };
    for (const row of rows) {
      let patch: ParsedPatch;
      if (action.kind === 'add') {
        if (row.allowNets === null) {
          result.skippedUnrestricted++;
          continue;
        }
        try {
          patch = parsePatch({ allowNets: `${row.allowNets},${action.added}` });
        } catch (error) {
          // The merged list can exceed the entry limit for one mailbox: name it, and roll everything back.
          if (error instanceof ValidationError) throw new ValidationError(error.field, `${row.email}: ${error.message}`, error.details);
          throw error;
        }
      } else {
        patch = action.patch;
      }
      const changes = await applyPatch(tx, row, patch, null, ctx);
      if (changes.length === 0) result.unchanged++;
      else result.changed++;
      for (const c of changes) result.fields[c.field] = (result.fields[c.field] ?? 0) + 1;
    }
    await recordAudit(tx, ctx, {
      event: 'bulk_changed',
      accountId: scopeAccountId(scope),
      detail: {
        action: data.action,
        ...(data.action === 'force_reset' ? { revoke_app_passwords: data.revokeAppPasswords !== false } : {}),
        ...(action.kind === 'add' ? { allow_nets_added: action.added } : data.action === 'replace_nets' ? { allow_nets: action.patch.allowNets } : {}),
        target: data.target.kind === 'selected' ? { selected: rows.length } : { matching: data.target.query },
        matched: result.matched,
        changed: result.changed,
        skipped_unrestricted: result.skippedUnrestricted,
      },
    });
    return result;
  });
}
