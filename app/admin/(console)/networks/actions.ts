'use server';

import { refresh } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { requireAdmin, webContext } from '@/lib/session/dal';
import { DomainError, ValidationError } from '@/lib/errors';
import type { EntryError } from '@/lib/net/allowlist';
import { createNetSet, deleteNetSet, getNetSet, updateNetSet } from '@/lib/netsets/service';
import { netSetNameSchema } from '@/lib/netsets/schemas';
import { appendNet, draftRows, infoFromForm, infoForDraft } from '@/app/admin/_components/entry-info';
import { refusalText } from '@/app/_components/refusal-text';

export interface NetSetFormState {
  version: number;
  formError?: string;
  notice?: string;
  netErrors?: EntryError[];
  /** The name's problem, shown under the Name field (and referenced from it). */
  nameError?: string;
  values?: { name: string; description: string; allowNets: string };
}

async function errorState(base: NetSetFormState, error: unknown): Promise<NetSetFormState> {
  if (error instanceof ValidationError) {
    const t = await getTranslations('NetSetActions');
    if (error.field === 'allow_nets' || error.field === 'allow_nets_entries') {
      return { ...base, formError: t('invalidNets'), netErrors: (error.details as EntryError[] | undefined) ?? [] };
    }
    return { ...base, formError: t('notSaved', { reason: await refusalText(error) }) };
  }
  if (error instanceof DomainError) return { ...base, formError: await refusalText(error) };
  throw error;
}

/** Which rule the name breaks, worded by the page in the reader's language (the schema's words are the API's). */
function nameProblem(raw: string): 'nameRequired' | 'nameTooLong' | 'nameInvalid' {
  const name = raw.trim().replace(/^@/, '');
  if (name === '') return 'nameRequired';
  return name.length > 40 ? 'nameTooLong' : 'nameInvalid';
}

/**
 * Creates (no `original`) or changes a set of the admin's account. The networks go with their labels and
 * expiry; a set of another account is "not found".
 */
export async function saveNetSetAction(prev: NetSetFormState, formData: FormData): Promise<NetSetFormState> {
  const { admin } = await requireAdmin();
  const original = String(formData.get('original') ?? '');
  const values = { name: String(formData.get('name') ?? ''), description: String(formData.get('description') ?? ''), allowNets: String(formData.get('allowNets') ?? '') };
  const base: NetSetFormState = { version: prev.version + 1, values };
  // The same schema the service applies, checked first so that its message goes under the Name field.
  const name = netSetNameSchema.safeParse(values.name);
  const t = await getTranslations('NetSetActions');
  if (!name.success) return { ...base, formError: t('checkName'), nameError: t(nameProblem(values.name)) };
  try {
    const rows = draftRows(values.allowNets, infoForDraft(values.allowNets, infoFromForm(formData)));
    const list = rows === null ? { allowNets: values.allowNets } : { allowNetsEntries: rows };
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    if (original === '') {
      const view = await createNetSet(admin.accountId, { name: values.name, description: values.description, ...list }, ctx);
      refresh();
      return { version: base.version, notice: t('created', { name: view.name }) };
    }
    const view = await updateNetSet(admin.accountId, original, { newName: values.name, description: values.description, ...list }, ctx);
    refresh();
    return { version: base.version, notice: t('saved', { name: view.name }), values: { name: view.name, description: view.description, allowNets: view.allowNets } };
  } catch (error) {
    return await errorState(base, error);
  }
}

/** Deletes a set; refused (naming mailboxes) while lists reference it. */
export async function deleteNetSetAction(prev: NetSetFormState, formData: FormData): Promise<NetSetFormState> {
  const { admin } = await requireAdmin();
  const name = String(formData.get('name') ?? '');
  try {
    await deleteNetSet(admin.accountId, name, await webContext({ kind: 'admin', id: admin.id, email: admin.email }));
    refresh();
    return { version: prev.version + 1, notice: (await getTranslations('NetSetActions'))('deleted', { name }) };
  } catch (error) {
    return await errorState({ version: prev.version + 1 }, error);
  }
}

/** A suggestion's "Add to set": appends the network to the chosen set (labels of the others stay). */
export async function addSuggestionAction(prev: NetSetFormState, formData: FormData): Promise<NetSetFormState> {
  const { admin } = await requireAdmin();
  const net = String(formData.get('net') ?? '');
  const name = String(formData.get('set') ?? '');
  try {
    const set = await getNetSet(admin.accountId, name);
    const ctx = await webContext({ kind: 'admin', id: admin.id, email: admin.email });
    await updateNetSet(admin.accountId, set.name, { allowNets: appendNet(set.allowNets, net) }, ctx);
    refresh();
    return { version: prev.version + 1, notice: (await getTranslations('NetSetActions'))('added', { net, name: set.name }) };
  } catch (error) {
    return await errorState({ version: prev.version + 1 }, error);
  }
}
