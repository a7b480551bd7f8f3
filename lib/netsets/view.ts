import { isExpired, type ListEntry } from '@/lib/net/allowlist-entries';
import type { NetSetView } from './service';

/** Entries in the API's spelling (`expires_at` as ISO 8601, `expired` at `now`). */
export function wireEntriesOf(entries: readonly ListEntry[], now: number) {
  return entries.map((e) => ({
    net: e.net,
    label: e.label,
    expires_at: e.expiresAt === null ? null : new Date(e.expiresAt).toISOString(),
    expired: isExpired(e, now),
  }));
}

/** A network set as the API (`netset.get`, `netset.list`) and `netset show --json` return it. */
export interface NetSetObject {
  name: string;
  description: string;
  allow_nets: string;
  allow_nets_entries: ReturnType<typeof wireEntriesOf>;
  used_by: number;
  created_at: string;
  updated_at: string;
}

export function toNetSetObject(view: NetSetView, now: number = Date.now()): NetSetObject {
  return {
    name: view.name,
    description: view.description,
    allow_nets: view.allowNets,
    allow_nets_entries: wireEntriesOf(view.entries, now),
    used_by: view.usedBy,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
