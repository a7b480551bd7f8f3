import 'server-only';
import type { ThrottlePolicy } from './throttle';

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
