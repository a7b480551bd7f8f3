import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { admins, webSessions } from '@/db/schema';
import { getDb } from '@/db';
import { recordAggregatedAudit, recordAudit, type AuditContext } from '@/lib/audit';
import { tooManyAttempts } from '@/lib/auth/messages';
import { passwordMatches } from '@/lib/auth/password';
import { hasPasskey } from '@/lib/auth/passkey-presence';
import { verifyPasskeySignIn } from '@/lib/second-factor/passkey';
import type { SecondFactorResult } from '@/lib/auth/second-factor';
import { verifySecondFactor } from '@/lib/second-factor/verify';
import { beginAttempt } from '@/lib/auth/throttle';
import { hashSessionId } from '@/lib/auth/session-id';
import { ReauthRequiredError } from '@/lib/errors';

/**
 * Sensitive steps ask again (spec §23): creating an API key, turning two-factor off, regenerating recovery
 * codes and adding an admin need the admin's password (and second factor, where on) proven within the last
 * REAUTH_WINDOW_MS in *this* session. A stolen session cookie alone therefore cannot mint lasting access.
 *
 * The proof lives server-side on the session's row (web_sessions.reauthenticated_at): the sign-in sets it
 * (lib/session/row.ts createWebSession), and so does the "Confirm your password" form through
 * reauthenticate(). The steps' domain services call requireRecentReauth() themselves, so no channel or page
 * can skip it.
 */

export const REAUTH_WINDOW_MS = 5 * 60_000;

/**
 * Realm of the password check: the same as the admin's voluntary password change
 * (lib/flows/admin-password-change.ts), so that a stolen session has one budget of guesses across both forms.
 */
const PASSWORD_REALM = 'admin-password-change';

/** Whether a proof made at `at` still admits a sensitive step at `now` (pure: tested with an injected clock). */
export function reauthIsRecent(at: Date | null, now: number): boolean {
  if (!at) return false;
  const age = now - at.getTime();
  // A proof from the future (clocks of several instances differ a little) counts as now.
  return age < REAUTH_WINDOW_MS;
}

/** The session a sensitive step runs in: the admin and the session id from the checked cookie (requireAdmin). */
export interface StepSession {
  adminId: number;
  sid: string;
}

async function proofTime(session: StepSession): Promise<Date | null> {
  const [row] = await getDb()
    .select({ at: webSessions.reauthenticatedAt })
    .from(webSessions)
    .where(and(eq(webSessions.sidHash, hashSessionId(session.sid)), eq(webSessions.kind, 'admin'), eq(webSessions.subjectId, session.adminId), isNull(webSessions.pending)))
    .limit(1);
  return row?.at ?? null;
}

/**
 * Refuses a sensitive step (ReauthRequiredError) unless this session proved the admin's password (and second
 * factor, where on) within REAUTH_WINDOW_MS. `null` (no web session: a caller that has none) is refused too.
 */
export async function requireRecentReauth(session: StepSession | null, now: number = Date.now()): Promise<void> {
  if (session && reauthIsRecent(await proofTime(session), now)) return;
  throw new ReauthRequiredError('Confirm your password to continue: this step needs it again when you signed in more than 5 minutes ago.');
}

/** What the "Confirm your password" form asks for besides the password. */
export interface ReauthNeeds {
  /** A code from the authenticator app, or a recovery code (TOTP is on). */
  code: boolean;
  /** A passkey may confirm instead (the admin has one). */
  passkey: boolean;
}

/** Which second factor the admin's confirmation takes (none when two-factor is off). */
export async function reauthNeeds(adminId: number): Promise<ReauthNeeds> {
  const [row] = await getDb().select({ totp: admins.totpEnabledAt, hasPasskey }).from(admins).where(eq(admins.id, adminId)).limit(1);
  return { code: Boolean(row?.totp), passkey: Boolean(row?.hasPasskey) };
}

export interface ReauthProof {
  password: string;
  /** TOTP or recovery code. */
  code?: string;
  /** A WebAuthn answer to the challenge of reauthPasskeyOptions (lib/second-factor/passkey.ts), with the request's host. */
  passkey?: { response: unknown; host: string | null };
}

/**
 * The "Confirm your password" fields as a form sends them (empty = absent): the password, a code, and a
 * passkey's answer as JSON text. Bounded like sign-in input; an over-long value is not ours.
 */
export const reauthFieldsSchema = z.object({
  password: z.string().min(1).max(1024),
  code: z.string().max(100).optional(),
  passkeyJson: z.string().max(32 * 1024).optional(),
});

/** The one failure text: it does not say whether the password or the second factor was wrong. */
export const REAUTH_FAILED = 'That password or second factor is not correct.';

/** A refusal's English `message`, and the minutes to wait when it was throttling (pages word both themselves). */
export type ReauthResult = { ok: true } | { ok: false; message: string; retryAfterMinutes?: number };

/**
 * The "Confirm your password" form: checks the password (counted before bcrypt, in the realm of the admin's
 * password change, audited `admin_reauth_failed` like a failed sign-in) and, where two-factor is on, a code
 * or a passkey (counted and audited by the second-factor checks), then stamps this session's row. One
 * failure text whichever part was wrong; throttling may be named.
 */
export async function reauthenticate(
  admin: { id: number; email: string; accountId: number },
  session: StepSession,
  proof: ReauthProof,
  ctx: AuditContext & { clientIp: string | null },
  now: number = Date.now(),
): Promise<ReauthResult> {
  const fail = async (reason: string): Promise<ReauthResult> => {
    await recordAudit(getDb(), ctx, { event: 'admin_reauth_failed', accountId: admin.accountId, detail: { admin: admin.email, reason } });
    return { ok: false, message: REAUTH_FAILED };
  };
  if (session.adminId !== admin.id) return fail('session_mismatch');
  // Counted before bcrypt, so concurrent guesses cannot outrun the limit.
  const attempt = await beginAttempt({ realm: PASSWORD_REALM, subject: admin.email, address: ctx.clientIp, now });
  if (attempt.limited) {
    await recordAggregatedAudit(ctx, { event: 'admin_reauth_failed', accountId: admin.accountId, detail: { admin: admin.email, reason: 'throttled' } }, attempt.bucket, now);
    return { ok: false, message: tooManyAttempts(attempt.retryAfterMinutes), retryAfterMinutes: attempt.retryAfterMinutes };
  }
  const [row] = await getDb().select({ hash: admins.passwordHash }).from(admins).where(eq(admins.id, admin.id)).limit(1);
  // NOTE: bcrypt compares at most 72 bytes; the form bounds the input before it gets here.
  if (!row || !(await passwordMatches(proof.password.slice(0, 1024), row.hash))) return fail('bad_password');
  // The password was right: not a guess, whatever the second factor says (that has its own count).
  await attempt.succeeded();
  const needs = await reauthNeeds(admin.id);
  let method: SecondFactorResult | null = null;
  if (needs.code || needs.passkey) {
    if (proof.passkey && needs.passkey) {
      method = await verifyPasskeySignIn({ admin, context: ctx, response: proof.passkey.response, pendingSessionId: session.sid, host: proof.passkey.host, purpose: 'reauth', now });
    } else if (proof.code && needs.code) {
      method = await verifySecondFactor({ admin, code: proof.code, context: ctx, now });
    } else {
      return fail('second_factor_missing');
    }
    if (!method.ok) {
      return method.reason === 'throttled' ? { ok: false, message: tooManyAttempts(method.retryAfterMinutes), retryAfterMinutes: method.retryAfterMinutes } : { ok: false, message: REAUTH_FAILED };
    }
  }
  const stamped = await getDb()
    .update(webSessions)
    .set({ reauthenticatedAt: new Date(now) })
    .where(and(eq(webSessions.sidHash, hashSessionId(session.sid)), eq(webSessions.kind, 'admin'), eq(webSessions.subjectId, admin.id), isNull(webSessions.pending)))
    .returning({ id: webSessions.id });
  if (stamped.length !== 1) return fail('session_unknown');
  await recordAudit(getDb(), ctx, { event: 'admin_reauthenticated', accountId: admin.accountId, detail: { admin: admin.email, ...(method?.ok ? { method: method.method } : {}) } });
  return { ok: true };
}
