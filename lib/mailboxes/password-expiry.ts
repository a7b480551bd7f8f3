import 'server-only';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { accounts, mailboxes } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { operatorScope, type Scope } from '@/lib/scope';
import { passwordAge, REMINDER_DAYS, type PasswordAge } from './password-age';
import { requirePasswordReset } from './service';

/*
 * The routine check (spec §21): the job that sets the forced-change flag of mailboxes whose password is
 * older than their account's "Passwords expire after N days", and what the mailbox pages read of it.
 * A password's age counts from `password_changed_at`; a mailbox created before that column was kept
 * (NULL) counts from its creation, its only known setting of a password.
 */

const SYSTEM: AuditContext = { actor: { kind: 'system', email: 'password expiry' } };

/** When a mailbox's password was last set, as stored or, for mailboxes from before the column, their creation. */
export const passwordSetAt = sql<number>`COALESCE(${mailboxes.passwordChangedAt}, ${mailboxes.createdAt})`;

/** Rows flagged per transaction batch of one run (each mailbox is its own transaction). */
const BATCH = 500;

/**
 * Sets the forced-change flag of every mailbox whose password expired by `now` under its account's
 * policy and is not flagged yet. Each mailbox in its own transaction, through the mailbox service's
 * forced change (session version bumped, so every web and API session ends; open mail connections ended,
 * spec §18; audited `require_reset_password_changed`), together with the audit row `password_expired`
 * (actor `system`). Mailboxes already flagged are left alone, so a run repeated by mistake changes
 * nothing. Returns how many mailboxes were flagged. A job of lib/schedule/registry.ts, run once across instances.
 */
export async function expirePasswords(now: number): Promise<number> {
  // The product in 64 bits: PostgreSQL's integer × integer would overflow past 24 days.
  const expired = sql`${passwordSetAt} + ${accounts.passwordMaxAgeDays} * CAST(86400000 AS BIGINT) <= ${now}`;
  let flagged = 0;
  for (;;) {
    const due = await getDb()
      .select({ email: mailboxes.email, accountId: mailboxes.accountId, setAt: passwordSetAt, maxAgeDays: accounts.passwordMaxAgeDays })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(and(isNotNull(accounts.passwordMaxAgeDays), eq(mailboxes.requireResetPassword, false), expired))
      .limit(BATCH);
    let changed = 0;
    for (const box of due) if (await expireOne(box.email, now)) changed++;
    flagged += changed;
    // A batch that flagged nothing (every row changed meanwhile) would come back the same: stop.
    if (due.length < BATCH || changed === 0) return flagged;
  }
}

/** One mailbox: re-checked inside its transaction (a password changed meanwhile is not flagged). */
async function expireOne(email: string, now: number): Promise<boolean> {
  return await transaction(async (tx) => {
    const [row] = await tx
      .select({ id: mailboxes.id, accountId: mailboxes.accountId, flagged: mailboxes.requireResetPassword, setAt: passwordSetAt, maxAgeDays: accounts.passwordMaxAgeDays })
      .from(mailboxes)
      .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
      .where(eq(mailboxes.email, email))
      .limit(1);
    if (!row || row.flagged) return false;
    const age = passwordAge(Number(row.setAt), row.maxAgeDays, now);
    if (age.state !== 'expired') return false;
    const { changes } = await requirePasswordReset(operatorScope, email, true, SYSTEM);
    if (changes.length === 0) return false;
    await recordAudit(tx, SYSTEM, {
      event: 'password_expired',
      accountId: row.accountId,
      mailboxId: row.id,
      mailboxEmail: email,
      detail: { max_age_days: row.maxAgeDays, password_set_at: new Date(Number(row.setAt)).toISOString() },
    });
    return true;
  });
}

/** Where a mailbox's own password stands (the reminder on /mail, from REMINDER_DAYS before expiry). */
export async function ownPasswordAge(mailboxId: number, now: number = Date.now()): Promise<PasswordAge> {
  const [row] = await getDb()
    .select({ setAt: passwordSetAt, maxAgeDays: accounts.passwordMaxAgeDays })
    .from(mailboxes)
    .innerJoin(accounts, eq(accounts.id, mailboxes.accountId))
    .where(eq(mailboxes.id, mailboxId))
    .limit(1);
  return row ? passwordAge(Number(row.setAt), row.maxAgeDays, now) : { state: 'no-limit' };
}

/** The admin overview's password ages: how many of the scope's mailboxes fall in each age band, and how many expire soon. */
export interface PasswordAges {
  under90: number;
  from90to365: number;
  over365: number;
  /** Under the account's policy: passwords that expire within REMINDER_DAYS (null when the policy is off). */
  expiringSoon: number | null;
}

/** Password ages of an account's mailboxes (the overview figure). */
export async function passwordAges(scope: Scope, maxAgeDays: number | null, now: number = Date.now()): Promise<PasswordAges> {
  const day = 86_400_000;
  const band = (from: number, to: number | null) =>
    sql<number>`COALESCE(SUM(CASE WHEN ${passwordSetAt} <= ${now - from * day}${to === null ? sql`` : sql` AND ${passwordSetAt} > ${now - to * day}`} THEN 1 ELSE 0 END), 0)`;
  const soon =
    maxAgeDays === null
      ? sql<number>`0`
      : sql<number>`COALESCE(SUM(CASE WHEN ${mailboxes.requireResetPassword} = 0 AND ${passwordSetAt} + ${maxAgeDays * day} > ${now} AND ${passwordSetAt} + ${maxAgeDays * day} <= ${now + REMINDER_DAYS * day} THEN 1 ELSE 0 END), 0)`;
  const [row] = await getDb()
    .select({ under90: band(0, 90), from90to365: band(90, 365), over365: band(365, null), soon })
    .from(mailboxes)
    .where(scope.kind === 'account' ? eq(mailboxes.accountId, scope.accountId) : undefined);
  return {
    under90: Number(row?.under90 ?? 0),
    from90to365: Number(row?.from90to365 ?? 0),
    over365: Number(row?.over365 ?? 0),
    expiringSoon: maxAgeDays === null ? null : Number(row?.soon ?? 0),
  };
}
