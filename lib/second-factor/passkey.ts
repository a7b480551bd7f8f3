import 'server-only';
import { and, eq } from 'drizzle-orm';
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { adminPasskeys } from '@/db/schema';
import { getDb } from '@/db';
import { recordAggregatedAudit, recordAudit } from '@/lib/audit';
import { relyingPartyFor } from '@/lib/auth/relying-party';
import { SECOND_FACTOR_POLICY, SECOND_FACTOR_REALM, type SecondFactorResult } from '@/lib/auth/second-factor';
import { malformedSecondFactor, type SecondFactorInput } from './verify';
import { beginAttempt } from '@/lib/auth/throttle';
import { challengeStore } from '@/lib/auth/webauthn-challenge';
import { relyingPartyConfig } from '@/lib/env';

/**
 * The second step of an admin sign-in with a passkey (spec §14). The challenge is bound to the pending
 * session and taken once; only the signed-in admin's own passkeys are accepted; every answer is counted by
 * the same throttle as codes (5 per admin per 15 minutes) before it is checked, and fails with the same
 * generic message, the reason going to the audit log.
 */

const MAX_RESPONSE_CHARS = 32 * 1024;

const transportsOf = (text: string): AuthenticatorTransportFuture[] => (text ? (text.split(',') as AuthenticatorTransportFuture[]) : []);

export type PasskeyOptionsResult = { ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; message: string | null };

/**
 * Options for `navigator.credentials.get()`, listing the admin's passkeys; null message = no passkey. The
 * challenge is bound to the session and purpose (the sign-in's second step, or a re-authentication).
 */
export async function passkeySignInOptions(adminId: number, pendingSessionId: string, host: string | null, purpose: 'sign-in' | 'reauth' = 'sign-in'): Promise<PasskeyOptionsResult> {
  const rp = relyingPartyFor(relyingPartyConfig(), host);
  if (!rp.ok) return { ok: false, message: rp.message };
  const keys = await getDb().select({ credentialId: adminPasskeys.credentialId, transports: adminPasskeys.transports }).from(adminPasskeys).where(eq(adminPasskeys.adminId, adminId));
  if (keys.length === 0) return { ok: false, message: null };
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: transportsOf(k.transports) })),
    userVerification: 'preferred',
    timeout: 60_000,
  });
  await challengeStore().put({ purpose, adminId, sessionId: pendingSessionId }, options.challenge);
  return { ok: true, options };
}

/**
 * Checks the browser's answer for the pending session of `input.admin` (or, with purpose `reauth`, for the
 * full session confirming a sensitive step: lib/admins/reauth.ts).
 */
export async function verifyPasskeySignIn(input: Omit<SecondFactorInput, 'code' | 'accept'> & { response: unknown; pendingSessionId: string; host: string | null; purpose?: 'sign-in' | 'reauth' }): Promise<SecondFactorResult> {
  const { admin, context } = input;
  const now = input.now ?? Date.now();
  const fail = async (reason: string): Promise<SecondFactorResult> => {
    await recordAudit(getDb(), context, { event: 'admin_second_factor_failed', accountId: admin.accountId, detail: { admin: admin.email, reason } });
    return { ok: false, reason: 'failed' };
  };
  const response = input.response as AuthenticationResponseJSON | null;
  // Counted before the answer is checked (a malformed one too), so concurrent guesses cannot outrun the limit.
  const attempt = await beginAttempt({ realm: SECOND_FACTOR_REALM, subject: String(admin.id), address: context.clientIp, policy: SECOND_FACTOR_POLICY, now });
  if (attempt.limited) {
    await recordAggregatedAudit(context, { event: 'admin_second_factor_failed', accountId: admin.accountId, detail: { admin: admin.email, reason: 'throttled' } }, attempt.bucket, now);
    return { ok: false, reason: 'throttled', retryAfterMinutes: attempt.retryAfterMinutes };
  }
  if (typeof response !== 'object' || response === null || typeof response.id !== 'string' || JSON.stringify(response).length > MAX_RESPONSE_CHARS) return malformedSecondFactor(input, now);
  // Single use: taken whether or not the answer turns out right.
  const expectedChallenge = await challengeStore().take({ purpose: input.purpose ?? 'sign-in', adminId: admin.id, sessionId: input.pendingSessionId });
  if (!expectedChallenge) return fail('passkey_challenge_missing');
  const rp = relyingPartyFor(relyingPartyConfig(), input.host);
  if (!rp.ok) return fail('passkey_origin_not_configured');
  // Only this admin's passkeys: another admin's passkey is "unknown" here, whoever holds it.
  const [stored] = await getDb()
    .select({ id: adminPasskeys.id, credentialId: adminPasskeys.credentialId, publicKey: adminPasskeys.publicKey, counter: adminPasskeys.counter, transports: adminPasskeys.transports })
    .from(adminPasskeys)
    .where(and(eq(adminPasskeys.credentialId, response.id), eq(adminPasskeys.adminId, admin.id)));
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
    .update(adminPasskeys)
    .set({ counter: verification.authenticationInfo.newCounter, lastUsedAt: new Date(now) })
    .where(and(eq(adminPasskeys.id, stored.id), eq(adminPasskeys.counter, stored.counter)))
    .returning({ id: adminPasskeys.id });
  if (updated.length !== 1) return fail('passkey_counter');
  await attempt.succeeded();
  return { ok: true, method: 'passkey' };
}
