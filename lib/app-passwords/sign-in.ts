import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { appPasswords } from '@/db/schema';
import { prepareAs, preparedOnce, type Tx } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { plainListAllows } from '@/lib/net/allowlist';
import { appPasswordCandidate, appPasswordTag, parseProtocols } from './format';

/*
 * App passwords at sign-in (spec §20; docs/app-passwords.md). verifyMailboxSignIn stays the one path: on the
 * mail protocols it asks mailCredential which stored hash the typed password is to be compared with, and
 * compares exactly one, so throttling, the verification cache and the failure's timing are the account
 * password's whatever the reason.
 */

/** The protocols app passwords work on; the web and the API never consider them. */
const MAIL_PROTOCOLS: ReadonlySet<string> = new Set(['imap', 'pop3', 'smtp']);

/** An app password picked by its tag, with what its checks need. */
export interface AppPasswordCredential {
  id: number;
  label: string;
  passwordHash: string;
  protocols: string;
  allowNets: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  lastUsedProtocol: string | null;
  /** The typed password in its canonical form (what the hash was made of). */
  canonical: string;
}

const prepared = preparedOnce((db) => ({
  byTag: prepareAs(
    'app_password_byTag',
    db
      .select({
        id: appPasswords.id,
        label: appPasswords.label,
        passwordHash: appPasswords.passwordHash,
        protocols: appPasswords.protocols,
        allowNets: appPasswords.allowNets,
        expiresAt: appPasswords.expiresAt,
        lastUsedAt: appPasswords.lastUsedAt,
        lastUsedAddress: appPasswords.lastUsedAddress,
        lastUsedProtocol: appPasswords.lastUsedProtocol,
      })
      .from(appPasswords)
      .where(and(eq(appPasswords.mailboxId, sql.placeholder('mailboxId')), eq(appPasswords.lookupTag, sql.placeholder('tag'))))
      .limit(1),
  ),
}));

/**
 * The app password a typed password names, or null (then the account password is the credential). Only on
 * the mail protocols and only for a password of an app password's shape: one indexed read by (mailbox, tag),
 * run for an unknown mailbox too (id 0), so that the steps do not depend on whether the mailbox exists.
 * Tags are unique per mailbox (createAppPassword draws again on a clash), so there is at most one candidate.
 */
export async function mailCredential(mailboxId: number | undefined, typed: string, protocol: string | null | undefined): Promise<AppPasswordCredential | null> {
  if (!protocol || !MAIL_PROTOCOLS.has(protocol)) return null;
  const canonical = appPasswordCandidate(typed);
  if (canonical === null) return null;
  const [row] = await prepared().byTag.execute({ mailboxId: mailboxId ?? 0, tag: appPasswordTag(canonical) });
  return row ? { ...row, canonical } : null;
}

export type AppPasswordRefusal = 'app_password_protocol' | 'app_password_expired' | 'app_password_network';

/**
 * Why an app password may not sign in here and now, or null. Checked besides the mailbox's own checks
 * (active, its list): the app password's networks narrow the mailbox's list and are enforced even while the
 * mailbox's list is in monitor mode (they are the user's own choice, not a trial of the admin's).
 */
export function appPasswordRefusal(credential: AppPasswordCredential, protocol: string | null | undefined, address: string | null, now = Date.now()): AppPasswordRefusal | null {
  if (!protocol || !(parseProtocols(credential.protocols) as string[]).includes(protocol)) return 'app_password_protocol';
  if (credential.expiresAt !== null && credential.expiresAt.getTime() <= now) return 'app_password_expired';
  if (!plainListAllows(credential.allowNets, address)) return 'app_password_network';
  return null;
}

/** Last use is written at most this often per app password while its address and protocol stay the same. */
export const LAST_USE_RESOLUTION_MS = 60_000;

/**
 * Whether a successful use has something to write (recordAppPasswordUse): a first use, a new address or
 * protocol, or a last use a minute old. When not, a warm login takes the account password's write-light path.
 */
export function appPasswordUseToWrite(credential: AppPasswordCredential, address: string | null, protocol: string | null | undefined, now = Date.now()): boolean {
  if (credential.lastUsedAt === null || credential.lastUsedAddress !== address || credential.lastUsedProtocol !== (protocol ?? null)) return true;
  return now - credential.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS;
}

/**
 * Records a successful sign-in with an app password inside the login's transaction: its last use (time,
 * address, protocol; skipped when nothing but the time moved, by less than a minute, so that an app that
 * reconnects all day writes little), and an `app_password_used` audit row for its first use and whenever
 * it is used from an address other than its last one.
 */
export async function recordAppPasswordUse(
  tx: Tx,
  credential: AppPasswordCredential,
  mailbox: { id: number; email: string; accountId: number },
  ctx: AuditContext & { clientIp: string | null },
  now = Date.now(),
): Promise<void> {
  const address = ctx.clientIp;
  const protocol = ctx.protocol ?? null;
  if (!appPasswordUseToWrite(credential, address, protocol, now)) return;
  const newAddress = credential.lastUsedAt === null || credential.lastUsedAddress !== address;
  await tx.update(appPasswords).set({ lastUsedAt: new Date(now), lastUsedAddress: address, lastUsedProtocol: protocol }).where(eq(appPasswords.id, credential.id));
  if (newAddress) {
    await recordAudit(tx, ctx, { event: 'app_password_used', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { app_password_id: credential.id, label: credential.label } });
  }
}
