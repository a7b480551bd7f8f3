/*
 * Refusals that services send to every channel, as a code with its values plus the one English rendering
 * the JSON-RPC API and the CLI answer with (a machine contract). Pages word the code in the reader's
 * language from the catalogues (lib/i18n/service-problems.ts, namespace 'ServiceErrors'); a unit test holds
 * the English catalogue to the words below. A DomainError built from one of these carries it as `problem`.
 *
 * Browser-safe plain data, imported by lib/errors.ts.
 */

/** Thousands with a comma, as the English catalogue writes numbers. */
function n(value: string | number | undefined): string {
  return Number(value ?? 0).toLocaleString('en-US');
}

/** " and 3 more" when a list was cut, "" when not. */
function more(value: string | number | undefined): string {
  return Number(value ?? 0) > 0 ? ` and ${n(value)} more` : '';
}

function mailboxes(v: ServiceProblemValues): string {
  return `${v.count === 1 ? 'mailbox' : 'mailboxes'} ${v.list}${more(v.more)}`;
}

export type ServiceProblemValues = Readonly<Record<string, string | number>>;

const TEXTS = {
  mailbox_not_found: (v: ServiceProblemValues) => `Mailbox ${v.address} not found`,
  domain_not_found: (v: ServiceProblemValues) => `Domain ${v.domain} not found`,
  password_changed_meanwhile: () => 'The password was changed meanwhile; sign in again.',
  passwords_per_minute: (v: ServiceProblemValues) => `Too many passwords set: at most ${n(v.max)} per minute for a business account. Try again in a minute.`,
  address_in_use: (v: ServiceProblemValues) => `Address ${v.email} is already in use by a mailbox or an admin`,
  admin_address_refused: () => 'Use an address in one of your domains that is not a mailbox or another admin.',
  bulk_no_nets: () => 'enter at least one address or network',
  bulk_no_nets_replace: () => 'enter at least one address or network (to lift the restriction, choose "Remove the restriction")',
  bulk_mailboxes_missing: (v: ServiceProblemValues) => `${v.count === 1 ? 'Mailbox' : 'Mailboxes'} not found: ${v.list}${more(v.more)}`,
  bulk_selection_changed: (v: ServiceProblemValues) =>
    `The selection changed since it was confirmed: ${n(v.matched)} ${v.matched === 1 ? 'mailbox' : 'mailboxes'} match now, ${n(v.confirmed)} were confirmed. Review and confirm again.`,
  netset_not_found: (v: ServiceProblemValues) => `Network set @${v.name} not found`,
  netset_exists: (v: ServiceProblemValues) => `Network set @${v.name} already exists`,
  netset_rename_in_use: (v: ServiceProblemValues) => `Network set @${v.name} cannot be renamed: ${mailboxes(v)} use it. Change their lists first.`,
  netset_in_use: (v: ServiceProblemValues) => `Network set @${v.name} is used by ${mailboxes(v)}. Remove it from their lists first.`,
  api_keys_max: (v: ServiceProblemValues) => `You have ${n(v.max)} keys already: revoke one first.`,
  app_passwords_per_hour: (v: ServiceProblemValues) => `Too many app passwords created: at most ${n(v.max)} an hour. Try again in ${n(v.minutes)} ${v.minutes === 1 ? 'minute' : 'minutes'}.`,
  app_passwords_max: (v: ServiceProblemValues) => `This mailbox has ${n(v.max)} app passwords already: revoke one first.`,
  app_password_not_found: () => 'App password not found',
  destinations_max: (v: ServiceProblemValues) => `The account has ${n(v.max)} destinations already: delete one first.`,
  destination_not_found: () => 'No such destination.',
  url_not_full: () => 'the URL must be a full URL, e.g. https://alerts.example.com/portcullis',
  url_not_https: () => 'the URL must start with https://',
  url_credentials: () => 'the URL must not contain a user name or password',
  url_fragment: () => 'the URL must not contain a #fragment',
  url_no_host: () => 'the URL must name a host',
  url_unresolved: (v: ServiceProblemValues) => `the URL's host ${v.host} does not resolve`,
  url_internal: (v: ServiceProblemValues) => `the URL's host resolves to ${v.address}, an internal address that webhooks may not reach`,
  too_many_attempts: (v: ServiceProblemValues) => `Too many attempts. Try again in ${v.minutes} ${v.minutes === 1 ? 'minute' : 'minutes'}.`,
  admin_not_found: (v: ServiceProblemValues) => `Admin ${v.address} not found`,
  totp_no_setup: () => 'Start the setup again: no authenticator setup is in progress.',
  totp_six_digits: () => 'Enter the 6-digit code your authenticator app shows.',
  totp_wrong_code: () => 'That code is not correct. Check that the time on your device is right, and enter the code your app shows now.',
  totp_restarted: () => 'Start the setup again: it was restarted meanwhile.',
  two_factor_not_set_up: () => 'Set up two-factor first.',
  admin_two_factor_required: () => 'Your account requires two-factor for every admin, so it cannot be turned off. Another admin can reset it if you lost your device.',
  admin_reset_own: () => 'Use "Turn off two-factor" on the Security page for your own.',
  admin_require_self_first: () => 'Set up two-factor for yourself first, then require it for every admin.',
  admin_passkeys_max: (v: ServiceProblemValues) => `You have ${n(v.max)} passkeys, the most one admin can have. Remove one first.`,
  admin_last_factor_required: () =>
    'Your account requires two-factor for every admin, so your last second factor cannot be removed. Add another passkey or an authenticator app first.',
  passkey_taken: () => 'This passkey is already registered.',
  passkey_not_found: () => 'Passkey not found',
  wrong_password: () => 'That password is not correct.',
  passkey_name_empty: () => 'Give the passkey a name, such as "Work laptop".',
  passkey_name_too_long: (v: ServiceProblemValues) => `The name can have at most ${n(v.max)} characters.`,
  passkey_name_control: () => 'The name cannot contain control characters.',
  passkey_not_registered: () => 'The passkey could not be registered. Try again.',
  passkey_too_slow: () => 'That took too long. Try again.',
  // Said where the passkey is added: an admin on the admin area, a mailbox user on their account page.
  passkey_wrong_address: (v: ServiceProblemValues) =>
    `Passkeys cannot be used at this address. Open ${v.area === 'mailbox' ? 'your account page' : 'the admin area'} at its configured address (the operator sets WEBAUTHN_ORIGINS), then try again.`,
} as const;

export type ServiceProblemCode = keyof typeof TEXTS;

/** Every code, for the test that holds each one's words in both catalogues. */
export const SERVICE_PROBLEM_CODES = Object.keys(TEXTS) as ServiceProblemCode[];

/** A refusal as a code and values; `field` is put before the English text ("allow_nets: …") for the API only. */
export interface ServiceProblem {
  readonly code: ServiceProblemCode;
  readonly values: ServiceProblemValues;
  readonly field?: string;
}

/** A problem to throw (`new ConflictError(problem('netset_exists', { name }))`). */
export function problem(code: ServiceProblemCode, values: ServiceProblemValues = {}, field?: string): ServiceProblem {
  return field === undefined ? { code, values } : { code, values, field };
}

/** The English text of a problem without its field prefix (what the English catalogue says too). */
export function englishProblemText(p: ServiceProblem): string {
  return TEXTS[p.code](p.values);
}

/** The English message of a problem, as the API and the CLI say it. */
export function englishProblemMessage(p: ServiceProblem): string {
  const text = englishProblemText(p);
  return p.field === undefined ? text : `${p.field}: ${text}`;
}
