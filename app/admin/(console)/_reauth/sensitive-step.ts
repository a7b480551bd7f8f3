import 'server-only';
import { headers } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { REAUTH_FAILED, reauthenticate, reauthFieldsSchema, reauthNeeds, type ReauthResult, type StepSession } from '@/lib/admins/reauth';
import { webContext, type AdminSession } from '@/lib/session/dal';
import { ReauthRequiredError } from '@/lib/errors';
import type { ReauthPrompt } from './prompt';

export type StepOutcome<T> = { ok: true; value: T } | { ok: false; reauth: ReauthPrompt };

const field = (formData: FormData | null, name: string): string | undefined => {
  const value = formData?.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Runs a sensitive step (spec §23) for a form action: when the form carries "Confirm your password" fields
 * (ReauthFields), they are checked first (lib/admins/reauth.ts reauthenticate); then the step runs, and
 * its domain service checks the session's proof itself. A stale proof or a failed confirmation answers
 * with what the form must ask for, so the action can render the fields instead of failing.
 */
export async function sensitiveStep<T>(session: AdminSession, formData: FormData | null, step: (proof: StepSession) => Promise<T>): Promise<StepOutcome<T>> {
  const { admin, claims } = session;
  const proof: StepSession = { adminId: admin.id, sid: claims.sid };
  const sent = { password: field(formData, 'reauthPassword'), code: field(formData, 'reauthCode'), passkeyJson: field(formData, 'reauthPasskey') };
  if (sent.password !== undefined || sent.code !== undefined || sent.passkeyJson !== undefined) {
    const parsed = reauthFieldsSchema.safeParse(sent);
    let result: ReauthResult = { ok: false, message: REAUTH_FAILED };
    if (parsed.success) {
      const { password, code, passkeyJson } = parsed.data;
      let response: unknown = null;
      if (passkeyJson) {
        try {
          // JSON.parse makes "__proto__" an own, inert key; the WebAuthn check reads only known fields.
          response = JSON.parse(passkeyJson);
        } catch {
          response = null;
        }
      }
      result = await reauthenticate(
        admin,
        proof,
        { password, code, passkey: passkeyJson ? { response, host: (await headers()).get('host') } : undefined },
        await webContext({ kind: 'admin', id: admin.id, email: admin.email }),
      );
    }
    if (!result.ok) {
      // The service's refusal in English; the form says it in the reader's language (one failure text, or throttling).
      const error = result.retryAfterMinutes !== undefined ? (await getTranslations('Auth'))('tooManyAttempts', { minutes: result.retryAfterMinutes }) : (await getTranslations('ReauthStep'))('failed');
      return { ok: false, reauth: { ...(await reauthNeeds(admin.id)), error } };
    }
  }
  try {
    return { ok: true, value: await step(proof) };
  } catch (error) {
    if (error instanceof ReauthRequiredError) return { ok: false, reauth: await reauthNeeds(admin.id) };
    throw error;
  }
}
