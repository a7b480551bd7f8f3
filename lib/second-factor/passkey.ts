import 'server-only';
import { and, asc, count, eq } from 'drizzle-orm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import { z } from 'zod';
import { adminPasskeys, mailboxPasskeys } from '@/db/schema';
import { getDb, type Tx } from '@/db';
import { recordAggregatedAudit, recordAudit } from '@/lib/audit';
import { relyingPartyFor } from '@/lib/auth/relying-party';
import { keyedHash } from '@/lib/auth/secret-box';
import { SECOND_FACTOR_POLICY, SECOND_FACTOR_REALM, secondFactorThrottleSubject, type SecondFactorResult, type TwoFactorSubject } from '@/lib/auth/second-factor';
import { malformedSubjectSecondFactor, subjectAudit, type SecondFactorInput } from './verify';
import { beginAttempt } from '@/lib/auth/throttle';
import { challengeStore, type ChallengeKey, type ChallengePurpose } from '@/lib/auth/webauthn-challenge';
import { relyingPartyConfig } from '@/lib/env';
import { ValidationError } from '@/lib/errors';
import { englishProblemText, problem, type ServiceProblem } from '@/lib/service-problems';

/**
 * Passkeys (WebAuthn) of both kinds of subject: admins (spec §14, admin_passkeys) and mailbox users (spec
 * §20, mailbox_passkeys). One code path for the ceremonies: registration options and their check, sign-in
 * options and the second step. The WebAuthn checks are @simplewebauthn/server's; this module decides the
 * relying party, keeps the challenge (bound to the session, the subject and the purpose) and the rows. The
 * rules around them (how many, who may remove one, what turning two-factor on ends) are the subjects' own
 * services: lib/admins/passkeys.ts and lib/mailboxes/passkeys.ts.
 *
 * Isolation: every lookup of a credential names its subject (the owner column of that subject's table), and
 * every challenge is taken for that subject only, so a credential of one subject can never answer another
 * subject's ceremony, an admin's or a mailbox user's, whoever holds it.
 */

/** A registration or sign-in answer from a browser is a few KiB at most; anything larger is not one. */
export const MAX_WEBAUTHN_RESPONSE_CHARS = 32 * 1024;

/** Whose passkeys: the kind picks the table, the id the rows. */
export type PasskeySubject = Pick<TwoFactorSubject, 'kind' | 'id'>;

const MAX_PASSKEY_NAME = 60;

/**
 * One shared schema for the passkey's name (the security pages' add and rename forms, admins and mailboxes).
 * Its messages are the English of the problem codes that parsePasskeyName throws, so that a page can word
 * the refusal in its reader's language.
 */
export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, englishProblemText(problem('passkey_name_empty')))
  .max(MAX_PASSKEY_NAME, englishProblemText(problem('passkey_name_too_long', { max: MAX_PASSKEY_NAME })))
  .refine((v) => !/\p{Cc}/u.test(v), englishProblemText(problem('passkey_name_control')));

export function parsePasskeyName(input: string): string {
  const result = passkeyNameSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const refusal =
    issue.code === 'too_small' ? problem('passkey_name_empty') : issue.code === 'too_big' ? problem('passkey_name_too_long', { max: MAX_PASSKEY_NAME }) : problem('passkey_name_control');
  throw new ValidationError('name', refusal);
}

export interface PasskeyView {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The table of a subject's passkeys and its owner column (the two tables have the same other columns). */
function storeOf(kind: PasskeySubject['kind']) {
  return kind === 'admin' ? { table: adminPasskeys, owner: adminPasskeys.adminId } : { table: mailboxPasskeys, owner: mailboxPasskeys.mailboxId };
}

/** The challenge key of a subject's ceremony: the subject is part of it (lib/auth/webauthn-challenge.ts). */
function challengeKey(subject: PasskeySubject, purpose: ChallengePurpose, sessionId: string): ChallengeKey {
  return subject.kind === 'admin' ? { purpose, sessionId, adminId: subject.id } : { purpose, sessionId, mailboxId: subject.id };
}

const transportsOf = (text: string): AuthenticatorTransportFuture[] => (text ? (text.split(',') as AuthenticatorTransportFuture[]) : []);

/** The subject's passkeys, oldest first. */
export async function listSubjectPasskeys(subject: PasskeySubject): Promise<PasskeyView[]> {
  const { table, owner } = storeOf(subject.kind);
  return getDb()
    .select({ id: table.id, name: table.name, createdAt: table.createdAt, lastUsedAt: table.lastUsedAt })
    .from(table)
    .where(eq(owner, subject.id))
    .orderBy(asc(table.id));
}

/** How many passkeys the subject has (read in the caller's transaction where it decides something). */
export async function countSubjectPasskeys(db: Tx, subject: PasskeySubject): Promise<number> {
  const { table, owner } = storeOf(subject.kind);
  const [row] = await db.select({ n: count() }).from(table).where(eq(owner, subject.id));
  return row?.n ?? 0;
}

/**
 * The relying party for the request's Host, or a ValidationError the page words: it sends an admin to the
 * admin area and a mailbox user to their account page, each at its configured address.
 */
export function relyingPartyOrThrow(host: string | null, kind: PasskeySubject['kind'] = 'admin'): { rpId: string; origins: string[] } {
  const rp = relyingPartyFor(relyingPartyConfig(), host);
  if (!rp.ok) throw new ValidationError('passkey', problem('passkey_wrong_address', { area: kind }));
  return rp;
}

/**
 * The WebAuthn user handle: stable per subject (so an authenticator keeps one passkey per admin or mailbox,
 * not one per attempt) and meaningless outside this server (a keyed hash, no address or database id). An
 * admin's handle is what it always was; a mailbox's is keyed apart, so the two can never coincide.
 */
function userHandle(subject: PasskeySubject): Uint8Array<ArrayBuffer> {
  const input = subject.kind === 'admin' ? String(subject.id) : `mailbox:${subject.id}`;
  return isoUint8Array.fromUTF8String(keyedHash(input, 'webauthn-user-handle').slice(0, 32)) as Uint8Array<ArrayBuffer>;
}

/**
 * Starts registering a passkey: options for the browser; the challenge stays here, bound to the session and
 * the subject. `tooMany`: the refusal when the subject already has `max` passkeys.
 */
export async function subjectPasskeyRegistrationOptions(
  subject: PasskeySubject & { email: string },
  sessionId: string,
  host: string | null,
  limit: { max: number; tooMany: string | ServiceProblem },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingPartyOrThrow(host, subject.kind);
  const { table, owner } = storeOf(subject.kind);
  const existing = await getDb().select({ credentialId: table.credentialId, transports: table.transports }).from(table).where(eq(owner, subject.id));
  if (existing.length >= limit.max) throw new ValidationError('passkey', limit.tooMany);
  const options = await generateRegistrationOptions({
    rpName: 'Portcullis',
    rpID: rp.rpId,
    userName: subject.email,
    userID: userHandle(subject),
    attestationType: 'none',
    // The same authenticator cannot be registered twice.
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: 60_000,
  });
  await challengeStore().put(challengeKey(subject, 'registration', sessionId), options.challenge);
  return options;
}

/** A checked new credential, ready to be stored (public data only). */
export interface NewPasskey {
  name: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string;
}

/**
 * Checks the browser's registration answer: it must match the challenge of this session and subject (single
 * use), the configured origin and RP ID. Stores nothing: the subject's service inserts it (insertPasskey),
 * inside whatever transaction its rules need.
 */
export async function verifyPasskeyRegistration(subject: PasskeySubject, sessionId: string, host: string | null, input: { name: string; response: unknown }): Promise<NewPasskey> {
  const name = parsePasskeyName(input.name);
  const rp = relyingPartyOrThrow(host, subject.kind);
  const failed = new ValidationError('passkey', problem('passkey_not_registered'));
  if (typeof input.response !== 'object' || input.response === null || JSON.stringify(input.response).length > MAX_WEBAUTHN_RESPONSE_CHARS) throw failed;
  const expectedChallenge = await challengeStore().take(challengeKey(subject, 'registration', sessionId));
  if (!expectedChallenge) throw new ValidationError('passkey', problem('passkey_too_slow'));
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
  return { name, credentialId: credential.id, publicKey: isoBase64URL.fromBuffer(credential.publicKey), counter: credential.counter, transports: (credential.transports ?? []).join(',') };
}

/**
 * Stores a checked credential for the subject; null when that credential is registered already (to anyone:
 * credential ids are unique per table, and an admin's is never looked up for a mailbox or the reverse).
 */
export async function insertPasskey(db: Tx, subject: PasskeySubject & { accountId: number }, key: NewPasskey): Promise<PasskeyView | null> {
  const { name, credentialId, publicKey, counter, transports } = key;
  const rows =
    subject.kind === 'admin'
      ? await db
          .insert(adminPasskeys)
          .values({ adminId: subject.id, accountId: subject.accountId, credentialId, publicKey, counter, transports, name })
          .onConflictDoNothing({ target: adminPasskeys.credentialId })
          .returning({ id: adminPasskeys.id, name: adminPasskeys.name, createdAt: adminPasskeys.createdAt, lastUsedAt: adminPasskeys.lastUsedAt })
      : await db
          .insert(mailboxPasskeys)
          .values({ mailboxId: subject.id, credentialId, publicKey, counter, transports, name })
          .onConflictDoNothing({ target: mailboxPasskeys.credentialId })
          .returning({ id: mailboxPasskeys.id, name: mailboxPasskeys.name, createdAt: mailboxPasskeys.createdAt, lastUsedAt: mailboxPasskeys.lastUsedAt });
  return rows[0] ?? null;
}

/** Sign-in options, or why there are none: a refusal the page words (the wrong address), null for no passkey. */
export type PasskeyOptionsResult = { ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; problem: ServiceProblem | null };

/**
 * Options for `navigator.credentials.get()`, listing the subject's passkeys; null message = no passkey. The
 * challenge is bound to the session, the subject and the purpose (the sign-in's second step, or a
 * re-authentication).
 */
export async function subjectPasskeySignInOptions(subject: PasskeySubject, pendingSessionId: string, host: string | null, purpose: 'sign-in' | 'reauth' = 'sign-in'): Promise<PasskeyOptionsResult> {
  const rp = relyingPartyFor(relyingPartyConfig(), host);
  if (!rp.ok) return { ok: false, problem: problem('passkey_wrong_address', { area: subject.kind }) };
  const { table, owner } = storeOf(subject.kind);
  const keys = await getDb().select({ credentialId: table.credentialId, transports: table.transports }).from(table).where(eq(owner, subject.id));
  if (keys.length === 0) return { ok: false, problem: null };
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: transportsOf(k.transports) })),
    userVerification: 'preferred',
    timeout: 60_000,
  });
  await challengeStore().put(challengeKey(subject, purpose, pendingSessionId), options.challenge);
  return { ok: true, options };
}

/** An admin's sign-in options (the admin verify page, the re-authentication form). */
export async function passkeySignInOptions(adminId: number, pendingSessionId: string, host: string | null, purpose: 'sign-in' | 'reauth' = 'sign-in'): Promise<PasskeyOptionsResult> {
  return subjectPasskeySignInOptions({ kind: 'admin', id: adminId }, pendingSessionId, host, purpose);
}

type PasskeyAnswer = Omit<SecondFactorInput, 'code' | 'accept' | 'admin'> & { response: unknown; pendingSessionId: string; host: string | null; purpose?: 'sign-in' | 'reauth' };

/**
 * Checks the browser's answer for the pending session of `input.admin` (or, with purpose `reauth`, for the
 * full session confirming a sensitive step: lib/admins/reauth.ts).
 */
export async function verifyPasskeySignIn(input: PasskeyAnswer & Pick<SecondFactorInput, 'admin'>): Promise<SecondFactorResult> {
  return verifySubjectPasskey({ ...input, subject: { kind: 'admin', ...input.admin } });
}

/** A mailbox user's passkey at /login/verify (spec §20): the same checks, throttle and audit as admins'. */
export async function verifyMailboxPasskeySignIn(input: PasskeyAnswer & { mailbox: { id: number; email: string; accountId: number } }): Promise<SecondFactorResult> {
  return verifySubjectPasskey({ ...input, subject: { kind: 'mailbox', ...input.mailbox } });
}

/**
 * The second step of a sign-in with a passkey (spec §14, §20). The challenge is bound to the pending session
 * and subject and taken once; only the subject's own passkeys are accepted; every answer is counted by the
 * same throttle as codes (SECOND_FACTOR_POLICY, the subject's bucket) before it is checked, and fails with the
 * same generic result, the reason going to the audit log as (admin_)second_factor_failed.
 */
async function verifySubjectPasskey(input: PasskeyAnswer & { subject: TwoFactorSubject }): Promise<SecondFactorResult> {
  const { subject, context } = input;
  const now = input.now ?? Date.now();
  const fail = async (reason: string): Promise<SecondFactorResult> => {
    await recordAudit(getDb(), context, subjectAudit(subject, 'second_factor_failed', { reason }));
    return { ok: false, reason: 'failed' };
  };
  const response = input.response as AuthenticationResponseJSON | null;
  // Counted before the answer is checked (a malformed one too), so concurrent guesses cannot outrun the limit.
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: secondFactorThrottleSubject(subject), address: context.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) {
    await recordAggregatedAudit(context, subjectAudit(subject, 'second_factor_failed', { reason: 'throttled' }), attempt.bucket, now);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  if (typeof response !== 'object' || response === null || typeof response.id !== 'string' || JSON.stringify(response).length > MAX_WEBAUTHN_RESPONSE_CHARS) return malformedSubjectSecondFactor(subject, context, now);
  // Single use: taken whether or not the answer turns out right.
  const expectedChallenge = await challengeStore().take(challengeKey(subject, input.purpose ?? 'sign-in', input.pendingSessionId));
  if (!expectedChallenge) return fail('passkey_challenge_missing');
  const rp = relyingPartyFor(relyingPartyConfig(), input.host);
  if (!rp.ok) return fail('passkey_origin_not_configured');
  // Only this subject's passkeys: anyone else's passkey is "unknown" here, whoever holds it.
  const { table, owner } = storeOf(subject.kind);
  const [stored] = await getDb()
    .select({ id: table.id, credentialId: table.credentialId, publicKey: table.publicKey, counter: table.counter, transports: table.transports })
    .from(table)
    .where(and(eq(table.credentialId, response.id), eq(owner, subject.id)));
  if (!stored) return fail('passkey_unknown');
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      credential: { id: stored.credentialId, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: stored.counter, transports: transportsOf(stored.transports) },
      // "preferred": an authenticator that cannot verify its user still counts as a possession factor.
      requireUserVerification: false,
    });
  } catch (error) {
    // The library refuses a signature counter that did not increase (a possibly cloned authenticator).
    return fail(error instanceof Error && /counter/i.test(error.message) ? 'passkey_counter' : 'passkey_invalid');
  }
  if (!verification.verified) return fail('passkey_invalid');
  // The counter moves forward only from the value just checked: of two concurrent uses, one wins.
  const updated = await getDb()
    .update(table)
    .set({ counter: verification.authenticationInfo.newCounter, lastUsedAt: new Date(now) })
    .where(and(eq(table.id, stored.id), eq(table.counter, stored.counter)))
    .returning({ id: table.id });
  if (updated.length !== 1) return fail('passkey_counter');
  await attempt.succeeded();
  return { ok: true, method: 'passkey' };
}
