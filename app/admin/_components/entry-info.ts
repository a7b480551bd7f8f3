import { isForbiddenKey } from '@/lib/forbidden-keys';
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

/*
 * Every map here is keyed by network text. Maps read from the form are built in a Map and handed on through
 * Object.fromEntries (which defines own properties, never touching a prototype); the others are keyed by
 * canonical networks (parseAllowNets' output or stored lists), which are never "__proto__".
 */

/** The stored side map as form text. */
export function infoText(meta: EntryMeta | null): EntryInfoMap {
  return Object.fromEntries(
    Object.entries(meta ?? {}).map(([net, info]) => [net, { label: info.label ?? '', expires: info.expiresAt === undefined ? '' : new Date(info.expiresAt).toISOString().slice(0, 16) }]),
  );
}

/**
 * The label and expiry fields of a submitted form, by entry. A field naming `__proto__`, `constructor` or
 * `prototype` is ignored: no network has that name, and as a key it would reach Object.prototype (issue 18).
 */
export function infoFromForm(formData: FormData): EntryInfoMap {
  const out = new Map<string, EntryInfoText>();
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string') continue;
    const isLabel = key.startsWith(LABEL_FIELD);
    if (!isLabel && !key.startsWith(EXPIRES_FIELD)) continue;
    const net = key.slice(isLabel ? LABEL_FIELD.length : EXPIRES_FIELD.length);
    if (isForbiddenKey(net)) continue;
    const info = out.get(net) ?? { label: '', expires: '' };
    if (isLabel) info.label = value;
    else info.expires = value;
    out.set(net, info);
  }
  return Object.fromEntries(out);
}

/** The info of the entries still in `draft` (others are dropped), without empty ones: what saving would store. */
export function infoForDraft(draft: string, info: EntryInfoMap): EntryInfoMap {
  const parsed = parseAllowNets(draft, { references: 'any' });
  const out: EntryInfoMap = {};
  if (!parsed.ok || parsed.canonical === null) return out;
  for (const net of parsed.canonical.split(',')) {
    const i = info[net];
    // eslint-disable-next-line portcullis/no-computed-key-write -- `net` is a canonical network (parseAllowNets), never a prototype key.
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
    // eslint-disable-next-line portcullis/no-computed-key-write -- `net` is a canonical network (parseAllowNets), never a prototype key.
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
    // eslint-disable-next-line portcullis/no-computed-key-write -- `info` comes from infoFromForm or infoText, which hold no prototype key.
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
