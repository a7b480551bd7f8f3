import 'server-only';
// The compiled catalogue messages of lib/i18n/message-format.ts, not next-intl's translator: the job runner,
// `npm run cli -- jobs run` and the machine process (which loads no React) word notifications outside Next.
import { messageFormatter } from '@/lib/i18n/message-format';
import { DEFAULT_LOCALE, isLocale, type Locale } from '@/lib/i18n/locales';
import { formatDateTime } from '@/lib/time-format';
import { NOTIFY_EVENT_KEYS, NOTIFY_EVENTS_NAMESPACE } from './events-list';
import type { NotificationBody } from './payload';

/*
 * What notifications say, in the reader's language (spec §22): every sentence of an e-mail or a webhook's
 * `summary` comes from the catalogues' `Notify` namespace. An event is worded once per language that one of
 * its recipients reads (a destination's `language`, a mailbox's own `language` for its user's notice), so a
 * summary is kept as a function of the language until then. Field names, `type` and every machine-read
 * value (addresses, ids, URLs) stay as they are.
 */

const translatorFor = (locale: Locale) => messageFormatter(locale, 'Notify');
const eventNamesFor = (locale: Locale) => messageFormatter(locale, NOTIFY_EVENTS_NAMESPACE);
// One per language, built on first use: the key set is the handful of LOCALES, and a catalogue never changes.
const translators = new Map<Locale, ReturnType<typeof translatorFor>>();
const eventNames = new Map<Locale, ReturnType<typeof eventNamesFor>>();

function words(locale: Locale): ReturnType<typeof translatorFor> {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translatorFor(locale)));
  return t;
}

/** A stored language (a column, a form field) as one of ours; anything else reads the default. */
export function notifyLocale(value: unknown): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** A sentence waiting for its reader's language. */
export type Summary = (locale: Locale) => string;

/** Who did something, as a sentence's subject (the audit row's actor). */
export interface Actor {
  kind: string;
  email: string | null;
}

const actorWords = (locale: Locale, actor: Actor): string => {
  const kind = actor.kind === 'cli' ? 'operator' : actor.kind === 'system' ? 'system' : actor.kind === 'api' && actor.email ? 'api' : actor.email ? 'named' : 'someone';
  return words(locale)('actor', { kind, email: actor.email ?? '' });
};
/** " over IMAP" / " über IMAP"; nothing for the web, where no one says "over the web". */
const via = (locale: Locale, protocol: string | null): string =>
  !protocol || protocol === 'web' ? '' : ` ${protocol === 'api' ? words(locale)('overApi') : words(locale)('overProtocol', { protocol: protocol.toUpperCase() })}`;
const from = (locale: Locale, address: string | null): string => (address ? ` ${words(locale)('fromAddress', { address })}` : '');
const addressOr = (locale: Locale, address: string | null): string => address ?? words(locale)('unknownAddress');

/** `sign_in.refused_burst`. */
export function refusedBurstSummary(e: { mailbox: string; count: number; address: string | null; protocol: string | null }): Summary {
  return (locale) => words(locale)('refusedBurst', { mailbox: e.mailbox, count: e.count, address: addressOr(locale, e.address), via: via(locale, e.protocol) });
}

/** `sign_in.new_network`, for the account's destinations. */
export function newNetworkSummary(e: { mailbox: string; address: string; network: string; protocol: string | null }): Summary {
  return (locale) => words(locale)('newNetwork', { mailbox: e.mailbox, address: e.address, network: e.network, via: via(locale, e.protocol) });
}

/** The mailbox user's own notice of a sign-in from a new network. */
export function userNewNetworkSummary(e: { mailbox: string; address: string; protocol: string | null }): Summary {
  return (locale) => words(locale)('userNewNetwork', { mailbox: e.mailbox, address: e.address, via: via(locale, e.protocol) });
}

/** `mail_kick.failing`: `reason` is the outbox's code (worded where known), `error` the last one seen. */
export function mailKickSummary(e: { mailbox: string; reason: string; error: string | null }): Summary {
  return (locale) => words(locale)('mailKickFailing', { mailbox: e.mailbox, reason: e.reason, error: e.error ? ` ${words(locale)('mailKickError', { error: e.error })}` : '' });
}

/** `allowlist.would_refuse`: the day's counts per mailbox, largest first; at most 10 are named. */
export function digestSummary(list: readonly { mailbox: string | null; count: number }[]): Summary {
  return (locale) => {
    const t = words(locale);
    const named = list.slice(0, 10).map((r) => t('digestEntry', { mailbox: r.mailbox ?? t('someMailbox'), count: r.count }));
    return t('digest', { total: list.reduce((s, r) => s + r.count, 0), mailboxes: list.length, named: `${named.join(', ')}${list.length > 10 ? ', …' : ''}` });
  };
}

/** The audit events that are `admin.security_changed`, each with its sentence. */
export const SECURITY_SENTENCES = {
  admin_two_factor_disabled: 'twoFactorDisabled',
  admin_two_factor_reset: 'twoFactorReset',
  admin_added: 'adminAdded',
  admin_deactivated: 'adminDeactivated',
  api_key_created: 'apiKeyCreated',
  account_two_factor_policy_changed: 'twoFactorPolicy',
  account_policy_changed: 'policyChanged',
} as const;
export type SecurityEvent = keyof typeof SECURITY_SENTENCES;

export function isSecurityEvent(event: string): event is SecurityEvent {
  return Object.hasOwn(SECURITY_SENTENCES, event);
}

/** `admin.security_changed`, from the audit row's event, actor, address and detail. */
export function securitySummary(e: { event: SecurityEvent; actor: Actor; address: string | null; detail: Record<string, unknown> | null }): Summary {
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return (locale) => {
    const t = words(locale);
    return t(SECURITY_SENTENCES[e.event], {
      actor: actorWords(locale, e.actor),
      admin: text(e.detail?.admin) ?? e.actor.email ?? t('unknown'),
      key: text(e.detail?.key) ?? t('unknown'),
      policy: text(e.detail?.policy) ?? t('unknown'),
      required: e.detail?.required ? 'yes' : 'no',
      from: from(locale, e.address),
    });
  };
}

/** What a rate-limited notification adds: how many like it were held back since the previous one. */
export function withHeldBack(summary: Summary, count: number): Summary {
  return count > 0 ? (locale) => `${summary(locale)} ${words(locale)('heldBack', { count })}` : summary;
}

/** "Send a test"'s summary. */
export function testSummary(admin: string): Summary {
  return (locale) => words(locale)('test', { admin });
}

/**
 * The e-mail for a notification, in `locale`: to an account's destination (admins: the event's name, the
 * summary, the audit link) or to the mailbox itself (a user notice). Its time is written by the one
 * formatter (lib/time-format.ts), in UTC, since an e-mail cannot know its reader's time zone.
 */
export function emailText(body: NotificationBody, to: 'admin' | 'user', locale: Locale): { subject: string; text: string } {
  const t = words(locale);
  if (to === 'user') return { subject: t('userSubject'), text: t('userText', { summary: body.summary }) };
  let names = eventNames.get(locale);
  if (!names) eventNames.set(locale, (names = eventNamesFor(locale)));
  const label = body.type === 'test' ? t('testLabel') : names(NOTIFY_EVENT_KEYS[body.type]);
  return {
    subject: t('adminSubject', { label, about: body.mailbox ?? body.account }),
    text: t('adminText', { summary: body.summary, url: body.audit_url, id: body.id, type: body.type, time: `${formatDateTime(body.occurred_at, { locale, timeZone: 'UTC' })} UTC` }),
  };
}
