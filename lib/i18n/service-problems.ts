// Browser-safe, and no catalogue import: pages and actions pass the translator of their reader's language.
import type { DomainError } from '@/lib/errors';
import type { ServiceProblem, ServiceProblemCode } from '@/lib/service-problems';
import type { Messages } from './catalogues';

type ServiceErrorKey = keyof Messages['ServiceErrors'];

/** A translator of the namespace 'ServiceErrors' (getTranslations, useTranslations or createTranslator). */
export type ServiceErrorWords = (key: ServiceErrorKey, values?: Record<string, string | number>) => string;

/** Each service problem's catalogue key; the type makes a new code fail to compile until it has words. */
const KEYS: { readonly [C in ServiceProblemCode]: ServiceErrorKey } = {
  mailbox_not_found: 'mailboxNotFound',
  domain_not_found: 'domainNotFound',
  password_changed_meanwhile: 'passwordChangedMeanwhile',
  passwords_per_minute: 'passwordsPerMinute',
  address_in_use: 'addressInUse',
  admin_address_refused: 'adminAddressRefused',
  bulk_no_nets: 'bulkNoNets',
  bulk_no_nets_replace: 'bulkNoNetsReplace',
  bulk_mailboxes_missing: 'bulkMailboxesMissing',
  bulk_selection_changed: 'bulkSelectionChanged',
  netset_not_found: 'netsetNotFound',
  netset_exists: 'netsetExists',
  netset_rename_in_use: 'netsetRenameInUse',
  netset_in_use: 'netsetInUse',
  api_keys_max: 'apiKeysMax',
  app_passwords_per_hour: 'appPasswordsPerHour',
  app_passwords_max: 'appPasswordsMax',
  app_password_not_found: 'appPasswordNotFound',
  destinations_max: 'destinationsMax',
  destination_not_found: 'destinationNotFound',
  url_not_full: 'urlNotFull',
  url_not_https: 'urlNotHttps',
  url_credentials: 'urlCredentials',
  url_fragment: 'urlFragment',
  url_no_host: 'urlNoHost',
  url_unresolved: 'urlUnresolved',
  url_internal: 'urlInternal',
  too_many_attempts: 'tooManyAttempts',
  admin_not_found: 'adminNotFound',
  totp_no_setup: 'totpNoSetup',
  totp_six_digits: 'totpSixDigits',
  totp_wrong_code: 'totpWrongCode',
  totp_restarted: 'totpRestarted',
  two_factor_not_set_up: 'twoFactorNotSetUp',
  admin_two_factor_required: 'adminTwoFactorRequired',
  admin_reset_own: 'adminResetOwn',
  admin_require_self_first: 'adminRequireSelfFirst',
  admin_passkeys_max: 'adminPasskeysMax',
  admin_last_factor_required: 'adminLastFactorRequired',
  passkey_taken: 'passkeyTaken',
  passkey_not_found: 'passkeyNotFound',
  wrong_password: 'wrongPassword',
  passkey_name_empty: 'passkeyNameEmpty',
  passkey_name_too_long: 'passkeyNameTooLong',
  passkey_name_control: 'passkeyNameControl',
  passkey_not_registered: 'passkeyNotRegistered',
  passkey_too_slow: 'passkeyTooSlow',
  passkey_wrong_address: 'passkeyWrongAddress',
};

/** A service problem in the reader's language, without the API's field prefix. */
export function serviceProblemText(p: ServiceProblem, t: ServiceErrorWords): string {
  return t(KEYS[p.code], p.values);
}

/**
 * What a page says for a service's refusal: its problem worded in the reader's language when it has one
 * (lib/service-problems.ts), else the English message (texts not yet given a code).
 */
export function serviceErrorText(error: DomainError, t: ServiceErrorWords): string {
  return error.problem ? serviceProblemText(error.problem, t) : error.message;
}
