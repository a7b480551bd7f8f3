import type { AllowNetsMode } from '@/db/schema';
import { entriesOf, type EntryMeta } from '@/lib/net/allowlist-entries';
import { wireEntriesOf } from '@/lib/netsets/view';

/** What callers may see of a mailbox: never the password hash. */
export interface MailboxView {
  id: number;
  email: string;
  domain: string;
  active: boolean;
  allowNets: string | null;
  /** Labels and expiry of the list's entries (lib/net/allowlist-entries.ts). */
  allowNetsMeta: EntryMeta | null;
  allowNetsMode: AllowNetsMode;
  requireResetPassword: boolean;
  memo: string;
  passwordChangedAt: Date | null;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** When the mailbox user turned two-factor on (spec §20); null: off. */
  totpEnabledAt: Date | null;
  /** At least one passkey: two-factor is on with or without TOTP. */
  hasPasskey: boolean;
}

/** The object `mail.get` returns (spec §9), also printed by `mailbox list --json`. */
export interface MailGetObject {
  mail: string;
  active: boolean;
  allow_nets: string;
  allow_nets_mode: AllowNetsMode;
  allow_nets_entries: { net: string; label: string | null; expires_at: string | null; expired: boolean }[];
  /** mail.get only: the canonical networks in force now (sets expanded, expired entries left out). */
  allow_nets_effective?: string[] | null;
  require_reset_password: boolean;
  memo: string;
  last_login_at: string | null;
  last_login_ip: string | null;
  created_at: string;
  updated_at: string;
}

/** The API's spelling of a list's entries, each marked expired or not at `now`. */
export function wireEntries(list: { allowNets: string | null; allowNetsMeta: EntryMeta | null }, now: number) {
  return wireEntriesOf(entriesOf({ canonical: list.allowNets, meta: list.allowNetsMeta }), now);
}

/**
 * What `mail.get` answers a mailbox's own (mail-level) session (spec §23: their own settings and lists as
 * they apply, never the admin's memo or labels meant for admins): no `memo`; the list as the networks in
 * force now (sets expanded, expired entries left out), each with when it stops applying, without labels and
 * without the admin's set names. Documented in docs/api.md.
 */
export interface OwnMailGetObject {
  mail: string;
  active: boolean;
  /** The networks in force now, comma-separated; "" when unrestricted (then `allow_nets_effective` is null). */
  allow_nets: string;
  allow_nets_mode: AllowNetsMode;
  allow_nets_entries: { net: string; expires_at: string | null }[];
  allow_nets_effective: string[] | null;
  require_reset_password: boolean;
  last_login_at: string | null;
  last_login_ip: string | null;
  created_at: string;
  updated_at: string;
}

/** The mailbox user's own view (see {@link OwnMailGetObject}); `networks` from `networksInForce`. */
export function toOwnMailGetObject(view: MailboxView, networks: readonly { net: string; expiresAt: number | null }[] | null): OwnMailGetObject {
  return {
    mail: view.email,
    active: view.active,
    allow_nets: networks === null ? '' : networks.map((n) => n.net).join(','),
    allow_nets_mode: view.allowNetsMode,
    allow_nets_entries: (networks ?? []).map((n) => ({ net: n.net, expires_at: n.expiresAt === null ? null : new Date(n.expiresAt).toISOString() })),
    allow_nets_effective: networks === null ? null : networks.map((n) => n.net),
    require_reset_password: view.requireResetPassword,
    last_login_at: view.lastLoginAt?.toISOString() ?? null,
    last_login_ip: view.lastLoginIp,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}

export function toMailGetObject(view: MailboxView, now: number = Date.now()): MailGetObject {
  return {
    mail: view.email,
    active: view.active,
    allow_nets: view.allowNets ?? '',
    allow_nets_mode: view.allowNetsMode,
    allow_nets_entries: wireEntries(view, now),
    require_reset_password: view.requireResetPassword,
    memo: view.memo,
    last_login_at: view.lastLoginAt?.toISOString() ?? null,
    last_login_ip: view.lastLoginIp,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
