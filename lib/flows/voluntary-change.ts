import 'server-only';
import { recordAggregatedAudit, type AuditContext, type AuditRecord } from '@/lib/audit';
import { ValidationError } from '@/lib/errors';
import { beginAttempt, type ThrottlePolicy } from '@/lib/auth/throttle';
import { addressKeys } from '@/lib/auth/throttle-keys';

/**
 * Voluntary password changes (the account page, /admin/security) cost two or three bcrypt runs each (the
 * current password, the new one against the current hash, the new hash), whether or not the change is made,
 * so every one of them is counted and none is un-counted (spec §23 "Everything that costs bcrypt is
 * counted"): at most 10 per subject per 15 minutes, right or wrong. That bounds guessing the current
 * password from a stolen open session as well as burning bcrypt with "new = current".
 *
 * No per-address limit: a change needs a signed-in session of that very subject, so the address adds no
 * bound that the per-subject one does not already give, and an office whose users all change their
 * passwords on one morning is not an attacker.
 */
export const MAX_VOLUNTARY_CHANGES = 10;
export const VOLUNTARY_CHANGE_WINDOW_MS = 15 * 60_000;
export const VOLUNTARY_CHANGE_POLICY: Partial<ThrottlePolicy> = {
  perSubjectAddress: null,
  perAddress: null,
  perSite: null,
  perSubject: { max: MAX_VOLUNTARY_CHANGES, windowMs: VOLUNTARY_CHANGE_WINDOW_MS },
  knownNetworksExempt: false,
};

export interface VoluntaryChangeRequest {
  /** `password-change` (mailboxes) or `admin-password-change`: the realm of the count. */
  realm: string;
  /** The normalised address of the mailbox or admin. */
  subject: string;
  context: AuditContext & { clientIp: string | null };
  /** The audit row of a refusal (event, account, mailbox …); `detail.reason` is added. */
  audit: AuditRecord;
}

export type VoluntaryChangeOutcome<T> = { limited: true; retryAfterMinutes: number } | { limited: false; value: T };

/**
 * Runs one voluntary change (`change`, which throws ValidationError when it refuses) within the limit above.
 * Refusals are audited in aggregate, one row per subject, reason, client and 15-minute window with a count:
 * a throttled one costs nothing, and a refused one is already bounded by the limit; a change that is made
 * writes its own row (the domain service's `password_changed`).
 */
export async function voluntaryPasswordChange<T>(request: VoluntaryChangeRequest, change: () => Promise<T>): Promise<VoluntaryChangeOutcome<T>> {
  const { realm, subject, context } = request;
  const refused = (reason: string, key: string) =>
    recordAggregatedAudit(context, { ...request.audit, detail: { ...request.audit.detail, reason } }, key);
  // Counted before anything is checked, so concurrent changes cannot outrun the limit; never un-counted.
  const attempt = await beginAttempt({ realm, subject, address: context.clientIp, policy: VOLUNTARY_CHANGE_POLICY });
  if (attempt.limited) {
    await refused('throttled', attempt.bucket);
    return { limited: true, retryAfterMinutes: attempt.retryAfterMinutes };
  }
  try {
    return { limited: false, value: await change() };
  } catch (error) {
    if (error instanceof ValidationError) {
      const reason = error.field === 'currentPassword' ? 'wrong_current_password' : 'new_password_refused';
      await refused(reason, `${realm}|${reason}|${subject}|${addressKeys(context.clientIp).client}`);
    }
    throw error;
  }
}
