import { useTranslations } from 'next-intl';
import { entryErrorText } from '@/lib/i18n/allowlist-problems';
import type { EntryError } from '@/lib/net/allowlist';

/** Invalid allowlist entries, each with its reason (the parser's code and values, worded in the page's language). */
export function EntryErrorList({ errors, label, testId }: { errors: readonly EntryError[]; label?: string; testId?: string }) {
  const t = useTranslations('EntryErrors');
  const words = useTranslations('AllowlistProblems');
  return (
    <ul aria-label={label} data-testid={testId}>
      {errors.map((e, i) => (
        <li key={i}>
          {e.entry ? <code>{e.entry}</code> : t('theList')}: {entryErrorText(e, words)}
        </li>
      ))}
    </ul>
  );
}

/** A form's refusal: the message and, for an allowlist, every invalid entry the server found. */
export function FormAlert({ message, netErrors, testId }: { message?: string; netErrors?: readonly EntryError[]; testId?: string }) {
  if (!message) return null;
  return (
    <div className="alert" role="alert">
      <p>{message}</p>
      {netErrors?.length ? <EntryErrorList errors={netErrors} testId={testId} /> : null}
    </div>
  );
}
