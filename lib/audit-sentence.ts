// Browser-safe (no server-only): the audit page, its CSV export and tests all word events with this file.

import { DEFAULT_LOCALE, isLocale, LOCALE_NAMES, type Locale } from '@/lib/i18n/locales';
import { messageFormatter, type MessageValues } from '@/lib/i18n/message-format';
import type { Phrase, PhrasePart } from '@/lib/time-format';

/**
 * The audit trail in plain language: one sentence per event ("admin@example.com forced a password change
 * for carol@example.com"), and a human name per event kind for the filter, in the reader's language. The
 * words live in the catalogues (namespaces `AuditSentences`, `AuditEventNames`, `AuditReasons`,
 * `AuditWords`, `AuditDetails`); this file picks the message and hands it the recorded values, so German
 * keeps its own word order. English is the default: the CSV export, the CLI and notifications call these
 * without a language and read what they always read. Every kind the code writes has an entry in
 * AUDIT_EVENT_KINDS; a kind without one (from a newer version of the code) still reads as a sentence
 * built from its name, so the log never shows a blank or a raw identifier alone.
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

function translatorsFor(locale: Locale) {
  return {
    sentence: messageFormatter(locale, 'AuditSentences'),
    name: messageFormatter(locale, 'AuditEventNames'),
    reason: messageFormatter(locale, 'AuditReasons'),
    word: messageFormatter(locale, 'AuditWords'),
    detail: messageFormatter(locale, 'AuditDetails'),
  };
}
type Translators = ReturnType<typeof translatorsFor>;

// One set of formatters per language, built on first use: each keeps its compiled messages, so a CSV export
// of millions of rows does not parse a message per row (lib/i18n/message-format.ts says why not next-intl's
// `t()` here). Keyed by the languages (a closed list); the catalogues are bundled, so nothing cached here can
// go stale.
const TRANSLATORS = new Map<Locale, Translators>();
function translators(locale: Locale): Translators {
  let t = TRANSLATORS.get(locale);
  if (!t) {
    t = translatorsFor(locale);
    TRANSLATORS.set(locale, t);
  }
  return t;
}

/** A message's values: text and numbers, or an instant shown where the sentence is (`{ at }`). */
type Values = MessageValues;

/** Phrases every sentence builds on, computed once per event, and the language's messages. */
interface Words {
  /** Who did it: an admin's or a user's address, "The operator (alice, command line)", "The system". */
  actor: string;
  /** The mailbox the event is about, or "a mailbox". */
  mailbox: string;
  /** " from 192.0.2.7" or "". */
  from: string;
  /** " over IMAP" (only for protocols other than the web) or "". */
  via: string;
  t: Translators;
  /** A sentence whose values may hold instants (`{ at }`), as a Phrase. */
  rich: (key: Parameters<Translators['sentence']>[0], values: Values) => Phrase;
}

type SentenceKey = Parameters<Translators['sentence']>[0];

interface EventKind {
  /** The event as one sentence (without the time, which the page shows beside it). */
  sentence: (e: AuditSentenceInput, w: Words) => Phrase | string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const yes = (v: boolean): string => (v ? 'yes' : 'no');
/** A select argument read from a stored row: a plain word, never something ICU would read as syntax. */
const choice = (v: unknown): string => (typeof v === 'string' && /^\w{1,64}$/.test(v) && !(v in Object.prototype) ? v : 'other_value');

/** The sign-in failure and session-end reasons the code records; each has its words in `AuditReasons`. */
const REASONS = new Set<string>([
  'unknown_mailbox',
  'unknown_admin',
  'bad_password',
  'inactive',
  'network_not_allowed',
  'throttled',
  'password_change_required',
  'session_version',
  'expired',
  'ended',
  'forced',
  'voluntary',
  'wrong_code',
  'replayed_code',
  'wrong_recovery_code',
  'used_recovery_code',
  'totp_not_enabled',
  'malformed',
  'wrong_current_password',
  'new_password_refused',
  'second_factor_missing',
  'two_factor_required',
  'two_factor_enrolment_required',
  'api_key_unknown',
  'api_key_expired',
  'api_key_revoked',
  'api_key_network_not_allowed',
  'passkey_unknown',
  'passkey_invalid',
  'passkey_counter',
  'passkey_challenge_missing',
  'passkey_origin_not_configured',
  'app_password_required',
  'app_password_protocol',
  'app_password_expired',
  'app_password_network',
  'session_unknown',
  'session_expired',
  'session_idle',
]);

/** A sign-in failure or session-end reason in words (listed reasons only: "constructor" is not one). */
function reasonText(t: Translators, v: unknown): string {
  const r = str(v);
  if (!r) return t.reason('none');
  return REASONS.has(r) ? t.reason(r as never) : r.replace(/_/g, ' ');
}
const nets = (t: Translators, v: unknown): string => (str(v) ? String(v).split(',').join(', ') : t.word('noRestriction'));
const admin = (e: AuditSentenceInput, w: Words, fallback: 'actor' | 'unknown' | 'unknownAddress' = 'actor'): string =>
  str(e.detail?.admin) ?? (fallback === 'actor' ? w.actor : w.t.word(fallback));
const named = (w: Words, v: unknown): string => str(v) ?? w.t.word('unnamed');
/** A stored language code (`en`, `de`) by its own name, as the language switch and the destination's menu show it. */
const languageName = (w: Words, v: unknown): string => (isLocale(v) ? LOCALE_NAMES[v] : w.t.word('unknown'));
const methodWith = (w: Words, v: unknown): string => (str(v) ? w.t.word('withMethod', { method: choice(v) === 'other_value' ? String(v) : choice(v) }) : '');
const protocolName = (t: Translators, p: string): string => t.word('protocol', { protocol: choice(p) === 'other_value' ? p : choice(p) });
const appProtocols = (t: Translators, v: unknown): string =>
  Array.isArray(v) && v.length > 0 ? v.map((p) => protocolName(t, String(p))).join(', ') : t.word('noProtocol');
/** The person in a session sentence: "Admin ann@…" for an admin's own sessions, else the mailbox. */
const whoseSession = (e: AuditSentenceInput, w: Words): string => (str(e.detail?.admin) ? w.t.word('adminNamed', { admin: String(e.detail?.admin) }) : w.mailbox);

function actorOf(e: AuditSentenceInput, t: Translators): string {
  switch (e.actorKind) {
    case 'admin':
      return e.actorEmail ?? t.word('actorAdmin');
    case 'mailbox':
      return e.actorEmail ?? e.mailboxEmail ?? t.word('actorUser');
    case 'api':
      return e.actorEmail ? t.word('actorApi', { email: e.actorEmail }) : t.word('actorApiAnonymous');
    case 'cli':
      return e.actorEmail ? t.word('actorCli', { email: e.actorEmail }) : t.word('actorCliAnonymous');
    case 'system':
      return e.actorEmail === 'demo' ? t.word('actorDemo') : t.word('actorSystem');
    default:
      return e.actorEmail ?? t.word('actorSomeone');
  }
}

/** A policy's value in words. */
function policyValue(t: Translators, policy: unknown, value: unknown): string {
  if (policy === 'password_max_age_days') return typeof value === 'number' ? t.word('days', { days: value }) : t.word('never');
  return value === true ? t.word('valueOn') : value === false ? t.word('valueOff') : value === null || value === undefined ? t.word('none') : String(value);
}

/** An instant recorded as ISO text (an expiry), or null. */
const instantOf = (v: unknown): number | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null);
/** The expiry values of a sentence: `hasExpiry` picks the branch, `expires` is the instant. */
function expiryValues(v: unknown): Values {
  const at = instantOf(v);
  return at === null ? { hasExpiry: 'no', expires: '' } : { hasExpiry: 'yes', expires: { at } };
}

/** Every kind the code writes. Add a kind here (and its name and sentence in both catalogues) when new code records a new event. */
export const AUDIT_EVENT_KINDS: Record<string, EventKind> = {
  login_succeeded: {
    sentence: (e, w) =>
      w.t.sentence('login_succeeded', {
        mailbox: w.mailbox,
        method: methodWith(w, e.detail?.method),
        from: w.from,
        via: w.via,
        appPassword: str(e.detail?.app_password) ? w.t.word('withAppPassword', { label: String(e.detail?.app_password) }) : '',
      }),
  },
  password_accepted: { sentence: (e, w) => w.t.sentence('password_accepted', { mailbox: w.mailbox, from: w.from, via: w.via }) },
  second_factor_failed: {
    sentence: (e, w) =>
      w.t.sentence('second_factor_failed', { passkey: yes(String(e.detail?.reason ?? '').startsWith('passkey_')), mailbox: w.mailbox, from: w.from, via: w.via, reason: reasonText(w.t, e.detail?.reason) }),
  },
  recovery_code_used: { sentence: (e, w) => w.t.sentence('recovery_code_used', { mailbox: w.mailbox, from: w.from, remaining: num(e.detail?.remaining) }) },
  two_factor_enabled: { sentence: (e, w) => w.t.sentence('two_factor_enabled', { mailbox: w.mailbox, method: choice(e.detail?.method), from: w.from }) },
  two_factor_disabled: {
    sentence: (e, w) =>
      w.t.sentence('two_factor_disabled', { mailbox: w.mailbox, from: w.from, stillOn: choice(e.detail?.still_on ?? 'none'), lastPasskey: yes(e.detail?.method === 'passkey') }),
  },
  mailbox_passkey_added: { sentence: (e, w) => w.t.sentence('mailbox_passkey_added', { mailbox: w.mailbox, passkey: named(w, e.detail?.passkey), from: w.from }) },
  mailbox_passkey_removed: { sentence: (e, w) => w.t.sentence('mailbox_passkey_removed', { mailbox: w.mailbox, passkey: named(w, e.detail?.passkey), from: w.from }) },
  two_factor_reset: {
    sentence: (e, w) =>
      w.t.sentence('two_factor_reset', {
        actor: w.actor,
        mailbox: w.mailbox,
        wasOff: yes(e.detail?.was_on === false),
        passkeysRemoved: yes(typeof e.detail?.passkeys_removed === 'number'),
        passkeys: num(e.detail?.passkeys_removed),
      }),
  },
  two_factor_change_refused: {
    sentence: (e, w) => w.t.sentence('two_factor_change_refused', { step: choice(e.detail?.step), mailbox: w.mailbox, from: w.from, reason: reasonText(w.t, e.detail?.reason) }),
  },
  recovery_codes_regenerated: { sentence: (e, w) => w.t.sentence('recovery_codes_regenerated', { mailbox: w.mailbox, from: w.from }) },
  login_failed: { sentence: (e, w) => w.t.sentence('login_failed', { mailbox: w.mailbox, from: w.from, via: w.via, reason: reasonText(w.t, e.detail?.reason) }) },
  session_ended: { sentence: (e, w) => w.t.sentence('session_ended', { mailbox: w.mailbox, from: w.from, via: w.via, reason: reasonText(w.t, e.detail?.reason) }) },
  logout: { sentence: (e, w) => w.t.sentence('logout', { mailbox: w.mailbox, from: w.from, via: w.via }) },
  password_changed: { sentence: (e, w) => w.t.sentence('password_changed', { mailbox: w.mailbox, forced: yes(e.detail?.reason === 'forced'), from: w.from }) },
  password_change_refused: { sentence: (e, w) => w.t.sentence('password_change_refused', { mailbox: w.mailbox, from: w.from, reason: reasonText(w.t, e.detail?.reason) }) },
  password_set_by_admin: { sentence: (e, w) => w.t.sentence('password_set_by_admin', { actor: w.actor, mailbox: w.mailbox, from: w.from }) },
  allow_nets_changed: {
    sentence: (e, w) => w.t.sentence('allow_nets_changed', { actor: w.actor, mailbox: w.mailbox, old: nets(w.t, e.detail?.old), new: nets(w.t, e.detail?.new) }),
  },
  allow_nets_mode_changed: { sentence: (e, w) => w.t.sentence('allow_nets_mode_changed', { actor: w.actor, mailbox: w.mailbox, mode: choice(e.detail?.new) }) },
  would_refuse: { sentence: (e, w) => w.t.sentence('would_refuse', { mailbox: w.mailbox, kind: choice(e.detail?.kind), from: w.from, via: w.via }) },
  require_reset_password_changed: {
    sentence: (e, w) =>
      e.detail?.new === false
        ? w.t.sentence('require_reset_password_cancelled', { actor: w.actor, mailbox: w.mailbox })
        : w.t.sentence('require_reset_password_changed', { actor: w.actor, mailbox: w.mailbox }),
  },
  password_expired: {
    sentence: (e, w) =>
      typeof e.detail?.max_age_days === 'number'
        ? w.t.sentence('password_expired_after', { mailbox: w.mailbox, days: e.detail.max_age_days })
        : w.t.sentence('password_expired', { mailbox: w.mailbox }),
  },
  account_policy_changed: {
    sentence: (e, w) => {
      const policy = w.t.word('policy', { policy: choice(e.detail?.policy) });
      return typeof e.detail?.new === 'boolean'
        ? w.t.sentence('account_policy_switched', { actor: w.actor, state: w.t.word(e.detail.new ? 'switchOn' : 'switchOff'), policy, from: w.from })
        : w.t.sentence('account_policy_changed', {
            actor: w.actor,
            policy,
            old: policyValue(w.t, e.detail?.policy, e.detail?.old),
            new: policyValue(w.t, e.detail?.policy, e.detail?.new),
            from: w.from,
          });
    },
  },
  active_changed: {
    sentence: (e, w) => (e.detail?.new === false ? w.t.sentence('active_changed_off', { actor: w.actor, mailbox: w.mailbox }) : w.t.sentence('active_changed_on', { actor: w.actor, mailbox: w.mailbox })),
  },
  memo_changed: { sentence: (e, w) => w.t.sentence('memo_changed', { actor: w.actor, mailbox: w.mailbox }) },
  mailbox_created: {
    sentence: (e, w) => {
      const parts = [w.t.word('createdNets', { nets: nets(w.t, e.detail?.allow_nets) })];
      if (e.detail?.require_reset_password === true) parts.push(w.t.word('createdForceReset'));
      if (e.detail?.active === false) parts.push(w.t.word('createdInactive'));
      return w.t.sentence('mailbox_created', { actor: w.actor, mailbox: w.mailbox, settings: parts.join('; ') });
    },
  },
  mailbox_deleted: { sentence: (e, w) => w.t.sentence('mailbox_deleted', { actor: w.actor, mailbox: w.mailbox }) },
  bulk_changed: {
    sentence: (e, w) => {
      const d = e.detail ?? {};
      const target = d.target as { selected?: number; matching?: unknown } | undefined;
      const targetText = target && typeof target.selected === 'number' ? w.t.word('bulkSelected', { count: target.selected }) : w.t.word('bulkMatching', { count: num(d.matched) });
      const what =
        d.action === 'replace_nets' && str(d.allow_nets)
          ? w.t.word('bulkNow', { nets: nets(w.t, d.allow_nets) })
          : d.action === 'add_nets' && str(d.allow_nets_added)
            ? w.t.word('bulkAdded', { nets: nets(w.t, d.allow_nets_added) })
            : '';
      // An action this version does not know is named as recorded (`other` branch).
      const action = choice(d.action) === 'other_value' ? String(d.action ?? w.t.word('unknown')) : choice(d.action);
      return w.t.sentence('bulk_changed', { actor: w.actor, action, target: targetText, what, changed: num(d.changed) });
    },
  },
  netset_created: { sentence: (e, w) => w.t.sentence('netset_created', { actor: w.actor, name: str(e.detail?.name) ?? w.t.word('unknown'), nets: nets(w.t, e.detail?.allow_nets) }) },
  netset_changed: {
    sentence: (e, w) =>
      w.t.sentence('netset_changed', {
        actor: w.actor,
        name: str(e.detail?.name) ?? w.t.word('unknown'),
        renamed: str(e.detail?.new_name) ? w.t.word('netsetRenamed', { name: String(e.detail?.new_name) }) : '',
        nets: e.detail && ('old' in e.detail || 'new' in e.detail) ? w.t.word('netsetNets', { old: str(e.detail.old) ? nets(w.t, e.detail.old) : w.t.word('empty'), new: str(e.detail.new) ? nets(w.t, e.detail.new) : w.t.word('empty') }) : '',
      }),
  },
  netset_deleted: { sentence: (e, w) => w.t.sentence('netset_deleted', { actor: w.actor, name: str(e.detail?.name) ?? w.t.word('unknown'), nets: str(e.detail?.allow_nets) ? nets(w.t, e.detail?.allow_nets) : w.t.word('empty') }) },
  admin_login_succeeded: { sentence: (e, w) => w.t.sentence('admin_login_succeeded', { admin: admin(e, w), method: methodWith(w, e.detail?.method), from: w.from }) },
  admin_password_accepted: { sentence: (e, w) => w.t.sentence('admin_password_accepted', { admin: admin(e, w), from: w.from }) },
  admin_second_factor_failed: {
    sentence: (e, w) =>
      w.t.sentence('admin_second_factor_failed', { passkey: yes(String(e.detail?.reason ?? '').startsWith('passkey_')), admin: admin(e, w), from: w.from, reason: reasonText(w.t, e.detail?.reason) }),
  },
  admin_recovery_code_used: { sentence: (e, w) => w.t.sentence('admin_recovery_code_used', { admin: admin(e, w), from: w.from, remaining: num(e.detail?.remaining) }) },
  admin_two_factor_enabled: { sentence: (e, w) => w.t.sentence('admin_two_factor_enabled', { admin: admin(e, w), method: choice(e.detail?.method), from: w.from }) },
  admin_two_factor_disabled: { sentence: (e, w) => w.t.sentence('admin_two_factor_disabled', { admin: admin(e, w), from: w.from }) },
  admin_two_factor_reset: { sentence: (e, w) => w.t.sentence('admin_two_factor_reset', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  passkey_added: { sentence: (e, w) => w.t.sentence('passkey_added', { admin: admin(e, w), passkey: named(w, e.detail?.passkey), from: w.from }) },
  passkey_renamed: { sentence: (e, w) => w.t.sentence('passkey_renamed', { admin: admin(e, w), oldName: named(w, e.detail?.from), passkey: named(w, e.detail?.passkey), from: w.from }) },
  passkey_removed: { sentence: (e, w) => w.t.sentence('passkey_removed', { admin: admin(e, w), passkey: named(w, e.detail?.passkey), from: w.from }) },
  admin_recovery_codes_regenerated: { sentence: (e, w) => w.t.sentence('admin_recovery_codes_regenerated', { admin: admin(e, w), from: w.from }) },
  app_password_created: {
    sentence: (e, w) =>
      w.rich('app_password_created', {
        actor: w.actor,
        label: named(w, e.detail?.label),
        mailbox: w.mailbox,
        protocols: appProtocols(w.t, e.detail?.protocols),
        ...expiryValues(e.detail?.expires_at),
        nets: str(e.detail?.allow_nets) ? w.t.word('appPasswordNets', { nets: nets(w.t, e.detail?.allow_nets) }) : '',
        from: w.from,
      }),
  },
  app_password_used: { sentence: (e, w) => w.t.sentence('app_password_used', { label: named(w, e.detail?.label), mailbox: w.mailbox, from: w.from, via: w.via }) },
  app_password_revoked: { sentence: (e, w) => w.t.sentence('app_password_revoked', { actor: w.actor, label: named(w, e.detail?.label), mailbox: w.mailbox, from: w.from }) },
  app_passwords_revoked: { sentence: (e, w) => w.t.sentence('app_passwords_revoked', { mailbox: w.mailbox, count: num(e.detail?.count), actor: w.actor }) },
  api_key_created: {
    sentence: (e, w) =>
      w.rich('api_key_created', {
        admin: admin(e, w),
        key: named(w, e.detail?.key),
        ...expiryValues(e.detail?.expires_at),
        nets: str(e.detail?.allow_nets) ? w.t.word('apiKeyNets', { nets: nets(w.t, e.detail?.allow_nets) }) : '',
        from: w.from,
      }),
  },
  api_key_used: { sentence: (e, w) => w.t.sentence('api_key_used', { admin: admin(e, w, 'unknown'), key: named(w, e.detail?.key), from: w.from }) },
  api_key_revoked: { sentence: (e, w) => w.t.sentence('api_key_revoked', { admin: admin(e, w), key: named(w, e.detail?.key), from: w.from }) },
  api_keys_revoked: {
    sentence: (e, w) => w.t.sentence('api_keys_revoked', { admin: admin(e, w, 'unknown'), count: num(e.detail?.count), reason: choice(e.detail?.reason), actor: w.actor }),
  },
  admin_reauthenticated: {
    sentence: (e, w) => w.t.sentence('admin_reauthenticated', { admin: admin(e, w), method: e.detail?.method ? choice(e.detail.method) : 'none', from: w.from }),
  },
  admin_reauth_failed: { sentence: (e, w) => w.t.sentence('admin_reauth_failed', { admin: admin(e, w, 'unknown'), from: w.from, reason: reasonText(w.t, e.detail?.reason) }) },
  account_two_factor_policy_changed: { sentence: (e, w) => w.t.sentence('account_two_factor_policy_changed', { actor: w.actor, required: yes(Boolean(e.detail?.required)) }) },
  admin_login_failed: { sentence: (e, w) => w.t.sentence('admin_login_failed', { admin: admin(e, w, 'unknownAddress'), from: w.from, reason: reasonText(w.t, e.detail?.reason) }) },
  admin_logout: { sentence: (e, w) => w.t.sentence('admin_logout', { admin: admin(e, w), from: w.from }) },
  admin_session_ended: { sentence: (e, w) => w.t.sentence('admin_session_ended', { admin: admin(e, w), from: w.from, reason: reasonText(w.t, e.detail?.reason) }) },
  session_signed_out: { sentence: (e, w) => w.t.sentence('session_signed_out', { who: whoseSession(e, w), channel: e.detail?.channel === 'api' ? 'api' : 'web', from: w.from }) },
  other_sessions_signed_out: { sentence: (e, w) => w.t.sentence('other_sessions_signed_out', { who: whoseSession(e, w), count: num(e.detail?.count), from: w.from }) },
  sessions_ended: { sentence: (e, w) => w.t.sentence('sessions_ended', { actor: w.actor, mailbox: w.mailbox, count: num(e.detail?.count) }) },
  mail_connections_ended: {
    sentence: (e, w) => {
      const backend = str(e.detail?.backend) ?? w.t.word('mailBackend');
      const reason = str(e.detail?.reason);
      const why = reason ? w.t.word('why', { reason: w.t.word('kickReason', { reason: choice(reason) === 'other_value' ? reason : choice(reason) }) }) : '';
      if (e.detail?.result === 'failed') return w.t.sentence('mail_connections_failed', { mailbox: w.mailbox, backend, why, error: str(e.detail?.error) ?? w.t.word('noAnswer') });
      if (e.detail?.result === 'none_open') return w.t.sentence('mail_connections_none_open', { backend, mailbox: w.mailbox, why });
      return w.t.sentence('mail_connections_ended', { backend, mailbox: w.mailbox, why });
    },
  },
  admin_added: { sentence: (e, w) => w.t.sentence('admin_added', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  admin_removed: { sentence: (e, w) => w.t.sentence('admin_removed', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  admin_deactivated: { sentence: (e, w) => w.t.sentence('admin_deactivated', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  admin_reactivated: { sentence: (e, w) => w.t.sentence('admin_reactivated', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  admin_password_set: { sentence: (e, w) => w.t.sentence('admin_password_set', { actor: w.actor, admin: admin(e, w, 'unknown') }) },
  admin_password_changed: { sentence: (e, w) => w.t.sentence('admin_password_changed', { admin: admin(e, w), forced: yes(e.detail?.reason === 'forced'), from: w.from }) },
  admin_password_change_refused: { sentence: (e, w) => w.t.sentence('admin_password_change_refused', { admin: admin(e, w), from: w.from, reason: reasonText(w.t, e.detail?.reason) }) },
  admin_allow_nets_changed: {
    sentence: (e, w) => w.t.sentence('admin_allow_nets_changed', { actor: w.actor, admin: admin(e, w, 'unknown'), old: nets(w.t, e.detail?.old), new: nets(w.t, e.detail?.new) }),
  },
  account_created: {
    sentence: (e, w) => w.t.sentence('account_created', { actor: w.actor, hasName: yes(str(e.detail?.name) !== null), name: str(e.detail?.name) ?? '', domain: str(e.detail?.domain) ?? w.t.word('unknown') }),
  },
  domain_added: { sentence: (e, w) => w.t.sentence('domain_added', { actor: w.actor, domain: str(e.detail?.domain) ?? w.t.word('unknown') }) },
  notify_destination_added: {
    sentence: (e, w) =>
      w.t.sentence('notify_destination_added', {
        actor: w.actor,
        target: str(e.detail?.target) ?? w.t.word('unknown'),
        kind: e.detail?.kind === 'email' ? 'email' : 'webhook',
        events: str(e.detail?.events)?.split(',').join(', ') ?? w.t.word('noEvents'),
        from: w.from,
      }),
  },
  notify_destination_removed: { sentence: (e, w) => w.t.sentence('notify_destination_removed', { actor: w.actor, target: str(e.detail?.target) ?? w.t.word('unknown'), from: w.from }) },
  notify_destination_tested: {
    sentence: (e, w) =>
      w.t.sentence('notify_destination_tested', {
        actor: w.actor,
        id: String(e.detail?.destination_id ?? '?'),
        result: e.detail?.result === 'sent' ? w.t.word('delivered') : w.t.word('notDelivered', { error: str(e.detail?.error) ?? w.t.word('noAnswer') }),
        from: w.from,
      }),
  },
  notify_destination_changed: {
    sentence: (e, w) =>
      w.t.sentence('notify_destination_changed', {
        actor: w.actor,
        id: String(e.detail?.destination_id ?? '?'),
        oldLanguage: languageName(w, e.detail?.old_language),
        newLanguage: languageName(w, e.detail?.new_language),
        from: w.from,
      }),
  },
  notification_given_up: {
    sentence: (e, w) => w.t.sentence('notification_given_up', { type: str(e.detail?.type) ?? w.t.word('unknown'), attempts: num(e.detail?.attempts), error: str(e.detail?.error) ?? w.t.word('noAnswer') }),
  },
  sign_in_notices_changed: {
    sentence: (e, w) => w.t.sentence('sign_in_notices_changed', { actor: w.actor, state: w.t.word(e.detail?.new_network === true ? 'switchOn' : 'switchOff'), mailbox: w.mailbox, from: w.from }),
  },
  audit_pruned: { sentence: (e, w) => w.t.sentence('audit_pruned', { actor: w.actor, rows: num(e.detail?.auditRows), days: num(e.detail?.days) }) },
};

/** "totp_enabled" → "Totp enabled": the name of a kind this file does not know yet. */
function humanize(event: string): string {
  const text = event.replace(/[_.-]+/g, ' ').trim() || 'unnamed event';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The event kind's name for people (the filter's option text); unknown kinds get a readable name too. */
export function auditEventLabel(event: string, locale: Locale = DEFAULT_LOCALE): string {
  return Object.hasOwn(AUDIT_EVENT_KINDS, event) ? translators(locale).name(event as never) : humanize(event);
}

/** The event filter's options, in a stable, readable order (the reader's alphabet). */
export function auditEventOptions(locale: Locale = DEFAULT_LOCALE): { value: string; label: string }[] {
  return Object.keys(AUDIT_EVENT_KINDS)
    .map((value) => ({ value, label: auditEventLabel(value, locale) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));
}

/**
 * One event as one sentence whose times (an expiry) stay instants, for the page to show in the viewer's
 * zone. Never throws: details come from old rows and other versions of the code.
 */
export function auditSentenceParts(e: AuditSentenceInput, locale: Locale = DEFAULT_LOCALE): Phrase {
  const t = translators(locale);
  const protocol = e.protocol && e.protocol !== 'web' ? protocolName(t, e.protocol) : null;
  const words: Words = {
    actor: actorOf(e, t),
    mailbox: e.mailboxEmail ?? t.word('someMailbox'),
    from: e.clientIp ? t.word('from', { ip: e.clientIp }) : '',
    via: protocol ? t.word('via', { protocol }) : '',
    t,
    rich: (key: SentenceKey, values: Values) => t.sentence.parts(key, values),
  };
  let text: Phrase | string;
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
  return typeof text === 'string' ? [text] : text;
}

/**
 * One event as one line of text (the CSV export, the CLI, notifications): an expiry reads as its UTC date,
 * as programs and operators read dates.
 */
export function auditSentence(e: AuditSentenceInput, locale: Locale = DEFAULT_LOCALE): string {
  return auditSentenceParts(e, locale)
    .map((p: PhrasePart) => (typeof p === 'string' ? p : new Date(p.at).toISOString().slice(0, 10)))
    .join('');
}

function fallback(e: AuditSentenceInput, w: Words): string {
  const values = { event: humanize(e.event), actor: w.actor, from: w.from, via: w.via };
  return e.mailboxEmail ? w.t.sentence('unknown_event', { ...values, mailbox: e.mailboxEmail }) : w.t.sentence('unknown_event_no_mailbox', values);
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
 * expires <time>`, in the reader's language. Times stay instants (Phrase), formatted where the line is
 * shown. Entries are taken in the new list's order, then those only in the old map.
 */
export function entryInfoChanges(oldMeta: unknown, newMeta: unknown, newList?: unknown, locale: Locale = DEFAULT_LOCALE): Phrase[] {
  const t = translators(locale);
  const keys = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m) : []);
  const order = [...(str(newList) ? String(newList).split(',') : []), ...keys(newMeta), ...keys(oldMeta)];
  const lines: Phrase[] = [];
  for (const net of new Set(order)) {
    const before = entryInfoOf(oldMeta, net);
    const after = entryInfoOf(newMeta, net);
    const parts: Phrase[] = [];
    const [l0, l1] = [labelOf(before), labelOf(after)];
    if (l0 !== l1) parts.push([l1 === null ? t.word('labelRemoved') : l0 === null ? t.word('labelSet', { label: l1 }) : t.word('labelChanged', { old: l0, new: l1 })]);
    const [e0, e1] = [expiryOf(before), expiryOf(after)];
    if (e0 !== e1) parts.push(e1 === null ? [t.word('noLongerExpires')] : t.word.parts('expiresAt', { at: { at: e1 } }));
    if (parts.length) lines.push([`${net}: `, ...parts.flatMap((p, i) => (i ? [', ', ...p] : p))]);
  }
  return lines;
}

/** Every entry's label and expiry of one side map, as `entryInfoChanges` words them (for a new list). */
const entryInfoLines = (meta: unknown, list: unknown, locale: Locale): Phrase[] => entryInfoChanges(null, meta, list, locale);

const joinLines = (lines: Phrase[]): Phrase => lines.flatMap((line, i) => (i ? ['; ', ...line] : line));

const turned = (t: Translators, v: unknown) => (v === true ? t.word('turnedOn') : v === false ? t.word('turnedOff') : String(v));
const modeText = (t: Translators, v: unknown) => (v === 'enforce' || v === 'monitor' ? t.word('mode', { mode: v }) : String(v));

/** A detail value no rule below knows, in words: never raw JSON. */
function plainValue(t: Translators, v: unknown): string {
  if (v === null || v === undefined || v === '') return t.word('none');
  if (typeof v === 'boolean') return v ? t.word('yes') : t.word('no');
  if (typeof v === 'number') return t.word('number', { value: v });
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => plainValue(t, x)).join(', ') || t.word('none');
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k.replace(/_/g, ' ')}: ${plainValue(t, x)}`).join('; ') || t.word('none');
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** A recorded time: ISO text, or epoch milliseconds under a time's name (`last_at`); other numbers are counts. */
const timeValue = (key: string, v: unknown): Phrase | null => {
  if (typeof v === 'number' && Number.isFinite(v) && /(?:_at|At)$/.test(key)) return [{ at: v }];
  if (typeof v === 'string' && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v))) return [{ at: Date.parse(v) }];
  return null;
};

type DetailKey = Parameters<Translators['detail']>[0];

/** What each `old`/`new` pair means, by event: its label and its value in words. */
const CHANGED_FIELDS = new Map<string, { label: DetailKey; value: (t: Translators, v: unknown) => string }>([
  ['require_reset_password_changed', { label: 'changedForcedReset', value: turned }],
  ['active_changed', { label: 'changedActive', value: (t, v) => (v === true ? t.word('activeYes') : v === false ? t.word('activeNo') : String(v)) }],
  ['allow_nets_mode_changed', { label: 'changedMode', value: modeText }],
  ['allow_nets_changed', { label: 'changedNets', value: nets }],
  ['admin_allow_nets_changed', { label: 'changedNets', value: nets }],
  ['netset_changed', { label: 'changedSetNets', value: (t, v) => (str(v) ? nets(t, v) : t.word('empty')) }],
  ['memo_changed', { label: 'changedMemo', value: (t, v) => (str(v) ? t.word('memo', { memo: String(v) }) : t.word('empty')) }],
]);

/** The recorded fields that have a label in the catalogue (`AuditDetails`); others are named from their key. */
const DETAIL_KEYS = new Set<string>([
  'admin',
  'reason',
  'method',
  'key',
  'key_id',
  'expires_at',
  'allow_nets',
  'allow_nets_added',
  'allow_nets_mode',
  'require_reset_password',
  'active',
  'passkey',
  'still_on',
  'passkeys_removed',
  'old_language',
  'new_language',
  'from',
  'name',
  'new_name',
  'domain',
  'count',
  'remaining',
  'repeated',
  'last_at',
  'channel',
  'required',
  'action',
  'matched',
  'changed',
  'skipped_unrestricted',
  'target',
  'kind',
  'label',
  'app_password',
  'app_password_id',
  'max_age_days',
  'password_set_at',
  'destination_id',
  'result',
  'protocols',
  'policy',
  'was_on',
  'sessions_ended',
  'error',
  'backend',
  'attempts',
  'delay_ms',
  'type',
  'events',
  'step',
  'new_network',
  'days',
  'auditRows',
  'throttleRows',
  'knownNetworks',
  'pastAddressCap',
  'id',
  'old',
  'new',
]);

/** Recorded values that are codes, in words: a result, where a refusal happened, a step (unknown codes as recorded). */
function codeValue(t: Translators, key: string, v: unknown): string | null {
  const words: Record<string, Record<string, Parameters<Translators['word']>[0]>> = {
    result: { sent: 'delivered', ended: 'resultEnded', failed: 'resultFailed', none_open: 'resultNoneOpen' },
    kind: { sign_in: 'kindSignIn', request: 'kindRequest', email: 'kindEmail', webhook: 'kindWebhook' },
    step: { regenerate_recovery_codes: 'stepRecoveryCodes', disable: 'stepDisable' },
  };
  const table = Object.hasOwn(words, key) ? words[key]! : null;
  return table && typeof v === 'string' && Object.hasOwn(table, v) ? t.word(table[v]!) : null;
}

/**
 * The details behind a sentence, for the audit page's expandable part, in the reader's language: a readable
 * label and a value in words per recorded field (booleans as "turned on/off", lists with their labels and
 * expiry, times as instants for the viewer's zone). Never throws and never shows raw JSON, whatever an old
 * row holds.
 */
export function auditDetailFacts(event: string, detail: Record<string, unknown> | null, locale: Locale = DEFAULT_LOCALE): { key: string; label: string; value: Phrase }[] {
  if (!detail) return [];
  const t = translators(locale);
  const facts: { key: string; label: string; value: Phrase }[] = [];
  const changed = CHANGED_FIELDS.get(event) ?? null;
  if (changed && ('old' in detail || 'new' in detail)) {
    const label = t.detail(changed.label);
    facts.push({ key: 'old', label: t.word('before', { label }), value: [changed.value(t, detail.old)] });
    facts.push({ key: 'new', label: t.word('after', { label }), value: [changed.value(t, detail.new)] });
  }
  for (const [key, v] of Object.entries(detail)) {
    if (changed && (key === 'old' || key === 'new')) continue;
    if (key === 'old_meta') continue;
    if (key === 'new_meta') {
      const lines = entryInfoChanges(detail.old_meta, v, detail.new, locale);
      if (lines.length) facts.push({ key, label: t.detail('labelsAndExpiry'), value: joinLines(lines) });
      continue;
    }
    if (key === 'allow_nets_meta') {
      const lines = entryInfoLines(v, detail.allow_nets, locale);
      if (lines.length) facts.push({ key, label: t.detail('labelsAndExpiry'), value: joinLines(lines) });
      continue;
    }
    const label = DETAIL_KEYS.has(key) ? t.detail(key as DetailKey) : key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
    let value: Phrase;
    if (key === 'reason') value = [reasonText(t, v)];
    else if (key === 'method') value = [str(v) ? t.word('method', { method: choice(v) === 'other_value' ? String(v) : choice(v) }) : plainValue(t, v)];
    else if (key === 'allow_nets' || key === 'allow_nets_added') value = [nets(t, v)];
    else if (key === 'allow_nets_mode') value = [v === 'enforce' || v === 'monitor' ? modeText(t, v) : plainValue(t, v)];
    else if (key === 'action') value = [t.word('bulkAction', { action: choice(v) === 'other_value' ? humanize(String(v)) : choice(v) })];
    else if (key === 'repeated') value = [t.word('times', { count: num(v) })];
    else if (key === 'channel') value = [t.word('channel', { channel: v === 'api' ? 'api' : 'web' })];
    else if (codeValue(t, key, v) !== null) value = [codeValue(t, key, v)!];
    else if (key === 'policy') value = [t.word('policy', { policy: choice(v) })];
    else if ((key === 'old' || key === 'new') && event === 'account_policy_changed') value = [policyValue(t, detail.policy, v)];
    else if (key === 'protocols') value = [appProtocols(t, v)];
    else if (key === 'max_age_days' && typeof v === 'number') value = [t.word('days', { days: v })];
    else if (key === 'days' && typeof v === 'number') value = [t.word('days', { days: v })];
    else if (key === 'delay_ms' && typeof v === 'number') value = [t.word('milliseconds', { value: v })];
    else if (key === 'target' && v && typeof v === 'object')
      value = [typeof (v as { selected?: unknown }).selected === 'number' ? t.word('targetSelected', { count: (v as { selected: number }).selected }) : t.word('targetSearch')];
    // Facts rather than settings: yes or no.
    else if ((key === 'pastAddressCap' || key === 'sessions_ended') && typeof v === 'boolean') value = [v ? t.word('yes') : t.word('no')];
    else if (typeof v === 'boolean') value = [turned(t, v)];
    else value = timeValue(key, v) ?? (key === 'expires_at' && v === null ? [t.word('never')] : [plainValue(t, v)]);
    facts.push({ key, label, value });
  }
  return facts;
}
