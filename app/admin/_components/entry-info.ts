import { MAX_INPUT_BYTES, parseAllowNets } from '@/lib/net/allowlist';
import { trimTrailingSeparators } from './nets-draft';
import type { EntryMeta } from '@/lib/net/allowlist-entries';

/*
 * Labels and expiry as the admin forms carry them (browser-safe, shared by the forms and their server
 * actions). The form carries expiry in UTC as datetime-local text ("2026-12-31T18:00"). Without
 * JavaScript the admin types it in UTC and the field says so; with JavaScript the visible field is in the
 * browser's local time and entry-rows.tsx converts it (the server never needs to know the browser's zone).
 */

/** One entry's label and expiry as form text ('' = none). */
export interface EntryInfoText {
  label: string;
  expires: string;
}
export type EntryInfoMap = Record<string, EntryInfoText>;

export const LABEL_FIELD = 'info.label.';
export const EXPIRES_FIELD = 'info.expires.';

/** The stored side map as form text. */
export function infoText(meta: EntryMeta | null): EntryInfoMap {
  const out: EntryInfoMap = {};
  for (const [net, info] of Object.entries(meta ?? {})) {
    out[net] = { label: info.label ?? '', expires: info.expiresAt === undefined ? '' : new Date(info.expiresAt).toISOString().slice(0, 16) };
  }
  return out;
}

/** The label and expiry fields of a submitted form, by entry. */
export function infoFromForm(formData: FormData): EntryInfoMap {
  const out: EntryInfoMap = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string') continue;
    const isLabel = key.startsWith(LABEL_FIELD);
    if (!isLabel && !key.startsWith(EXPIRES_FIELD)) continue;
    const net = key.slice(isLabel ? LABEL_FIELD.length : EXPIRES_FIELD.length);
    out[net] ??= { label: '', expires: '' };
    if (isLabel) out[net].label = value;
    else out[net].expires = value;
  }
  return out;
}

/** The info of the entries still in `draft` (others are dropped), without empty ones: what saving would store. */
export function infoForDraft(draft: string, info: EntryInfoMap): EntryInfoMap {
  const parsed = parseAllowNets(draft, { references: 'any' });
  const out: EntryInfoMap = {};
  if (!parsed.ok || parsed.canonical === null) return out;
  for (const net of parsed.canonical.split(',')) {
    const i = info[net];
    if (i && (i.label.trim() !== '' || i.expires.trim() !== '')) out[net] = { label: i.label.trim(), expires: i.expires.trim() };
  }
  return out;
}

/**
 * infoForDraft for a list already in canonical form (a stored list): the same result without parsing the
 * list again, which matters on every render of a long list.
 */
export function infoForCanonical(canonical: string, info: EntryInfoMap): EntryInfoMap {
  const out: EntryInfoMap = {};
  if (canonical === '') return out;
  for (const net of canonical.split(',')) {
    const i = info[net];
    if (i && (i.label.trim() !== '' || i.expires.trim() !== '')) out[net] = { label: i.label.trim(), expires: i.expires.trim() };
  }
  return out;
}

/** datetime-local text (UTC) as ISO 8601; '' = never. Anything else is passed on for the schema to refuse, naming it. */
export function expiresIso(text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return `${t}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(t)) return `${t}Z`;
  return t;
}

/** The draft with its labels and expiry as `allow_nets_entries` rows (the shared schema's input), or null if the draft does not parse. */
export function draftRows(draft: string, info: EntryInfoMap): { net: string; label: string | null; expires_at: string | null }[] | null {
  const parsed = parseAllowNets(draft, { references: 'any' });
  if (!parsed.ok) return null;
  if (parsed.canonical === null) return [];
  return parsed.canonical.split(',').map((net) => ({ net, label: info[net]?.label.trim() || null, expires_at: expiresIso(info[net]?.expires ?? '') }));
}

/** The draft's side map for live evaluation in the browser (unparsable expiries are ignored there; saving names them). */
export function draftMeta(info: EntryInfoMap): EntryMeta {
  const meta: EntryMeta = {};
  for (const [net, i] of Object.entries(info)) {
    const iso = expiresIso(i.expires);
    const ms = iso === null ? NaN : Date.parse(iso);
    if (!Number.isNaN(ms)) meta[net] = { expiresAt: ms };
  }
  return meta;
}

/** Appends a network to a draft unless it is already there (suggestions' "Add"). */
export function appendNet(draft: string, net: string): string {
  // Oversized drafts are left for the parser to refuse on save; nothing else looks at them.
  if (draft.length > MAX_INPUT_BYTES) return draft;
  const parsed = parseAllowNets(draft, { references: 'any' });
  if (parsed.ok && parsed.canonical !== null && parsed.canonical.split(',').includes(net)) return draft;
  const trimmed = trimTrailingSeparators(draft);
  return trimmed === '' ? net : `${trimmed}, ${net}`;
}
