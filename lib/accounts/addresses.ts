import 'server-only';
import { and, eq } from 'drizzle-orm';
import { admins, domains, mailboxes } from '@/db/schema';
import { lockKeys, type Tx } from '@/db';
import { ValidationError } from '@/lib/errors';
import type { Scope } from '@/lib/scope';
import { englishProblemText, problem } from '@/lib/service-problems';

/**
 * Which addresses a new admin or mailbox may take (spec §23). One address is one identity: the API's
 * `auth` and the sign-in pages decide by address whether it is an admin or a mailbox, so an address that
 * were both would lock one of them out and hand the other's failed attempts to the wrong audit log.
 * Admins and mailboxes therefore share one address space, across every account.
 */

/**
 * The one answer to a business admin whose new admin address is refused, whatever the reason (outside the
 * account's domains, a mailbox, an admin of this or any other account): a different text would tell them
 * which addresses exist in other accounts.
 */
export const ADMIN_ADDRESS_REFUSED = englishProblemText(problem('admin_address_refused'));

/** The answer when a new mailbox's address is taken: the same whether a mailbox or an admin holds it. */
export function addressInUseMessage(email: string): string {
  return englishProblemText(problem('address_in_use', { email }));
}

/**
 * Inside the transaction that inserts `email` as an admin or a mailbox: serialises it with every other such
 * transaction for the same address (PostgreSQL; SQLite has one writer anyway), then says whether a mailbox
 * or an admin of any account already has it. The unique indexes hold each table; this holds the pair.
 */
export async function claimAddress(tx: Tx, email: string): Promise<{ taken: boolean }> {
  await lockKeys([`address:${email}`]);
  const [mailbox] = await tx.select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.email, email)).limit(1);
  const [admin] = await tx.select({ id: admins.id }).from(admins).where(eq(admins.email, email)).limit(1);
  return { taken: mailbox !== undefined || admin !== undefined };
}

/**
 * Checks a new admin address inside the inserting transaction. A business admin (account scope) may use an
 * address of one of the account's own domains that nobody uses; every refusal is the same
 * ValidationError, and all three lookups run whatever the first one found, so neither the text nor the
 * work done tells the reasons apart. The operator may use any address nobody uses, and is told plainly.
 */
export async function assertAdminAddressFree(tx: Tx, scope: Scope, email: string): Promise<void> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const own = scope.kind === 'account' ? await tx.select({ id: domains.id }).from(domains).where(and(eq(domains.name, domain), eq(domains.accountId, scope.accountId))).limit(1) : [];
  const { taken } = await claimAddress(tx, email);
  if (scope.kind === 'account') {
    if (taken || own.length === 0) throw new ValidationError('email', problem('admin_address_refused'));
    return;
  }
  if (taken) throw new ValidationError('email', problem('address_in_use', { email }));
}
