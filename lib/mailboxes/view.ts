/** What callers may see of a mailbox: never the password hash. */
export interface MailboxView {
  id: number;
  email: string;
  domain: string;
  active: boolean;
  allowNets: string | null;
  requireResetPassword: boolean;
  memo: string;
  passwordChangedAt: Date | null;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The object `mail.get` returns (spec §9), also printed by `mailbox list --json`. */
export interface MailGetObject {
  mail: string;
  active: boolean;
  allow_nets: string;
  require_reset_password: boolean;
  memo: string;
  last_login_at: string | null;
  last_login_ip: string | null;
  created_at: string;
  updated_at: string;
}

export function toMailGetObject(view: MailboxView): MailGetObject {
  return {
    mail: view.email,
    active: view.active,
    allow_nets: view.allowNets ?? '',
    require_reset_password: view.requireResetPassword,
    memo: view.memo,
    last_login_at: view.lastLoginAt?.toISOString() ?? null,
    last_login_ip: view.lastLoginIp,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
