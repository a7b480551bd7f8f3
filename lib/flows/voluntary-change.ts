import 'server-only';
import { recordAggregatedAudit, type AuditContext, type AuditRecord } from '@/lib/audit';
import { ValidationError } from '@/lib/errors';
import { beginAttempt } from '@/lib/auth/throttle';
import { MAX_VOLUNTARY_CHANGES, VOLUNTARY_CHANGE_POLICY, VOLUNTARY_CHANGE_WINDOW_MS } from '@/lib/auth/voluntary-change-policy';
import { addressKeys } from '@/lib/auth/throttle-keys';

// The count's policy is a primitive (lib/auth/voluntary-change-policy.ts): services that check the current
// password before a change of their own (turning two-factor off) count in it too.
export { MAX_VOLUNTARY_CHANGES, VOLUNTARY_CHANGE_POLICY, VOLUNTARY_CHANGE_WINDOW_MS };

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
