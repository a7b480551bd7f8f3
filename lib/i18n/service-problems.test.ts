import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { englishProblemText, problem, SERVICE_PROBLEM_CODES, type ServiceProblem, type ServiceProblemCode } from '@/lib/service-problems';
import { catalogue } from './catalogues';
import type { Locale } from './locales';
import { serviceErrorText, serviceProblemText, type ServiceErrorWords } from './service-problems';

const words = (locale: Locale): ServiceErrorWords => createTranslator({ locale, messages: catalogue(locale), namespace: 'ServiceErrors' });

// Values for each code, with one and several of whatever is counted.
const SAMPLES: { readonly [C in ServiceProblemCode]: Record<string, string | number>[] } = {
  mailbox_not_found: [{ address: 'alice@example.com' }],
  domain_not_found: [{ domain: 'example.org' }],
  password_changed_meanwhile: [{}],
  passwords_per_minute: [{ max: 60 }],
  address_in_use: [{ email: 'bob@example.com' }],
  admin_address_refused: [{}],
  bulk_no_nets: [{}],
  bulk_no_nets_replace: [{}],
  bulk_mailboxes_missing: [{ count: 1, list: 'a@example.com', more: 0 }, { count: 12, list: 'a@example.com, b@example.com', more: 10 }],
  bulk_selection_changed: [{ matched: 1, confirmed: 2 }, { matched: 3, confirmed: 1 }],
  netset_not_found: [{ name: 'office' }],
  netset_exists: [{ name: 'office' }],
  netset_rename_in_use: [{ name: 'office', count: 1, list: 'a@example.com', more: 0 }, { name: 'office', count: 12, list: 'a@example.com', more: 11 }],
  netset_in_use: [{ name: 'office', count: 1, list: 'a@example.com', more: 0 }, { name: 'office', count: 2, list: 'a@example.com, b@example.com', more: 0 }],
  api_keys_max: [{ max: 10 }],
  app_passwords_per_hour: [{ max: 20, minutes: 1 }, { max: 20, minutes: 42 }],
  app_passwords_max: [{ max: 50 }],
  app_password_not_found: [{}],
  destinations_max: [{ max: 10 }],
  destination_not_found: [{}],
  url_not_full: [{}],
  url_not_https: [{}],
  url_credentials: [{}],
  url_fragment: [{}],
  url_no_host: [{}],
  url_unresolved: [{ host: 'alerts.example.invalid' }],
  url_internal: [{ address: '10.0.0.5' }],
  too_many_attempts: [{ minutes: 1 }, { minutes: 15 }],
  admin_not_found: [{ address: 'carol@example.com' }],
  totp_no_setup: [{}],
  totp_six_digits: [{}],
  totp_wrong_code: [{}],
  totp_restarted: [{}],
  two_factor_not_set_up: [{}],
  admin_two_factor_required: [{}],
  admin_reset_own: [{}],
  admin_require_self_first: [{}],
  admin_passkeys_max: [{ max: 10 }],
  admin_last_factor_required: [{}],
  passkey_taken: [{}],
  passkey_not_found: [{}],
  wrong_password: [{}],
  passkey_name_empty: [{}],
  passkey_name_too_long: [{ max: 60 }],
  passkey_name_control: [{}],
  passkey_not_registered: [{}],
  passkey_too_slow: [{}],
  passkey_wrong_address: [{ area: 'admin' }, { area: 'mailbox' }],
};

const ALL: ServiceProblem[] = SERVICE_PROBLEM_CODES.flatMap((code) => SAMPLES[code].map((values) => problem(code, values)));

describe('service refusals worded by the page', () => {
  it("words every code in English exactly as the service's message (what the API and the CLI say)", () => {
    for (const p of ALL) expect(serviceProblemText(p, words('en'))).toBe(englishProblemText(p));
  });

  it('words every code in German, with its values', () => {
    for (const p of ALL) {
      const de = serviceProblemText(p, words('de'));
      expect(de).not.toBe(englishProblemText(p));
      expect(de).not.toMatch(/[{}]|\b(the|not found|already|first|Try|mailbox)\b/);
    }
    const de = (code: ServiceProblemCode, i = 0) => serviceProblemText(problem(code, SAMPLES[code][i]), words('de'));
    expect(de('netset_in_use', 1)).toBe('Die Netzwerkgruppe @office wird noch von den Postfächern a@example.com, b@example.com verwendet. Entfernen Sie sie zuerst aus deren Listen.');
    expect(de('netset_rename_in_use', 1)).toBe('Die Netzwerkgruppe @office kann nicht umbenannt werden, solange die Postfächer a@example.com und 11 weitere sie verwenden. Ändern Sie zuerst deren Listen.');
    expect(de('app_passwords_per_hour', 0)).toContain('in 1 Minute noch einmal');
    // The relying-party refusal sends each subject to its own area, in both languages.
    expect(englishProblemText(problem('passkey_wrong_address', { area: 'admin' }))).toContain('Open the admin area at its configured address');
    expect(englishProblemText(problem('passkey_wrong_address', { area: 'mailbox' }))).toContain('Open your account page at its configured address');
    expect(de('passkey_wrong_address', 0)).toContain('Öffnen Sie den Administrationsbereich');
    expect(de('passkey_wrong_address', 1)).toContain('Öffnen Sie Ihre Kontoseite');
    expect(de('too_many_attempts', 0)).toBe('Zu viele Versuche. Bitte versuchen Sie es in 1 Minute erneut.');
  });

  it('keeps the field prefix in the English message only, and words an error that carries a problem', () => {
    const error = new ValidationError('allow_nets', problem('bulk_no_nets', {}, 'allow_nets'));
    expect(error.message).toBe('allow_nets: enter at least one address or network');
    expect(serviceErrorText(error, words('de'))).toBe('Geben Sie mindestens eine Adresse oder ein Netzwerk ein.');
    expect(serviceErrorText(new ConflictError(problem('netset_exists', { name: 'office' })), words('de'))).toBe('Es gibt bereits eine Netzwerkgruppe @office.');
    expect(serviceErrorText(new NotFoundError(problem('passkey_not_found')), words('de'))).toBe('Diesen Passkey gibt es nicht.');
    // An error without a problem keeps its message.
    expect(serviceErrorText(new NotFoundError('Admin not found'), words('de'))).toBe('Admin not found');
  });
});
