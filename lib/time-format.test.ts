import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, formatUtc, instantFromLocalInput, localInputValue, utcInputValue } from './time-format';

describe('time formatting', () => {
  const at = Date.UTC(2026, 11, 7, 12, 49);

  it('shows one instant in the viewer zone and locale, and labels the fallback UTC', () => {
    expect(formatDateTime(at, { locale: 'en-US', timeZone: 'America/New_York' })).toMatch(/^Dec 7, 2026, 7:49\sAM$/);
    expect(formatDateTime(at, { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('07.12.2026, 13:49');
    expect(formatUtc(at)).toBe('2026-12-07 12:49 UTC');
    expect(formatDay('2026-11-08', 'en-US')).toBe('Nov 8');
  });

  it('reads a datetime-local value in the given zone as the right instant, and back', () => {
    expect(instantFromLocalInput('2026-12-10T09:00', 'America/New_York')).toBe(Date.UTC(2026, 11, 10, 14, 0));
    expect(instantFromLocalInput('2026-07-10T09:00', 'America/New_York')).toBe(Date.UTC(2026, 6, 10, 13, 0));
    expect(instantFromLocalInput('2026-12-10T09:00', 'Asia/Kolkata')).toBe(Date.UTC(2026, 11, 10, 3, 30));
    expect(instantFromLocalInput('2026-12-10T09:00', 'UTC')).toBe(Date.UTC(2026, 11, 10, 9, 0));
    expect(localInputValue(Date.UTC(2026, 11, 10, 14, 0), 'America/New_York')).toBe('2026-12-10T09:00');
    expect(utcInputValue(Date.UTC(2026, 11, 10, 14, 0))).toBe('2026-12-10T14:00');
  });

  it('moves a wall time skipped by daylight saving forward, and takes the first of a repeated one', () => {
    // New York: 02:30 on 8 March 2026 does not exist (clocks go 02:00 → 03:00); 01:30 on 1 November exists twice.
    expect(instantFromLocalInput('2026-03-08T02:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(instantFromLocalInput('2026-11-01T01:30', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(instantFromLocalInput('2026-10-25T02:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('refuses text that is not a datetime-local value', () => {
    for (const text of ['', 'tomorrow', '2026-02-30T10:00', '2026-12-10T25:00', '2026-12-10 10:00']) expect(instantFromLocalInput(text, 'UTC')).toBeNull();
  });
});
