// Browser-safe (no server-only): the admin page's checkboxes and the zod schema share this list.

/** The alert event types of spec §21, each switched on per destination. */
export const NOTIFY_EVENT_TYPES = ['sign_in.refused_burst', 'sign_in.new_network', 'allowlist.would_refuse', 'admin.security_changed', 'mail_kick.failing'] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

/** What each type means, in English: the e-mail subject and the webhook payload (a page shows NOTIFY_EVENT_KEYS' text). */
export const NOTIFY_EVENT_LABELS: Record<NotifyEventType, string> = {
  'sign_in.refused_burst': 'Many refused sign-ins for one mailbox',
  'sign_in.new_network': 'Sign-in from a network not seen in 90 days',
  'allowlist.would_refuse': 'Daily digest of sign-ins a monitored list would refuse',
  'admin.security_changed': 'Admin security changes (two-factor off, admin added or deactivated, API key created, policy changed)',
  'mail_kick.failing': 'Open mail connections could not be ended for 10 minutes',
};

/** The catalogue namespace of the event types' names, for the admin page in the viewer's language (spec §22). */
export const NOTIFY_EVENTS_NAMESPACE = 'NotifyEvents';

/** Each type's key in that namespace. */
export const NOTIFY_EVENT_KEYS = {
  'sign_in.refused_burst': 'refusedBurst',
  'sign_in.new_network': 'newNetwork',
  'allowlist.would_refuse': 'wouldRefuse',
  'admin.security_changed': 'securityChanged',
  'mail_kick.failing': 'mailKickFailing',
} as const satisfies Record<NotifyEventType, string>;
