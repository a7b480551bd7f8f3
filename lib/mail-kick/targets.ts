import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { mailboxes } from '@/db/schema';
import type { Db, Tx } from '@/db';
import type { KickTarget } from './outbox';

/*
 * Whose mail connections a change of a network set must end. Here, with the outbox, rather than in
 * lib/netsets: the expiry sweeper (./sweeper.ts) needs it too, and lib/netsets calls lib/mail-kick, so the
 * sweeper importing lib/netsets would tie the two folders in a cycle (docs/architecture.md).
 */

/** Rows of `mailboxes` whose list references the set `@name` (netsets' own listing uses it as well). */
export function referencing(name: string) {
  // Names are [a-z0-9-] only, so they hold no LIKE wildcard; the commas make "@office" not match "@office-2".
  return sql`(',' || ${mailboxes.allowNets} || ',') LIKE ${`%,@${name},%`}`;
}

/**
 * Every mailbox of the account that references the set and enforces its list: whose address set the set's
 * change (or an entry's expiry) may refuse, and so whose mail connections must end (spec §18).
 */
export async function enforcingMailboxesUsingSet(conn: Db | Tx, accountId: number, name: string): Promise<KickTarget[]> {
  return await conn
    .select({ id: mailboxes.id, email: mailboxes.email, accountId: mailboxes.accountId })
    .from(mailboxes)
    .where(and(eq(mailboxes.accountId, accountId), eq(mailboxes.allowNetsMode, 'enforce'), referencing(name)));
}
