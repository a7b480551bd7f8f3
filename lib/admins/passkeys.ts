import 'server-only';
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { generateRegistrationOptions, verifyRegistrationResponse, type AuthenticatorTransportFuture, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import { z } from 'zod';
import { accounts, adminPasskeys, admins } from '@/db/schema';
import { getDb } from '@/db';
import { recordAudit, type AuditContext } from '@/lib/audit';
import { tooManyAttempts } from '@/lib/auth/messages';
import { passwordMatches } from '@/lib/auth/password';
import { relyingPartyFor } from '@/lib/auth/relying-party';
import { keyedHash } from '@/lib/auth/secret-box';
import { beginAttempt } from '@/lib/auth/throttle';
import { challengeStore } from '@/lib/auth/webauthn-challenge';
import { relyingPartyConfig } from '@/lib/env';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';

/**
 * An admin's passkeys (spec §14): registration, the list, rename and removal. A passkey is a second factor
 * like TOTP; signing in with one is lib/second-factor/passkey.ts. The WebAuthn ceremonies are
 * @simplewebauthn/server's; this module decides the relying party, keeps the challenge and the rows.
 */

export const MAX_PASSKEYS = 10;
/** A registration or sign-in answer from a browser is a few KiB at most; anything larger is not one. */
export const MAX_WEBAUTHN_RESPONSE_CHARS = 32 * 1024;

/** One shared schema for the passkey's name (the security page's add and rename forms). */
export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the passkey a name, such as "Work laptop".')
  .max(60, 'The name can have at most 60 characters.')
  .refine((v) => !/\p{Cc}/u.test(v), 'The name cannot contain control characters.');

function parseName(input: string): string {
  const result = passkeyNameSchema.safeParse(input);
  if (!result.success) throw new ValidationError('name', result.error.issues[0]!.message);
  return result.data;
}

type Actor = { id: number; email: string; accountId: number };

export interface PasskeyView {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The admin's own passkeys, oldest first. */
export async function listPasskeys(adminId: number): Promise<PasskeyView[]> {
  return getDb()
    .select({ id: adminPasskeys.id, name: adminPasskeys.name, createdAt: adminPasskeys.createdAt, lastUsedAt: adminPasskeys.lastUsedAt })
    .from(adminPasskeys)
    .where(eq(adminPasskeys.adminId, adminId))
    .orderBy(asc(adminPasskeys.id));
}

/** The relying party for the request's Host, or a ValidationError with the message the page shows. */
export function relyingPartyOrThrow(host: string | null): { rpId: string; origins: string[] } {
  const rp = relyingPartyFor(relyingPartyConfig(), host);
  if (!rp.ok) throw new ValidationError('passkey', rp.message);
  return rp;
}

/**
 * The WebAuthn user handle: stable per admin (so an authenticator keeps one passkey per admin, not one per
 * attempt) and meaningless outside this server (a keyed hash, no address or database id).
 */
function userHandle(adminId: number): Uint8Array<ArrayBuffer> {
  return isoUint8Array.fromUTF8String(keyedHash(String(adminId), 'webauthn-user-handle').slice(0, 32)) as Uint8Array<ArrayBuffer>;
}

const transportsOf = (text: string): AuthenticatorTransportFuture[] => (text ? (text.split(',') as AuthenticatorTransportFuture[]) : []);

/** Starts registering a passkey: options for the browser; the challenge stays here, bound to the session. */
export async function passkeyRegistrationOptions(admin: Actor, sessionId: string, host: string | null): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingPartyOrThrow(host);
  const existing = await getDb().select({ credentialId: adminPasskeys.credentialId, transports: adminPasskeys.transports }).from(adminPasskeys).where(eq(adminPasskeys.adminId, admin.id));
  if (existing.length >= MAX_PASSKEYS) throw new ValidationError('passkey', `You have ${MAX_PASSKEYS} passkeys, the most one admin can have. Remove one first.`);
  const options = await generateRegistrationOptions({
    rpName: 'Portcullis',
    rpID: rp.rpId,
    userName: admin.email,
    userID: userHandle(admin.id),
    attestationType: 'none',
    // The same authenticator cannot be registered twice.
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: 60_000,
  });
  await challengeStore().put({ purpose: 'registration', adminId: admin.id, sessionId }, options.challenge);
  return options;
}

/**
 * Finishes registering: the browser's answer must match the challenge of this session (single use), the
 * configured origin and RP ID. The passkey is stored under the given name.
 */
export async function registerPasskey(admin: Actor, sessionId: string, host: string | null, input: { name: string; response: unknown }, ctx: AuditContext): Promise<PasskeyView> {
  const name = parseName(input.name);
  const rp = relyingPartyOrThrow(host);
  const failed = new ValidationError('passkey', 'The passkey could not be registered. Try again.');
  if (typeof input.response !== 'object' || input.response === null || JSON.stringify(input.response).length > MAX_WEBAUTHN_RESPONSE_CHARS) throw failed;
  const expectedChallenge = await challengeStore().take({ purpose: 'registration', adminId: admin.id, sessionId });
  if (!expectedChallenge) throw new ValidationError('passkey', 'That took too long. Try again.');
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      requireUserVerification: false,
    });
  } catch {
    throw failed;
  }
  if (!verification.verified) throw failed;
  const { credential } = verification.registrationInfo;
  const [{ n }] = (await getDb().select({ n: count() }).from(adminPasskeys).where(eq(adminPasskeys.adminId, admin.id))) as [{ n: number }];
  if (n >= MAX_PASSKEYS) throw new ValidationError('passkey', `You have ${MAX_PASSKEYS} passkeys, the most one admin can have. Remove one first.`);
  const rows = await getDb()
    .insert(adminPasskeys)
    .values({
      adminId: admin.id,
      accountId: admin.accountId,
      credentialId: credential.id,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: (credential.transports ?? []).join(','),
      name,
    })
    .onConflictDoNothing({ target: adminPasskeys.credentialId })
    .returning({ id: adminPasskeys.id, name: adminPasskeys.name, createdAt: adminPasskeys.createdAt, lastUsedAt: adminPasskeys.lastUsedAt });
  const row = rows[0];
  if (!row) throw new ValidationError('passkey', 'This passkey is already registered.');
  await recordAudit(getDb(), ctx, { event: 'passkey_added', accountId: admin.accountId, detail: { admin: admin.email, passkey: name } });
  return row;
}

/** Renames one of the admin's own passkeys; another admin's id is "not found". */
export async function renamePasskey(admin: Actor, id: number, newName: string, ctx: AuditContext): Promise<void> {
  const name = parseName(newName);
  const [before] = await getDb().select({ name: adminPasskeys.name }).from(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id)));
  if (!before) throw new NotFoundError('Passkey not found');
  const rows = await getDb().update(adminPasskeys).set({ name }).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id))).returning({ id: adminPasskeys.id });
  if (rows.length !== 1) throw new NotFoundError('Passkey not found');
  if (before.name !== name) await recordAudit(getDb(), ctx, { event: 'passkey_renamed', accountId: admin.accountId, detail: { admin: admin.email, passkey: name, from: before.name } });
}

/**
 * Removes one of the admin's own passkeys, proven by the password (an unattended open session alone cannot
 * weaken the account, the same rule as turning TOTP off). The last second factor cannot go while the
 * account requires two-factor. Another admin's id is "not found".
 */
export async function removePasskey(admin: Actor, id: number, password: string, ctx: AuditContext & { clientIp: string | null }): Promise<void> {
  const db = getDb();
  const [target] = await db.select({ name: adminPasskeys.name }).from(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id)));
  if (!target) throw new NotFoundError('Passkey not found');
  const attempt = await beginAttempt({ realm: 'admin-password-change', subject: admin.email, address: ctx.clientIp });
  if (attempt.limited) throw new ValidationError('password', tooManyAttempts(attempt.retryAfterMinutes));
  const [me] = await db.select({ hash: admins.passwordHash, totpEnabledAt: admins.totpEnabledAt, required: accounts.requireTwoFactor }).from(admins).innerJoin(accounts, eq(accounts.id, admins.accountId)).where(eq(admins.id, admin.id));
  if (!me || !(await passwordMatches(password, me.hash))) throw new ValidationError('password', 'That password is not correct.');
  await attempt.succeeded();
  if (me.required && me.totpEnabledAt === null) {
    const others = await db.select({ id: adminPasskeys.id }).from(adminPasskeys).where(and(eq(adminPasskeys.adminId, admin.id), ne(adminPasskeys.id, id))).limit(1);
    if (others.length === 0) throw new ForbiddenError('Your account requires two-factor for every admin, so your last second factor cannot be removed. Add another passkey or an authenticator app first.');
  }
  const removed = await db.delete(adminPasskeys).where(and(eq(adminPasskeys.id, id), eq(adminPasskeys.adminId, admin.id))).returning({ id: adminPasskeys.id });
  if (removed.length !== 1) throw new NotFoundError('Passkey not found');
  await recordAudit(db, ctx, { event: 'passkey_removed', accountId: admin.accountId, detail: { admin: admin.email, passkey: target.name } });
}
