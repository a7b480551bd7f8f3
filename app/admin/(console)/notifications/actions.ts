'use server';

import { getLocale, getTranslations } from 'next-intl/server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { NotFoundError, RateLimitedError, ValidationError } from '@/lib/errors';
import { isLocale } from '@/lib/i18n/locales';
import { addDestination, deleteDestination, setDestinationLanguage } from '@/lib/notify/destinations';
import { sendTestNotification } from '@/lib/notify/deliver';
import { NOTIFY_EVENT_TYPES } from '@/lib/notify/events-list';
import type { ReauthPrompt } from '../_reauth/prompt';
import { sensitiveStep } from '../_reauth/sensitive-step';
import { refusalText } from '@/app/_components/refusal-text';

export interface DestinationFormState {
  version: number;
  formError?: string;
  reauth?: ReauthPrompt;
  /** A new webhook's signing secret: shown once, never stored in clear. */
  created?: { kind: 'webhook' | 'email'; target: string; secret?: string };
  values?: { kind: string; target: string; label: string; events: string[]; language: string };
}

/**
 * Adds a destination (webhook or e-mail) with the event types ticked. A sensitive step: asks for the password
 * (and second factor) again when the last proof is over 5 minutes old. A webhook's secret is answered once.
 */
export async function addDestinationAction(prev: DestinationFormState, formData: FormData): Promise<DestinationFormState> {
  const session = await requireAdmin();
  const { admin } = session;
  const kind = String(formData.get('kind') ?? '').slice(0, 10);
  const values = {
    kind,
    target: String(formData.get('target') ?? '').slice(0, 2001),
    label: String(formData.get('label') ?? '').slice(0, 101),
    events: formData
      .getAll('events')
      .map((v) => String(v))
      .filter((v) => (NOTIFY_EVENT_TYPES as readonly string[]).includes(v)),
    language: String(formData.get('language') ?? '').slice(0, 10),
  };
  // Without a choice (a form from before the field), the language the admin reads the page in.
  const language = isLocale(values.language) ? values.language : await getLocale();
  const input = kind === 'webhook' ? { kind, url: values.target, events: values.events, label: values.label, language } : { kind, to: values.target, events: values.events, label: values.label, language };
  try {
    const outcome = await sensitiveStep(session, formData, async (proof) => addDestination(admin, input, await webContext({ kind: 'admin', id: admin.id, email: admin.email }), { web: proof }));
    if (!outcome.ok) return { version: prev.version + 1, values, reauth: outcome.reauth };
    revalidatePath('/admin/notifications');
    return { version: prev.version + 1, created: { kind: kind === 'webhook' ? 'webhook' : 'email', target: values.target.trim(), secret: outcome.value.secret } };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { version: prev.version + 1, values, formError: (await getTranslations('DestinationActions'))('notSaved', { reason: await refusalText(error) }) };
  }
}

const idOf = (formData: FormData): number | null => {
  const id = Number(String(formData.get('id') ?? '').slice(0, 16));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/** Deletes a destination of the admin's account. */
export async function deleteDestinationAction(formData: FormData): Promise<void> {
  const { admin } = await requireAdmin();
  const id = idOf(formData);
  if (id !== null) {
    try {
      await deleteDestination(admin, id, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  redirect('/admin/notifications?notice=deleted');
}

/** Changes the language a destination's messages are written in. */
export async function setDestinationLanguageAction(formData: FormData): Promise<void> {
  const { admin } = await requireAdmin();
  const id = idOf(formData);
  let notice = '?notice=test-missing';
  if (id !== null) {
    try {
      await setDestinationLanguage(admin, id, String(formData.get('language') ?? '').slice(0, 10), await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
      notice = '?notice=language';
    } catch (error) {
      // A value the form cannot send changes nothing and says nothing; a destination deleted meanwhile is gone.
      if (error instanceof ValidationError) notice = '';
      else if (!(error instanceof NotFoundError)) throw error;
    }
  }
  redirect(`/admin/notifications${notice}`);
}

/** "Send a test": sends at once and shows the answer (or that too many were sent: see MAX_TESTS). */
export async function testDestinationAction(formData: FormData): Promise<void> {
  const { admin } = await requireAdmin();
  const id = idOf(formData);
  let result = 'test-missing';
  if (id !== null) {
    try {
      const outcome = await sendTestNotification(admin, id, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
      result = outcome.ok ? 'test-sent' : 'test-failed';
    } catch (error) {
      if (error instanceof RateLimitedError) result = 'test-limited';
      else if (!(error instanceof NotFoundError)) throw error;
    }
  }
  redirect(`/admin/notifications?notice=${result}${id !== null ? `&id=${id}` : ''}`);
}
