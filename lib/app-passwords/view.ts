import type { AppPasswordView } from './service';

/** An app password as `mail.apppass.list` and `mailbox app-passwords --json` print it (spec §20). */
export function toAppPasswordObject(v: AppPasswordView) {
  return {
    id: v.id,
    label: v.label,
    protocols: v.protocols,
    allow_nets: v.allowNets ?? '',
    expires_at: v.expiresAt?.toISOString() ?? null,
    created_at: v.createdAt.toISOString(),
    last_used_at: v.lastUsedAt?.toISOString() ?? null,
    last_used_address: v.lastUsedAddress,
    last_used_protocol: v.lastUsedProtocol,
  };
}
