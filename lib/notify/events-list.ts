// Browser-safe (no server-only): the admin page's checkboxes and the zod schema share this list.

/** The alert event types of spec §21, each switched on per destination. */
export const NOTIFY_EVENT_TYPES = ['sign_in.refused_burst', 'sign_in.new_network', 'allowlist.would_refuse', 'admin.security_changed', 'mail_kick.failing'] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

/** The catalogue namespace of the event types' names: the admin page and the e-mails say them in the reader's language (spec §22). */
export const NOTIFY_EVENTS_NAMESPACE = 'NotifyEvents';

/** Each type's key in that namespace. */
export const NOTIFY_EVENT_KEYS = {
  'sign_in.refused_burst': 'refusedBurst',
  'sign_in.new_network': 'newNetwork',
  'allowlist.would_refuse': 'wouldRefuse',
  'admin.security_changed': 'securityChanged',
  'mail_kick.failing': 'mailKickFailing',
} as const satisfies Record<NotifyEventType, string>;
