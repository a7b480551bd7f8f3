'use server';

import { getTranslations } from 'next-intl/server';
import { refresh } from 'next/cache';
import { getLocale } from 'next-intl/server';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { DomainError, ValidationError } from '@/lib/errors';
import { applyBulkChange, planBulkChange, type BulkActionKind, type BulkRequest } from '@/lib/mailboxes/bulk';
import type { EntryError } from '@/lib/net/allowlist';
import { bulkQuestion, bulkSummary } from '@/app/admin/_components/labels';
import { mailKickEnabled } from '@/lib/mail-kick/outbox';
import { refusalText } from '@/app/_components/refusal-text';

export interface BulkConfirmation {
  action: BulkActionKind;
  allowNets: string | null;
  count: number;
  sample: string[];
  question: string;
  /** MAIL_KICK_URL is unset: the confirmation says that open mail connections stay open. */
  mailKicksOff: boolean;
  target: { kind: 'selected'; emails: string[] } | { kind: 'matching'; q: string; domain: string; filter: string; age: string };
}

export interface BulkFormState {
  /** Bumped on every answer so the form re-reads its values. */
  version: number;
  formError?: string;
  netErrors?: EntryError[];
  confirm?: BulkConfirmation;
  result?: string;
  /** The choices as submitted, so a refused request keeps them. */
  values?: { action: string; allowNets: string; target: string };
}

const text = (formData: FormData, name: string) => String(formData.get(name) ?? '');

/** The form's fields as a bulk request (translation only: the domain service validates). */
function requestFrom(formData: FormData): { request: BulkRequest; target: BulkConfirmation['target'] } {
  const target: BulkConfirmation['target'] =
    text(formData, 'target') === 'matching'
      ? { kind: 'matching', q: text(formData, 'q'), domain: text(formData, 'domain'), filter: text(formData, 'filter') || 'all', age: text(formData, 'age').slice(0, 12) }
      : { kind: 'selected', emails: formData.getAll('selected').map(String) };
  const request = {
    action: text(formData, 'action'),
    allowNets: text(formData, 'allowNets'),
    // An unticked box sends nothing: the marker says the question was asked (unasked = the default, revoke).
    revokeAppPasswords: formData.get('revokeAppPasswordsAsked') ? formData.get('revokeAppPasswords') === 'on' : undefined,
    target:
      target.kind === 'matching'
        ? {
            kind: 'matching',
            // The age filter as the list shows it: a whole number of days, or absent (other text is refused by the schema).
            query: { search: target.q || undefined, domain: target.domain || undefined, filter: target.filter, passwordOlderThanDays: target.age === '' ? undefined : /^\d+$/.test(target.age) ? Number(target.age) : target.age },
          }
        : { kind: 'selected', emails: target.emails },
  } as BulkRequest;
  return { request, target };
}

/**
 * Two steps: "review" validates and counts (nothing changes) and returns the confirmation; "apply" makes
 * the change in one transaction, provided the target still has the confirmed number of mailboxes.
 */
export async function bulkAction(prev: BulkFormState, formData: FormData): Promise<BulkFormState> {
  const { admin, scope } = await requireAdmin();
  const { request, target } = requestFrom(formData);
  const base: BulkFormState = { version: prev.version + 1, values: { action: text(formData, 'action'), allowNets: text(formData, 'allowNets'), target: target.kind } };
  const t = await getTranslations('BulkActionErrors');
  try {
    if (!text(formData, 'action')) return { ...base, formError: t('chooseAction') };
    if (text(formData, 'step') === 'apply') {
      const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
      const result = await applyBulkChange(scope, request, ctx, { expectedCount: Number.parseInt(text(formData, 'expectedCount'), 10) });
      refresh();
      return { version: base.version, result: bulkSummary(result, await getLocale()) };
    }
    const plan = await planBulkChange(scope, request);
    if (plan.count === 0) return { ...base, formError: t('noMatch') };
    return { ...base, confirm: { ...plan, question: bulkQuestion(plan.action, plan.allowNets, plan.count, await getLocale()), mailKicksOff: !mailKickEnabled(), target } };
  } catch (error) {
    if (error instanceof ValidationError && error.field === 'allow_nets' && Array.isArray(error.details)) {
      return { ...base, formError: t('invalidNets'), netErrors: error.details as EntryError[] };
    }
    if (error instanceof DomainError) return { ...base, formError: t('notChanged', { reason: (await refusalText(error)).replace(/^target: /, '') }) };
    throw error;
  }
}
