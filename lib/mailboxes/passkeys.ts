import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { mailboxes, mailboxPasskeys } from '@/db/schema';
import { getDb, transaction } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
// The refusals' English is the catalogue's, so that the web actions can say them in the reader's language
// (lib/mailboxes/two-factor-messages.ts); other channels keep the English.
import en from '@/lib/i18n/messages/en.json';
import { endSubjectSessions } from '@/lib/session-rows';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { problem } from '@/lib/service-problems';
import { endMailConnections } from '@/lib/mail-kick/outbox';
import { countSubjectPasskeys, insertPasskey, listSubjectPasskeys, subjectPasskeyRegistrationOptions, verifyPasskeyRegistration, type PasskeyView } from '@/lib/second-factor/passkey';
import { clearTwoFactor, ownTwoFactorRow, proveMailboxPasswordAndCode, replaceRecoveryCodes, type MailboxActor } from './two-factor';

/**
 * A mailbox user's passkeys (spec §20) on /account/two-factor: add (named), list, remove. The ceremonies are
 * the admins' (lib/second-factor/passkey.ts, with a mailbox subject); the rules here are the mailbox's:
 *
 * - the first passkey of a mailbox without TOTP turns two-factor on, exactly as confirming TOTP does: 10
 *   recovery codes (shown once), the mailbox's other sessions and open mail connections end (spec §18), and
 *   `updated_at` moves so the mail verification cache forgets the account password's success;
 * - removing a passkey asks for the password; removing the last second factor follows the rules of turning
 *   two-factor off (refused while the account requires it; the password and a code, here a recovery code or
 *   a TOTP code, checked now) and removes the recovery codes with it.
 */

export const MAX_MAILBOX_PASSKEYS = 10;

const subjectOf = (mailbox: MailboxActor) => ({ kind: 'mailbox' as const, ...mailbox });

/** The mailbox's own passkeys, oldest first. */
export async function listMailboxPasskeys(mailboxId: number): Promise<PasskeyView[]> {
  return listSubjectPasskeys({ kind: 'mailbox', id: mailboxId });
}

/** Starts registering a passkey: options for the browser; the challenge stays here, bound to the session. */
export async function mailboxPasskeyRegistrationOptions(mailbox: MailboxActor, sessionId: string, host: string | null): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return subjectPasskeyRegistrationOptions(subjectOf(mailbox), sessionId, host, { max: MAX_MAILBOX_PASSKEYS, tooMany: en.MailboxTwoFactorActions.passkeyLimit });
}

/**
 * Finishes registering a passkey under the given name (the challenge of this session, single use). When it is
 * the mailbox's first second factor, two-factor turns on in the same transaction (see above) and the new
 * recovery codes are returned, the only time they exist in clear; otherwise `recoveryCodes` is null.
 */
export async function registerMailboxPasskey(
  mailbox: MailboxActor,
  keepSid: string,
  host: string | null,
  input: { name: string; response: unknown },
  ctx: AuditContext,
  now = Date.now(),
): Promise<{ passkey: PasskeyView; recoveryCodes: string[] | null }> {
  const subject = subjectOf(mailbox);
  const key = await verifyPasskeyRegistration(subject, keepSid, host, input);
  return transaction(async (tx) => {
    const before = await countSubjectPasskeys(tx, subject);
    if (before >= MAX_MAILBOX_PASSKEYS) throw new ValidationError('passkey', en.MailboxTwoFactorActions.passkeyLimit);
    const [row] = await tx.select({ totpEnabledAt: mailboxes.totpEnabledAt }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    if (!row) throw new NotFoundError(problem('mailbox_not_found', { address: mailbox.email }));
    const passkey = await insertPasskey(tx, subject, key);
    if (!passkey) throw new ValidationError('passkey', en.MailboxTwoFactorActions.passkeyTaken);
    await recordAudit(tx, ctx, { event: 'mailbox_passkey_added', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { passkey: key.name } });
    if (row.totpEnabledAt !== null || before > 0) return { passkey, recoveryCodes: null };
    // Two-factor turns on: from now on the account password no longer opens mail apps.
    await tx.update(mailboxes).set({ updatedAt: new Date(now) }).where(eq(mailboxes.id, mailbox.id));
    const recoveryCodes = await replaceRecoveryCodes(tx, mailbox.id);
    const ended = await endSubjectSessions(tx, 'mailbox', mailbox.id, keepSid);
    await endMailConnections(tx, [mailbox], 'two_factor', now);
    await recordAudit(tx, ctx, { event: 'two_factor_enabled', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { method: 'passkey', sessions_ended: ended } });
    return { passkey, recoveryCodes };
  });
}

/**
 * Removes one of the mailbox's own passkeys (another mailbox's id is "not found"). `proof.code` is needed
 * only when this passkey is the last second factor (no TOTP, no other passkey): then two-factor turns off,
 * as disableMailboxTwoFactor turns it off.
 */
export async function removeMailboxPasskey(mailbox: MailboxActor, id: number, proof: { password: string; code: string }, ctx: AuditContext & { clientIp: string | null }, now = Date.now()): Promise<{ twoFactorOff: boolean }> {
  const [target] = await getDb().select({ name: mailboxPasskeys.name }).from(mailboxPasskeys).where(and(eq(mailboxPasskeys.id, id), eq(mailboxPasskeys.mailboxId, mailbox.id)));
  if (!target) throw new NotFoundError(problem('passkey_not_found'));
  const row = await ownTwoFactorRow(mailbox.id);
  const last = row.enabledAt === null && (await countSubjectPasskeys(getDb(), subjectOf(mailbox))) === 1;
  if (last && row.required) throw new ForbiddenError(en.MailboxTwoFactorActions.requiredOn);
  await proveMailboxPasswordAndCode(mailbox, row.hash, { password: proof.password, code: last ? proof.code : null }, 'remove_passkey', ctx, now);
  return transaction(async (tx) => {
    const removed = await tx.delete(mailboxPasskeys).where(and(eq(mailboxPasskeys.id, id), eq(mailboxPasskeys.mailboxId, mailbox.id))).returning({ id: mailboxPasskeys.id });
    if (removed.length !== 1) throw new NotFoundError(problem('passkey_not_found'));
    await recordAudit(tx, ctx, { event: 'mailbox_passkey_removed', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { passkey: target.name } });
    const [now2fa] = await tx.select({ totpEnabledAt: mailboxes.totpEnabledAt }).from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    const off = (now2fa?.totpEnabledAt ?? null) === null && (await countSubjectPasskeys(tx, subjectOf(mailbox))) === 0;
    if (!off) return { twoFactorOff: false };
    // It became the last factor meanwhile (TOTP turned off, another passkey removed): that needs the code.
    if (!last) throw new ValidationError('code', en.MailboxTwoFactorActions.passkeyChanged);
    await clearTwoFactor(tx, mailbox.id, now);
    await recordAudit(tx, ctx, { event: 'two_factor_disabled', accountId: mailbox.accountId, mailboxId: mailbox.id, mailboxEmail: mailbox.email, detail: { method: 'passkey' } });
    return { twoFactorOff: true };
  });
}
