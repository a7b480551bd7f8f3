import 'server-only';
import { getLocale, getTranslations } from 'next-intl/server';
import { DomainError, ValidationError } from '@/lib/errors';
import { describeEntryErrors } from '@/lib/i18n/allowlist-problems';
import { schemaRefusalText } from '@/lib/i18n/form-errors';
import { serviceErrorText } from '@/lib/i18n/service-problems';
import type { EntryError } from '@/lib/net/allowlist';

function entryErrors(details: unknown): EntryError[] | null {
  if (!Array.isArray(details) || details.length === 0) return null;
  return details.every((d) => typeof (d as Partial<EntryError>)?.code === 'string' && typeof (d as Partial<EntryError>)?.entry === 'string') ? (details as EntryError[]) : null;
}

/**
 * A service's refusal as a page says it ("Nothing was saved: …"), in the reader's language: invalid list
 * entries from the allowlist parser, the service's coded problem (lib/service-problems.ts), or a schema
 * check of a form's field ("to: must be an address like …", lib/i18n/form-errors.ts); a message that is
 * none of these stays as the service wrote it.
 */
export async function refusalText(error: DomainError): Promise<string> {
  const entries = error instanceof ValidationError ? entryErrors(error.details) : null;
  if (entries) return describeEntryErrors(entries, await getTranslations('AllowlistProblems'));
  if (error instanceof ValidationError && !error.problem) {
    const schema = schemaRefusalText(error.field, error.message, await getLocale());
    if (schema !== null) return schema;
  }
  return serviceErrorText(error, await getTranslations('ServiceErrors'));
}
