// Browser-safe: plain formatting over the bundled catalogues.
import { createTranslator } from 'next-intl';
import type { PasswordProblem } from '@/lib/auth/password-policy';
import { ValidationError } from '@/lib/errors';
import { catalogue } from './catalogues';
import type { Locale } from './locales';

/**
 * A password rule's text in a language. The policy (lib/auth/password-policy.ts) returns the rule and its
 * values; pages word them here, so the policy stays one place whatever the language, and its English
 * `message` stays what the API and the CLI say (password-problems.test.ts holds both to the same words).
 */
export function passwordProblemText(problem: PasswordProblem, locale: Locale): string {
  const t = createTranslator({ locale, messages: catalogue(locale), namespace: 'PasswordRules' });
  const v = problem.values;
  switch (v.rule) {
    case 'min_length':
      return t('minLength', { min: v.min, length: v.length });
    case 'max_bytes':
      return t('maxBytes', { max: v.max });
    case 'control_characters':
      return t('controlCharacters');
    case 'same_as_current':
      return t('sameAsCurrent');
    case 'contains_local_part': {
      const address = v.subject === 'own-admin' ? t('addressOwnAdmin') : v.subject === 'admin' ? t('addressAdmin') : t('addressMailbox');
      return t('containsLocalPart', { address, localPart: v.localPart });
    }
    case 'too_weak': {
      if (!v.warning) return t('tooWeak');
      const w = createTranslator({ locale, messages: catalogue(locale), namespace: 'PasswordWarnings' });
      return t('tooWeakHint', { hint: w(v.warning) });
    }
    case 'predictable': {
      const kind = { calendar: t('kindCalendar'), year: t('kindYear'), keyboard: t('kindKeyboard'), address: t('kindAddress') } as const;
      const parts = v.parts.map((p) => t('part', { kind: kind[p.kind], texts: p.texts.map((text) => t('quoted', { text })).join(', ') }));
      return t('predictable', { parts: parts.join(` ${t('and')} `) });
    }
  }
}

/** Every problem's text in a language. */
export function passwordProblemTexts(problems: readonly PasswordProblem[], locale: Locale): string[] {
  return problems.map((p) => passwordProblemText(p, locale));
}

/**
 * A service's refusal in a language: the password rules it lists when it carries them (a ValidationError
 * from the policy), else its English message (other services' texts are not worded per language here).
 */
export function validationMessages(error: ValidationError, locale: Locale): string[] {
  const details = error.details;
  if (Array.isArray(details) && details.length > 0 && details.every((d) => typeof (d as Partial<PasswordProblem>)?.values?.rule === 'string')) {
    return passwordProblemTexts(details as PasswordProblem[], locale);
  }
  return error.messages;
}
