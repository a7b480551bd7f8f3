// Browser-safe (no server-only): the pages' time components, the admin forms and their server actions share it.

/**
 * The one place where dates and times become text. Pages render a time in two steps: the server (and a
 * browser without JavaScript) shows `formatUtc` ("2026-12-07 14:29 UTC", always labelled UTC), and once
 * JavaScript runs, `formatDateTime` shows it in the viewer's own time zone and locale. The server never
 * guesses a zone: it cannot know one until the browser runs code, and a zone remembered in a cookie could
 * be stale after travel (docs/time.md).
 */

/** Where a time is shown: a locale (undefined = the browser's) and an IANA time zone (undefined = the browser's). */
export interface Clock {
  locale?: string;
  timeZone?: string;
}

/** A piece of a sentence that may hold a time: text, or an instant formatted where the sentence is shown. */
export type PhrasePart = string | { at: number };
export type Phrase = PhrasePart[];

// Intl formatters are slow to build and immutable: one per (kind, locale, zone), built on first use. The
// key set is small (the locales and zones of this process's viewers), and nothing in them can go stale.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'datetime' | 'parts' | 'day', clock: Clock): Intl.DateTimeFormat {
  const key = `${kind}|${clock.locale ?? ''}|${clock.timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'datetime'
        ? { dateStyle: 'medium', timeStyle: 'short' }
        : kind === 'day'
          ? { month: 'short', day: 'numeric' }
          : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(kind === 'parts' ? 'en-US' : clock.locale, { ...options, timeZone: clock.timeZone });
    formatters.set(key, f);
  }
  return f;
}

const toMs = (at: Date | number | string): number => (typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime());

/** "7 Dec 2026, 09:29" / "Dec 7, 2026, 9:29 AM": a time as the viewer reads times. */
export function formatDateTime(at: Date | number | string, clock: Clock = {}): string {
  return formatter('datetime', clock).format(toMs(at));
}

/** "2026-12-07 14:29 UTC": the form shown before JavaScript runs (and without it), and in tooltips. */
export function formatUtc(at: Date | number | string): string {
  return `${new Date(toMs(at)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "Dec 7": a UTC calendar day ("2026-12-07") for a chart's axis. */
export function formatDay(day: string, locale?: string): string {
  return formatter('day', { locale, timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));
}

/** The browser's time zone ("America/New_York"); "UTC" where none is known. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(formatter('parts', { timeZone }).formatToParts(ms).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), mo: Number(parts.month), d: Number(parts.day), h: Number(parts.hour) % 24, mi: Number(parts.minute), s: Number(parts.second) };
}

/** How far a zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as a datetime-local field's value ("2026-12-31T18:00") in a zone. */
export function localInputValue(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value read in a zone, as an instant; null if it is not one. A wall time that does not
 * exist (skipped by a daylight-saving change) moves forward by the gap, as clocks do; one that exists twice
 * is the first (earlier) of the two.
 */
export function instantFromLocalInput(text: string, timeZone: string): number | null {
  const m = LOCAL_INPUT.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCMonth() !== mo - 1 || h > 23 || mi > 59) return null;
  // The zone's offset at a nearby instant, then corrected once: two passes settle every real zone's rules.
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  if (second === first) {
    // An ambiguous wall time: prefer the earlier instant (the offset an hour before is the other candidate).
    const earlier = asUtc - offsetAt(first - 3_600_000, timeZone);
    return earlier < first && localInputValue(earlier, timeZone) === localInputValue(first, timeZone) ? earlier : first;
  }
  // A skipped wall time: the two offsets disagree; the later instant is the wall time moved past the gap.
  return Math.max(first, second);
}

/** "2026-12-31T18:00" in UTC: how the admin forms carry an expiry (entry-info.ts). */
export function utcInputValue(at: number): string {
  return new Date(at).toISOString().slice(0, 16);
}
