'use server';

import { refresh } from 'next/cache';
import { notFound, redirect } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { endMailboxSessions } from '@/lib/sessions/service';
import { mailboxHref } from '../mailbox-href';
import { requestInfo, requireAdmin, webContext } from '@/lib/session/dal';
import { DomainError, ValidationError } from '@/lib/errors';
import { lockoutCheck } from '@/lib/mailboxes/impact';
import { getMailbox, updateMailbox } from '@/lib/mailboxes/service';
import { netSetContents } from '@/lib/netsets/service';
import { IMPACT_WINDOW_DAYS } from '@/lib/mailboxes/sign-in-impact';
import { checkPasswordPolicy } from '@/lib/auth/password-policy';
import { env } from '@/lib/env';
import { ownPasswordChangeSchema, type MailboxPatchInput } from '@/lib/mailboxes/schemas';
import { parseAllowNets, type EntryError } from '@/lib/net/allowlist';
import { describeChange } from '@/app/admin/_components/labels';
import { ADD_ADDRESS_KEYS, ADD_ADDRESS_TEXTS, addAddress } from '@/app/admin/_components/nets-draft';
import { appendNet, draftMeta, draftRows, infoForDraft, infoFromForm, infoText } from '@/app/admin/_components/entry-info';
import { textDigest } from '@/app/admin/_components/form-digest';
import type { Phrase } from '@/lib/time-format';
import { settingsOf, storedOf, type MailboxSettings, type StoredSettings } from './mailbox-settings';
import { passwordProblemTexts, validationMessages } from '@/lib/i18n/password-problems';
import { formFieldErrors } from '@/lib/i18n/form-errors';
import { refusalText } from '@/app/_components/refusal-text';

export interface MailboxFormState {
  /** Bumped on every answer so the form re-reads `values`. */
  version: number;
  /**
   * The fields' values and the stored values they were based on (only fields the admin changed are sent to
   * the service). Absent in the initial state: the form then starts from the page's settings, so a long
   * list is not serialised again into the form's no-JavaScript state.
   */
  values?: MailboxSettings;
  stored?: StoredSettings;
  formError?: string;
  notice?: string;
  /** What was saved, one line each (times as instants: the form shows them in the viewer's zone). */
  changes?: Phrase[];
  netErrors?: EntryError[];
  fieldErrors?: Partial<Record<'memo' | 'requireResetPassword', string[]>>;
  /** Set when the new list would refuse every address the mailbox used in the last 30 days: save again with the confirmation ticked. */
  lockout?: { addresses: string[] };
}

function valuesFrom(formData: FormData): MailboxSettings {
  return {
    allowNets: String(formData.get('allowNets') ?? ''),
    entryInfo: infoFromForm(formData),
    allowNetsMode: formData.get('allowNetsMode') === 'monitor' ? 'monitor' : 'enforce',
    requireResetPassword: formData.get('requireResetPassword') === 'on',
    memo: String(formData.get('memo') ?? ''),
  };
}

function storedFrom(formData: FormData): StoredSettings {
  return {
    listDigest: String(formData.get('stored.listDigest') ?? ''),
    infoDigest: String(formData.get('stored.infoDigest') ?? ''),
    allowNetsMode: formData.get('stored.allowNetsMode') === 'monitor' ? 'monitor' : 'enforce',
    requireResetPassword: formData.get('stored.requireResetPassword') === 'on',
    memo: String(formData.get('stored.memo') ?? ''),
  };
}

async function errorState(base: Required<Pick<MailboxFormState, 'version' | 'values' | 'stored'>>, error: unknown): Promise<MailboxFormState> {
  if (error instanceof ValidationError) {
    const t = await getTranslations('MailboxActions');
    if (error.field === 'allow_nets' || error.field === 'allow_nets_entries') {
      return { ...base, formError: t('invalidNets'), netErrors: (error.details as EntryError[] | undefined) ?? [] };
    }
    const field = error.field === 'require_reset_password' ? 'requireResetPassword' : error.field;
    const reason = await refusalText(error);
    return { ...base, formError: t('notSaved', { reason }), fieldErrors: { [field]: [reason] } };
  }
  if (error instanceof DomainError) return { ...base, formError: await refusalText(error) };
  throw error;
}

/**
 * Save, preview or "add my IP" for one mailbox. Only the fields that differ from the stored values the
 * form was rendered with are sent, so a save never undoes what someone else changed meanwhile in a field
 * this admin did not touch. Another account's address is "not found", whatever the intent.
 */
export async function saveMailboxAction(prev: MailboxFormState, formData: FormData): Promise<MailboxFormState> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '');
  const values = valuesFrom(formData);
  const stored = storedFrom(formData);
  const base = { version: prev.version + 1, values, stored };
  const intent = String(formData.get('intent') ?? 'save');
  const t = await getTranslations('MailboxActions');
  const locale = await getLocale();
  try {
    if (intent === 'add-ip' || intent === 'preview' || intent.startsWith('add-net:') || intent.startsWith('remove:')) {
      await getMailbox(scope, email);
      if (intent === 'preview') return base;
      if (intent.startsWith('add-net:')) {
        return { ...base, values: { ...values, allowNets: appendNet(values.allowNets, intent.slice('add-net:'.length)) }, notice: t('netAdded') };
      }
      if (intent.startsWith('remove:')) {
        const net = intent.slice('remove:'.length);
        const parsed = parseAllowNets(values.allowNets, { references: 'any' });
        const tokens = parsed.ok && parsed.canonical !== null ? parsed.canonical.split(',') : values.allowNets.split(/[\s,]+/);
        const kept = tokens.filter((t) => t !== '' && t !== net).join(', ');
        return { ...base, values: { ...values, allowNets: kept }, notice: t('netRemoved', { net }) };
      }
      const { clientIp } = await requestInfo();
      const added = addAddress(values.allowNets, clientIp);
      return { ...base, values: { ...values, allowNets: added.draft }, notice: (await getTranslations(ADD_ADDRESS_TEXTS))(ADD_ADDRESS_KEYS[added.outcome], { address: clientIp ?? '' }) };
    }
    const patch: MailboxPatchInput = {};
    const info = infoForDraft(values.allowNets, values.entryInfo);
    if (textDigest(values.allowNets) !== stored.listDigest || textDigest(JSON.stringify(info)) !== stored.infoDigest) {
      // Entries whose row was not on the page (long lists show the first rows) keep their stored label and expiry.
      const submitted = new Set(Object.keys(values.entryInfo));
      const current = infoText((await getMailbox(scope, email)).allowNetsMeta);
      // eslint-disable-next-line portcullis/no-computed-key-write -- `current` is the stored list's side map: canonical networks, never a prototype key.
      for (const [net, i] of Object.entries(current)) if (!submitted.has(net)) info[net] = i;
      // The list with its labels and expiry; a draft that does not parse goes as typed, for the service to name every bad entry.
      const rows = draftRows(values.allowNets, info);
      if (rows === null) patch.allowNets = values.allowNets;
      else patch.allowNetsEntries = rows;
    }
    if (values.allowNetsMode !== stored.allowNetsMode) patch.allowNetsMode = values.allowNetsMode;
    if (values.requireResetPassword !== stored.requireResetPassword) {
      patch.requireResetPassword = values.requireResetPassword;
      // An unticked box sends nothing: the marker says it was shown (not shown = the default, revoke).
      if (values.requireResetPassword && formData.get('revokeAppPasswordsAsked')) patch.revokeAppPasswords = formData.get('revokeAppPasswords') === 'on';
    }
    if (values.memo !== stored.memo) patch.memo = values.memo;
    if ((patch.allowNets !== undefined || patch.allowNetsEntries !== undefined) && formData.get('confirmLockout') !== 'yes') {
      // Checked on the server too: the browser's disabled Save is a convenience, not the rule. The draft is
      // evaluated as the gate would: with the account's sets and the entries' expiry.
      const { impact, locksOut } = await lockoutCheck(scope, email, values.allowNets, new Date(), { sets: await netSetContents(admin.accountId), meta: draftMeta(info) });
      if (locksOut && impact.ok) {
        const addresses = impact.refused.map((g) => g.address ?? t('unknownAddress'));
        return {
          ...base,
          formError: t('lockout', { email, days: IMPACT_WINDOW_DAYS, addresses: addresses.join(', ') }),
          lockout: { addresses },
        };
      }
    }
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    const { mailbox, changes } = await updateMailbox(scope, email, patch, ctx);
    const saved = settingsOf(mailbox);
    refresh();
    return {
      version: base.version,
      values: saved,
      stored: storedOf(saved),
      notice: changes.length === 0 ? t('nothingChanged') : t('saved'),
      changes: changes.flatMap((c) => describeChange(c, locale)),
    };
  } catch (error) {
    return await errorState(base, error);
  }
}

/**
 * Deactivates or reactivates the mailbox (the page's danger zone). Deactivating ends every open session;
 * another account's address is "not found".
 */
export async function setActiveAction(_prev: ActiveFormState, formData: FormData): Promise<ActiveFormState> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '');
  const active = formData.get('active') === 'on';
  try {
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    const { changes } = await updateMailbox(scope, email, { active }, ctx);
    refresh();
    const t = await getTranslations('MailboxActions');
    if (changes.length === 0) return { notice: active ? t('alreadyActive') : t('alreadyInactive') };
    return { notice: active ? t('reactivated', { email }) : t('deactivated', { email }) };
  } catch (error) {
    if (error instanceof DomainError) return { formError: await refusalText(error) };
    throw error;
  }
}

export interface ActiveFormState {
  formError?: string;
  notice?: string;
}

export interface PasswordFormState {
  formError?: string;
  notice?: string;
  fieldErrors?: Partial<Record<'newPassword' | 'confirmPassword', string[]>>;
}

/**
 * Sets a new password chosen by the admin (same policy as the user's own change), optionally forcing the
 * user to replace it at the next sign-in. Every open session of the mailbox ends. No password is ever
 * returned to the form.
 */
export async function setPasswordAction(_prev: PasswordFormState, formData: FormData): Promise<PasswordFormState> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '');
  const newPassword = String(formData.get('newPassword') ?? '');
  const parsed = ownPasswordChangeSchema.safeParse({ newPassword, confirmPassword: String(formData.get('confirmPassword') ?? '') });
  // Every rule at once: a mismatch is reported together with the password's own problems.
  const policy = passwordProblemTexts(checkPasswordPolicy({ password: newPassword, email, minLength: env().PASSWORD_MIN_LENGTH }), await getLocale());
  if (!parsed.success || policy.length > 0) {
    const fieldErrors = parsed.success ? {} : (formFieldErrors(parsed.error.flatten().fieldErrors, await getLocale()) as NonNullable<PasswordFormState['fieldErrors']>);
    if (policy.length > 0) fieldErrors.newPassword = [...new Set([...(fieldErrors.newPassword ?? []), ...policy])];
    return { formError: (await getTranslations('MailboxActions'))('passwordNotSet'), fieldErrors };
  }
  // One "force password change" control lives in Settings; a password set by an admin is always temporary.
  const requireReset = true;
  try {
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    const { mailbox } = await updateMailbox(scope, email, { password: parsed.data.newPassword, requireResetPassword: requireReset }, ctx);
    refresh();
    return {
      notice: (await getTranslations('MailboxActions'))('passwordSet', { email: mailbox.email }),
    };
  } catch (error) {
    if (error instanceof ValidationError && error.field === 'password') {
      const problems = validationMessages(error, await getLocale());
      return { formError: (await getTranslations('MailboxActions'))('passwordNotSet'), fieldErrors: { newPassword: problems } };
    }
    if (error instanceof DomainError) return { formError: await refusalText(error) };
    throw error;
  }
}

/** "End all sessions": every web and API session of the mailbox ends at its next request (audited sessions_ended). */
export async function endMailboxSessionsAction(formData: FormData): Promise<void> {
  const { admin, scope } = await requireAdmin();
  const email = String(formData.get('email') ?? '').slice(0, 320);
  try {
    await endMailboxSessions(scope, email, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
  } catch (error) {
    // Another account's mailbox and a missing one look the same: nothing to end.
    if (!(error instanceof DomainError)) throw error;
    notFound();
  }
  // The page states the count from the audit row of this change, not from the URL.
  redirect(`${mailboxHref(email)}?notice=sessions-ended`);
}
