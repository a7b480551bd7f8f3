// Browser-safe (no server-only): the audit page, its CSV export and tests all word events with this file.

import type { Phrase } from '@/lib/time-format';

/**
 * The audit trail in plain language: one sentence per event ("admin@example.com forced a password change
 * for carol@example.com"), and a human name per event kind for the filter. Every kind the code writes has
 * an entry in AUDIT_EVENT_KINDS; a kind without one (added elsewhere, or from a newer version of the code)
 * still reads as a sentence built from its name, so the log never shows a blank or a raw identifier alone.
 */

export interface AuditSentenceInput {
  event: string;
  mailboxEmail: string | null;
  actorKind: string;
  actorEmail: string | null;
  clientIp: string | null;
  protocol: string | null;
  detail: Record<string, unknown> | null;
}

interface EventKind {
  /** The kind's name in the event filter. */
  label: string;
  /** The event as one sentence (without the time, which the page shows beside it). */
  sentence: (e: AuditSentenceInput, words: Words) => string;
}

/** Phrases every sentence builds on, computed once per event. */
interface Words {
  /** Who did it: an admin's or a user's address, "The operator (alice, command line)", "The system". */
  actor: string;
  /** The mailbox the event is about, or "a mailbox". */
  mailbox: string;
  /** " from 192.0.2.7" or "". */
  from: string;
  /** " over IMAP" (only for protocols other than the web) or "". */
  via: string;
}

/** Why a mailbox's mail connections were ended (lib/mail-kick/outbox.ts KickReason). */
const KICK_REASONS: Record<string, string> = {
  forced_change: 'password change forced',
  deactivated: 'mailbox deactivated',
  password: 'new password',
  sessions_ended: 'sessions ended',
  list: 'allowed networks narrowed',
  mode: 'list enforced',
  set: 'network set narrowed',
  expiry: 'allowed network expired',
  deleted: 'mailbox deleted',
  two_factor: 'two-factor turned on',
  app_password_revoked: 'app password revoked',
  app_password_policy: 'mail apps must use app passwords',
};

/** The account policies for mailboxes (lib/accounts/policy.ts), as the admin page names them. */
const POLICIES: Record<string, string> = {
  password_max_age_days: 'Passwords expire after N days',
  require_app_passwords: 'Mail apps must use app passwords',
  require_two_factor: 'Require two-factor for mailboxes',
};

/** A policy's value in words. */
function policyValue(policy: unknown, value: unknown): string {
  if (policy === 'password_max_age_days') return typeof value === 'number' ? `${value.toLocaleString('en-US')} days` : 'never';
  return value === true ? 'on' : value === false ? 'off' : value === null || value === undefined ? 'none' : String(value);
}

/** Sign-in failure and session-end reasons as people say them. */
export const REASONS: Record<string, string> = {
  unknown_mailbox: 'no such mailbox',
  unknown_admin: 'no such admin',
  bad_password: 'wrong password',
  inactive: 'mailbox deactivated',
  network_not_allowed: 'network not allowed',
  throttled: 'too many attempts',
  password_change_required: 'password change required first',
  session_version: 'signed out by a password change or a forced change',
  expired: 'session expired',
  ended: 'session ended',
  forced: 'forced change at sign-in',
  voluntary: 'changed on the account page',
  wrong_code: 'wrong code',
  replayed_code: 'code already used',
  wrong_recovery_code: 'wrong or used recovery code',
  used_recovery_code: 'recovery code already used',
  totp_not_enabled: 'no authenticator set up',
  malformed: 'malformed code',
  wrong_current_password: 'current password wrong',
  new_password_refused: 'new password refused (too weak or the same as the current one)',
  second_factor_missing: 'two-factor code missing',
  two_factor_required: 'two-factor required but not set up',
  two_factor_enrolment_required: 'two-factor required for mailboxes but not set up',
  api_key_unknown: 'unknown API key',
  api_key_expired: 'API key expired',
  api_key_revoked: 'API key revoked',
  api_key_network_not_allowed: "network not allowed by the API key's list",
  passkey_unknown: 'not a passkey of this admin',
  passkey_invalid: 'passkey answer not valid',
  passkey_counter: 'passkey signature counter did not increase (possibly a cloned authenticator)',
  passkey_challenge_missing: 'passkey challenge expired or already used',
  passkey_origin_not_configured: 'passkey used from an address not configured for passkeys',
  app_password_required: 'account password used by a mail app where an app password is required (two-factor on, or the account policy)',
  app_password_protocol: 'app password not allowed for this protocol',
  app_password_expired: 'app password expired',
  app_password_network: "network not allowed by the app password's own list",
};

const METHODS: Record<string, string> = { totp: 'an authenticator code', recovery_code: 'a recovery code', api_key: 'an API key', passkey: 'a passkey' };

/** Why every API key of an admin was revoked (lib/admins/api-keys.ts revokeAllApiKeys). */
const KEYS_REVOKED_BECAUSE: Record<string, string> = {
  password_set: 'when the operator set a new password',
  two_factor_reset: 'when their two-factor was reset',
  password_changed: 'when they changed their password',
  signed_out_everywhere: 'when they signed out everywhere else',
};

const ownWord = (words: Record<string, string>, key: unknown): string => (Object.hasOwn(words, String(key)) ? words[String(key)]! : String(key ?? 'unknown'));
const appProtocols = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? v.map((p) => ownWord(PROTOCOLS, p)).join(', ') : 'no protocol');

const PROTOCOLS: Record<string, string> = { web: 'the web', api: 'the API', imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const reasonText = (v: unknown): string => {
  const r = str(v);
  return r ? ((Object.hasOwn(REASONS, r) ? REASONS[r] : undefined) ?? r.replace(/_/g, ' ')) : 'no reason recorded';
};
const nets = (v: unknown): string => (str(v) ? `${String(v).split(',').join(', ')}` : 'no restriction');
const count = (n: unknown, one: string, many: string): string => {
  const v = typeof n === 'number' ? n : 0;
  return `${v.toLocaleString('en-US')} ${v === 1 ? one : many}`;
};

function actorOf(e: AuditSentenceInput): string {
  switch (e.actorKind) {
    case 'admin':
      return e.actorEmail ?? 'An admin';
    case 'mailbox':
      return e.actorEmail ?? e.mailboxEmail ?? 'The user';
    case 'api':
      return e.actorEmail ? `${e.actorEmail} (API)` : 'An API client';
    case 'cli':
      return e.actorEmail ? `The operator (${e.actorEmail}, command line)` : 'The operator (command line)';
    case 'system':
      return e.actorEmail === 'demo' ? 'The demo setup' : 'The system';
    default:
      return e.actorEmail ?? 'Someone';
  }
}

const BULK_ACTIONS: Record<string, string> = {
  replace_nets: 'replaced the allowed networks of',
  add_nets: 'added networks to the allowed networks of',
  remove_restriction: 'removed the network restriction of',
  force_reset: 'forced a password change for',
  cancel_reset: 'cancelled a pending password change for',
};

/** Every kind the code writes. Add a kind here (label and sentence) when new code records a new event. */
export const AUDIT_EVENT_KINDS: Record<string, EventKind> = {
  login_succeeded: {
    label: 'Sign-in',
    sentence: (e, w) => `${w.mailbox} signed in${str(e.detail?.method) ? ` with ${METHODS[String(e.detail?.method)] ?? String(e.detail?.method)}` : ''}${w.from}${w.via}${str(e.detail?.app_password) ? ` with the app password "${String(e.detail?.app_password)}"` : ''}`,
  },
  password_accepted: {
    label: 'Password accepted, code asked',
    sentence: (e, w) => `${w.mailbox} entered the right password${w.from}${w.via} and was asked for a two-factor code`,
  },
  second_factor_failed: {
    label: 'Two-factor code refused',
    sentence: (e, w) => `Two-factor code refused for ${w.mailbox}${w.from}${w.via}: ${reasonText(e.detail?.reason)}`,
  },
  recovery_code_used: {
    label: 'Recovery code used',
    sentence: (e, w) => `${w.mailbox} used a recovery code${w.from} (${count(e.detail?.remaining, 'code', 'codes')} left)`,
  },
  two_factor_enabled: {
    label: 'Two-factor turned on',
    sentence: (e, w) => `${w.mailbox} turned on two-factor with ${METHODS[String(e.detail?.method)] ?? 'an authenticator app'}${w.from}; its other sessions and mail connections were ended`,
  },
  two_factor_disabled: {
    label: 'Two-factor turned off',
    sentence: (e, w) => `${w.mailbox} turned off two-factor${w.from}`,
  },
  two_factor_reset: {
    label: "Mailbox's two-factor reset",
    sentence: (e, w) => `${w.actor} reset the two-factor of ${w.mailbox}${e.detail?.was_on === false ? ' (it was off)' : ''}; its sessions were ended`,
  },
  two_factor_change_refused: {
    label: 'Two-factor change refused',
    sentence: (e, w) => `${e.detail?.step === 'regenerate_recovery_codes' ? 'Renewing recovery codes' : 'Turning off two-factor'} was refused for ${w.mailbox}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  recovery_codes_regenerated: {
    label: 'Recovery codes renewed',
    sentence: (e, w) => `${w.mailbox} got new recovery codes (the old ones no longer work)${w.from}`,
  },
  login_failed: {
    label: 'Sign-in refused',
    sentence: (e, w) => `Sign-in refused for ${w.mailbox}${w.from}${w.via}: ${reasonText(e.detail?.reason)}`,
  },
  session_ended: {
    label: 'Session ended by a check',
    sentence: (e, w) => `Session of ${w.mailbox} ended${w.from}${w.via}: ${reasonText(e.detail?.reason)}`,
  },
  logout: {
    label: 'Sign-out',
    sentence: (e, w) => `${w.mailbox} signed out${w.from}${w.via}`,
  },
  password_changed: {
    label: 'Password changed by the user',
    sentence: (e, w) =>
      `${w.mailbox} changed their password${e.detail?.reason === 'forced' ? ' (required by an admin)' : ''}${w.from}`,
  },
  password_change_refused: {
    label: 'Password change refused',
    sentence: (e, w) => `Password change refused for ${w.mailbox}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  password_set_by_admin: {
    label: 'Password set by an admin',
    sentence: (e, w) => `${w.actor} set a new password for ${w.mailbox}${w.from}`,
  },
  allow_nets_changed: {
    label: 'Allowed networks changed',
    sentence: (e, w) => `${w.actor} changed the allowed networks of ${w.mailbox} from ${nets(e.detail?.old)} to ${nets(e.detail?.new)}`,
  },
  require_reset_password_changed: {
    label: 'Forced password change set or cancelled',
    sentence: (e, w) =>
      e.detail?.new === false
        ? `${w.actor} cancelled the pending password change for ${w.mailbox}`
        : `${w.actor} forced a password change for ${w.mailbox}`,
  },
  password_expired: {
    label: 'Password expired',
    sentence: (e, w) =>
      `The password of ${w.mailbox} expired${typeof e.detail?.max_age_days === 'number' ? ` after ${e.detail.max_age_days} days` : ''} under the account's policy; a new one is required at the next sign-in`,
  },
  account_policy_changed: {
    label: 'Policy for mailboxes changed',
    sentence: (e, w) =>
      typeof e.detail?.new === 'boolean'
        ? `${w.actor} turned ${e.detail.new ? 'on' : 'off'} the policy "${own(POLICIES, e.detail?.policy) ?? 'unknown'}"${w.from}`
        : `${w.actor} changed the policy "${own(POLICIES, e.detail?.policy) ?? 'unknown'}" from ${policyValue(e.detail?.policy, e.detail?.old)} to ${policyValue(e.detail?.policy, e.detail?.new)}${w.from}`,
  },
  active_changed: {
    label: 'Mailbox deactivated or reactivated',
    sentence: (e, w) => (e.detail?.new === false ? `${w.actor} deactivated ${w.mailbox}` : `${w.actor} reactivated ${w.mailbox}`),
  },
  memo_changed: {
    label: 'Memo changed',
    sentence: (e, w) => `${w.actor} changed the memo of ${w.mailbox}`,
  },
  mailbox_created: {
    label: 'Mailbox created',
    sentence: (e, w) => {
      const parts = [`allowed networks: ${nets(e.detail?.allow_nets)}`];
      if (e.detail?.require_reset_password === true) parts.push('password change required at first sign-in');
      if (e.detail?.active === false) parts.push('inactive');
      return `${w.actor} created ${w.mailbox} (${parts.join('; ')})`;
    },
  },
  mailbox_deleted: {
    label: 'Mailbox deleted',
    sentence: (e, w) => `${w.actor} deleted ${w.mailbox}`,
  },
  bulk_changed: {
    label: 'Bulk change',
    sentence: (e, w) => {
      const d = e.detail ?? {};
      const verb = BULK_ACTIONS[String(d.action)] ?? `made the bulk change "${String(d.action ?? 'unknown')}" on`;
      const target = d.target as { selected?: number; matching?: unknown } | undefined;
      const targetText =
        target && typeof target.selected === 'number'
          ? count(target.selected, 'selected mailbox', 'selected mailboxes')
          : `${count(d.matched, 'mailbox', 'mailboxes')} matching a search`;
      const what = d.action === 'replace_nets' && str(d.allow_nets) ? ` (now ${nets(d.allow_nets)})` : d.action === 'add_nets' && str(d.allow_nets_added) ? ` (added ${nets(d.allow_nets_added)})` : '';
      return `${w.actor} ${verb} ${targetText}${what}: ${count(d.changed, 'changed', 'changed')}`;
    },
  },
  admin_login_succeeded: {
    label: 'Admin sign-in',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} signed in${str(e.detail?.method) ? ` with ${METHODS[String(e.detail?.method)] ?? String(e.detail?.method)}` : ''}${w.from}`,
  },
  admin_password_accepted: {
    label: 'Admin password accepted, code asked',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} entered the right password${w.from} and was asked for a two-factor code`,
  },
  admin_second_factor_failed: {
    label: 'Admin two-factor code refused',
    sentence: (e, w) => `${String(e.detail?.reason ?? '').startsWith('passkey_') ? 'Passkey' : 'Two-factor code'} refused for admin ${str(e.detail?.admin) ?? w.actor}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  admin_recovery_code_used: {
    label: 'Admin recovery code used',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} used a recovery code${w.from} (${count(e.detail?.remaining, 'code', 'codes')} left)`,
  },
  admin_two_factor_enabled: {
    label: 'Admin two-factor turned on',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} turned on two-factor with ${METHODS[String(e.detail?.method)] ?? 'an authenticator app'}${w.from}`,
  },
  admin_two_factor_disabled: {
    label: 'Admin two-factor turned off',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} turned off two-factor${w.from}`,
  },
  admin_two_factor_reset: {
    label: "Admin's two-factor reset",
    sentence: (e, w) => `${w.actor} reset the two-factor of the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  passkey_added: {
    label: 'Passkey added',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} added the passkey "${str(e.detail?.passkey) ?? 'unnamed'}"${w.from}`,
  },
  passkey_renamed: {
    label: 'Passkey renamed',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} renamed the passkey "${str(e.detail?.from) ?? 'unnamed'}" to "${str(e.detail?.passkey) ?? 'unnamed'}"${w.from}`,
  },
  passkey_removed: {
    label: 'Passkey removed',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} removed the passkey "${str(e.detail?.passkey) ?? 'unnamed'}"${w.from}`,
  },
  admin_recovery_codes_regenerated: {
    label: 'Admin recovery codes renewed',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} got new recovery codes (the old ones no longer work)${w.from}`,
  },
  app_password_created: {
    label: 'App password created',
    sentence: (e, w) =>
      `${w.actor} created the app password "${str(e.detail?.label) ?? 'unnamed'}" for ${w.mailbox} (${appProtocols(e.detail?.protocols)})${str(e.detail?.expires_at) ? `, expires ${String(e.detail?.expires_at).slice(0, 10)}` : ''}${str(e.detail?.allow_nets) ? `, only from ${nets(e.detail?.allow_nets)}` : ''}${w.from}`,
  },
  app_password_used: {
    label: 'App password used from a new address',
    sentence: (e, w) => `The app password "${str(e.detail?.label) ?? 'unnamed'}" of ${w.mailbox} was used${w.from}${w.via} for the first time from that address`,
  },
  app_password_revoked: {
    label: 'App password revoked',
    sentence: (e, w) => `${w.actor} revoked the app password "${str(e.detail?.label) ?? 'unnamed'}" of ${w.mailbox}${w.from}`,
  },
  app_passwords_revoked: {
    label: 'All app passwords of a mailbox revoked',
    sentence: (e, w) => `Every app password of ${w.mailbox} was revoked (${count(e.detail?.count, 'app password', 'app passwords')}) with a forced password change, by ${w.actor}`,
  },
  api_key_created: {
    label: 'API key created',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} created the API key "${str(e.detail?.key) ?? 'unnamed'}"${str(e.detail?.expires_at) ? ` (expires ${String(e.detail?.expires_at).slice(0, 10)})` : ''}${str(e.detail?.allow_nets) ? ` for ${nets(e.detail?.allow_nets)}` : ''}${w.from}`,
  },
  api_key_used: {
    label: 'API key used',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? 'unknown'} signed in to the API with the key "${str(e.detail?.key) ?? 'unnamed'}"${w.from}`,
  },
  api_key_revoked: {
    label: 'API key revoked',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} revoked the API key "${str(e.detail?.key) ?? 'unnamed'}"${w.from}`,
  },
  api_keys_revoked: {
    label: 'All API keys of an admin revoked',
    sentence: (e, w) =>
      `Every API key of the admin ${str(e.detail?.admin) ?? 'unknown'} was revoked (${count(e.detail?.count, 'key', 'keys')}) ${KEYS_REVOKED_BECAUSE[String(e.detail?.reason)] ?? 'to end standing credentials'}, by ${w.actor}`,
  },
  admin_reauthenticated: {
    label: 'Admin confirmed their password',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} confirmed their password${e.detail?.method ? ` and ${METHODS[String(e.detail?.method)] ?? 'a second factor'}` : ''} for a sensitive step${w.from}`,
  },
  admin_reauth_failed: {
    label: 'Admin password confirmation refused',
    sentence: (e, w) => `Password confirmation refused for admin ${str(e.detail?.admin) ?? 'unknown'}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  account_two_factor_policy_changed: {
    label: 'Two-factor policy changed',
    sentence: (e, w) => `${w.actor} ${e.detail?.required ? 'now requires' : 'no longer requires'} two-factor for every admin of the account`,
  },
  admin_login_failed: {
    label: 'Admin sign-in refused',
    sentence: (e, w) => `Admin sign-in refused for ${str(e.detail?.admin) ?? 'an unknown address'}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  admin_logout: {
    label: 'Admin sign-out',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} signed out${w.from}`,
  },
  admin_session_ended: {
    label: 'Admin session ended by a check',
    sentence: (e, w) => `Admin session of ${str(e.detail?.admin) ?? w.actor} ended${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  session_signed_out: {
    label: 'One session signed out',
    sentence: (e, w) => `${str(e.detail?.admin) ? `Admin ${String(e.detail?.admin)}` : w.mailbox} signed out one of their ${e.detail?.channel === 'api' ? 'API' : 'web'} sessions${w.from}`,
  },
  other_sessions_signed_out: {
    label: 'Signed out everywhere else',
    sentence: (e, w) => `${str(e.detail?.admin) ? `Admin ${String(e.detail?.admin)}` : w.mailbox} signed out everywhere else (${count(e.detail?.count, 'session', 'sessions')})${w.from}`,
  },
  sessions_ended: {
    label: 'All sessions of a mailbox ended',
    sentence: (e, w) => `${w.actor} ended all sessions of ${w.mailbox} (${count(e.detail?.count, 'session', 'sessions')})`,
  },
  mail_connections_ended: {
    label: 'Mail connections ended',
    sentence: (e, w) => {
      const backend = str(e.detail?.backend) ?? 'the mail backend';
      const why = str(e.detail?.reason) ? ` (${KICK_REASONS[String(e.detail?.reason)] ?? String(e.detail?.reason)})` : '';
      if (e.detail?.result === 'failed') return `Ending the open mail connections of ${w.mailbox} on ${backend} failed${why}: ${str(e.detail?.error) ?? 'no answer'}; retrying`;
      if (e.detail?.result === 'none_open') return `${backend} had no open mail connections of ${w.mailbox} to end${why}`;
      return `${backend} ended the open mail connections of ${w.mailbox}${why}`;
    },
  },
  admin_added: {
    label: 'Admin added',
    sentence: (e, w) => `${w.actor} added the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  admin_removed: {
    label: 'Admin removed',
    sentence: (e, w) => `${w.actor} removed the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  admin_deactivated: {
    label: 'Admin deactivated',
    sentence: (e, w) => `${w.actor} deactivated the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  admin_reactivated: {
    label: 'Admin reactivated',
    sentence: (e, w) => `${w.actor} reactivated the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  admin_password_set: {
    label: 'Admin password set by the operator',
    sentence: (e, w) => `${w.actor} set a new password for the admin ${str(e.detail?.admin) ?? 'unknown'}`,
  },
  admin_password_changed: {
    label: 'Admin password changed',
    sentence: (e, w) => `Admin ${str(e.detail?.admin) ?? w.actor} changed their password${e.detail?.reason === 'forced' ? ' (first sign-in)' : ''}${w.from}`,
  },
  admin_password_change_refused: {
    label: 'Admin password change refused',
    sentence: (e, w) => `Password change refused for admin ${str(e.detail?.admin) ?? w.actor}${w.from}: ${reasonText(e.detail?.reason)}`,
  },
  admin_allow_nets_changed: {
    label: 'Admin allowed networks changed',
    sentence: (e, w) => `${w.actor} changed the allowed networks of the admin ${str(e.detail?.admin) ?? 'unknown'} from ${nets(e.detail?.old)} to ${nets(e.detail?.new)}`,
  },
  account_created: {
    label: 'Account created',
    sentence: (e, w) => `${w.actor} created the business account${str(e.detail?.name) ? ` "${String(e.detail?.name)}"` : ''} with the domain ${str(e.detail?.domain) ?? 'unknown'}`,
  },
  domain_added: {
    label: 'Domain added',
    sentence: (e, w) => `${w.actor} added the domain ${str(e.detail?.domain) ?? 'unknown'}`,
  },
  notify_destination_added: {
    label: 'Alert destination added',
    sentence: (e, w) => `${w.actor} added the alert destination ${str(e.detail?.target) ?? 'unknown'} (${e.detail?.kind === 'email' ? 'e-mail' : 'webhook'}) for ${str(e.detail?.events)?.split(',').join(', ') ?? 'no events'}${w.from}`,
  },
  notify_destination_removed: {
    label: 'Alert destination deleted',
    sentence: (e, w) => `${w.actor} deleted the alert destination ${str(e.detail?.target) ?? 'unknown'}${w.from}`,
  },
  notify_destination_tested: {
    label: 'Alert destination tested',
    sentence: (e, w) => `${w.actor} sent a test alert to destination #${String(e.detail?.destination_id ?? '?')}: ${e.detail?.result === 'sent' ? 'delivered' : `not delivered (${str(e.detail?.error) ?? 'no answer'})`}${w.from}`,
  },
  notify_destination_changed: {
    label: 'Alert destination changed',
    sentence: (e, w) => `${w.actor} changed the language of alert destination #${String(e.detail?.destination_id ?? '?')} from ${str(e.detail?.old_language) ?? 'unknown'} to ${str(e.detail?.new_language) ?? 'unknown'}${w.from}`,
  },
  notification_given_up: {
    label: 'Alert given up',
    sentence: (e) => `An alert (${str(e.detail?.type) ?? 'unknown'}) could not be delivered for 24 hours and was given up after ${count(e.detail?.attempts, 'try', 'tries')}: ${str(e.detail?.error) ?? 'no answer'}`,
  },
  sign_in_notices_changed: {
    label: 'Sign-in notices changed',
    sentence: (e, w) => `${w.actor} turned ${e.detail?.new_network === true ? 'on' : 'off'} e-mails about sign-ins from new networks for ${w.mailbox}${w.from}`,
  },
};

/** "totp_enabled" → "Totp enabled": the name of a kind this file does not know yet. */
function humanize(event: string): string {
  const text = event.replace(/[_.-]+/g, ' ').trim() || 'unnamed event';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The event kind's name for people (the filter's option text); unknown kinds get a readable name too. */
export function auditEventLabel(event: string): string {
  return Object.hasOwn(AUDIT_EVENT_KINDS, event) ? AUDIT_EVENT_KINDS[event]!.label : humanize(event);
}

/** The event filter's options, in a stable, readable order. */
export function auditEventOptions(): { value: string; label: string }[] {
  return Object.entries(AUDIT_EVENT_KINDS)
    .map(([value, kind]) => ({ value, label: kind.label }))
    .sort((a, b) => a.label.localeCompare(b.label, 'en'));
}

/** One event as one sentence. Never throws: details come from old rows and other versions of the code. */
export function auditSentence(e: AuditSentenceInput): string {
  const protocol = e.protocol && e.protocol !== 'web' ? (PROTOCOLS[e.protocol] ?? e.protocol) : null;
  const words: Words = {
    actor: actorOf(e),
    mailbox: e.mailboxEmail ?? 'a mailbox',
    from: e.clientIp ? ` from ${e.clientIp}` : '',
    via: protocol ? ` over ${protocol}` : '',
  };
  let text: string;
  if (Object.hasOwn(AUDIT_EVENT_KINDS, e.event)) {
    try {
      text = AUDIT_EVENT_KINDS[e.event]!.sentence(e, words);
    } catch {
      text = fallback(e, words);
    }
  } else {
    text = fallback(e, words);
  }
  // No capitalisation: most sentences start with an address, which is shown as it is stored.
  return text;
}

function fallback(e: AuditSentenceInput, w: Words): string {
  const about = e.mailboxEmail ? ` for ${e.mailboxEmail}` : '';
  return `${humanize(e.event)}${about}, by ${w.actor}${w.from}${w.via}`;
}

/** One entry's label and expiry as stored in a list's side map (`allow_nets_meta`, `old_meta`/`new_meta`). */
type StoredEntryInfo = { label?: unknown; expiresAt?: unknown };

const entryInfoOf = (meta: unknown, net: string): StoredEntryInfo => {
  if (!meta || typeof meta !== 'object' || !Object.hasOwn(meta, net)) return {};
  const info = (meta as Record<string, unknown>)[net];
  return info && typeof info === 'object' ? (info as StoredEntryInfo) : {};
};
const labelOf = (i: StoredEntryInfo) => (typeof i.label === 'string' && i.label !== '' ? i.label : null);
const expiryOf = (i: StoredEntryInfo) => (typeof i.expiresAt === 'number' && Number.isFinite(i.expiresAt) ? i.expiresAt : null);

/**
 * Labels and expiry that differ between two side maps, one line per entry: `198.51.100.7: label "Hotel",
 * expires <time>`. Times stay instants (Phrase), formatted where the line is shown. Entries are taken in the
 * new list's order, then those only in the old map.
 */
export function entryInfoChanges(oldMeta: unknown, newMeta: unknown, newList?: unknown): Phrase[] {
  const keys = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m) : []);
  const order = [...(str(newList) ? String(newList).split(',') : []), ...keys(newMeta), ...keys(oldMeta)];
  const lines: Phrase[] = [];
  for (const net of new Set(order)) {
    const before = entryInfoOf(oldMeta, net);
    const after = entryInfoOf(newMeta, net);
    const parts: Phrase[] = [];
    const [l0, l1] = [labelOf(before), labelOf(after)];
    if (l0 !== l1) parts.push([l1 === null ? 'label removed' : l0 === null ? `label "${l1}"` : `label "${l0}" → "${l1}"`]);
    const [e0, e1] = [expiryOf(before), expiryOf(after)];
    if (e0 !== e1) parts.push(e1 === null ? ['no longer expires'] : ['expires ', { at: e1 }]);
    if (parts.length) lines.push([`${net}: `, ...parts.flatMap((p, i) => (i ? [', ', ...p] : p))]);
  }
  return lines;
}

/** Every entry's label and expiry of one side map, as `entryInfoChanges` words them (for a new list). */
const entryInfoLines = (meta: unknown, list?: unknown): Phrase[] => entryInfoChanges(null, meta, list);

const joinLines = (lines: Phrase[]): Phrase => lines.flatMap((line, i) => (i ? ['; ', ...line] : line));

/** A wording table's entry for a key read from a stored row: own entries only ("constructor" is not a label). */
const own = (table: Record<string, string>, key: unknown): string | undefined => (typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined);

const turned = (v: unknown) => (v === true ? 'turned on' : v === false ? 'turned off' : String(v));
const MODES: Record<string, string> = { enforce: 'enforced (refuses other networks)', monitor: 'monitor only (records, does not refuse)' };

/** A detail value no rule below knows, in words: never raw JSON. */
function plainValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(plainValue).join(', ') || 'none';
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k.replace(/_/g, ' ')}: ${plainValue(x)}`).join('; ') || 'none';
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const timeValue = (v: unknown): Phrase | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return [{ at: v }];
  if (typeof v === 'string' && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v))) return [{ at: Date.parse(v) }];
  return null;
};

/** What each `old`/`new` pair means, by event. */
const CHANGED_FIELDS: Record<string, { label: string; value: (v: unknown) => string }> = {
  require_reset_password_changed: { label: 'Forced password change', value: turned },
  active_changed: { label: 'Mailbox active', value: (v) => (v === true ? 'yes' : v === false ? 'no (deactivated)' : String(v)) },
  allow_nets_mode_changed: { label: 'Network list', value: (v) => own(MODES, v) ?? String(v) },
  allow_nets_changed: { label: 'Allowed networks', value: nets },
  admin_allow_nets_changed: { label: 'Allowed networks', value: nets },
  netset_changed: { label: 'Networks', value: nets },
  memo_changed: { label: 'Memo', value: (v) => (str(v) ? `"${String(v)}"` : 'empty') },
};

const DETAIL_LABELS: Record<string, string> = {
  admin: 'Admin',
  reason: 'Reason',
  method: 'Method',
  key: 'API key',
  key_id: 'API key number',
  expires_at: 'Expires',
  allow_nets: 'Allowed networks',
  allow_nets_added: 'Networks added',
  allow_nets_mode: 'Network list',
  require_reset_password: 'Forced password change',
  active: 'Active',
  passkey: 'Passkey',
  from: 'Previous name',
  name: 'Name',
  new_name: 'New name',
  domain: 'Domain',
  count: 'Sessions',
  remaining: 'Recovery codes left',
  repeated: 'Times',
  last_at: 'Last time',
  channel: 'Session',
  required: 'Required',
  action: 'Change',
  matched: 'Mailboxes matched',
  changed: 'Mailboxes changed',
  skipped_unrestricted: 'Left unrestricted',
  target: 'Applied to',
  kind: 'Where',
};

/**
 * The details behind a sentence, for the audit page's expandable part: a readable label and a value in
 * words per recorded field (booleans as "turned on/off", lists with their labels and expiry, times as
 * instants for the viewer's zone). Never throws and never shows raw JSON, whatever an old row holds.
 */
export function auditDetailFacts(event: string, detail: Record<string, unknown> | null): { key: string; label: string; value: Phrase }[] {
  if (!detail) return [];
  const facts: { key: string; label: string; value: Phrase }[] = [];
  const changed = Object.hasOwn(CHANGED_FIELDS, event) ? CHANGED_FIELDS[event]! : null;
  if (changed && ('old' in detail || 'new' in detail)) {
    const list = event.includes('nets');
    facts.push({ key: 'old', label: `${changed.label}, before`, value: [list && !str(detail.old) && event === 'netset_changed' ? 'empty' : changed.value(detail.old)] });
    facts.push({ key: 'new', label: `${changed.label}, after`, value: [list && !str(detail.new) && event === 'netset_changed' ? 'empty' : changed.value(detail.new)] });
  }
  for (const [key, v] of Object.entries(detail)) {
    if (changed && (key === 'old' || key === 'new')) continue;
    if (key === 'old_meta') continue;
    if (key === 'new_meta') {
      const lines = entryInfoChanges(detail.old_meta, v, detail.new);
      if (lines.length) facts.push({ key, label: 'Labels and expiry', value: joinLines(lines) });
      continue;
    }
    if (key === 'allow_nets_meta') {
      const lines = entryInfoLines(v, detail.allow_nets);
      if (lines.length) facts.push({ key, label: 'Labels and expiry', value: joinLines(lines) });
      continue;
    }
    const label = own(DETAIL_LABELS, key) ?? key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
    let value: Phrase;
    if (key === 'reason') value = [reasonText(v)];
    else if (key === 'method') value = [own(METHODS, v) ?? plainValue(v)];
    else if (key === 'allow_nets' || key === 'allow_nets_added') value = [nets(v)];
    else if (key === 'allow_nets_mode') value = [own(MODES, v) ?? plainValue(v)];
    else if (key === 'action') value = [humanize(String(v))];
    else if (key === 'repeated') value = [count(v, 'time', 'times')];
    else if (key === 'channel') value = [v === 'api' ? 'API' : 'web'];
    else if (typeof v === 'boolean') value = [turned(v)];
    else value = timeValue(v) ?? (key === 'expires_at' && v === null ? ['never'] : [plainValue(v)]);
    facts.push({ key, label, value });
  }
  return facts;
}
