import { describe, expect, it } from 'vitest';
import { acceptedLanguages, clockLocale, pickLocale } from './locales';

describe('acceptedLanguages', () => {
  it('orders by weight, keeping the header order for equal weights, primary subtags only', () => {
    expect(acceptedLanguages('fr;q=0.5, de-CH, en-US;q=0.8, es')).toEqual(['de', 'es', 'en', 'fr']);
  });
  it('drops refused (q=0) and malformed ranges', () => {
    expect(acceptedLanguages('de;q=0, en;q=abc, <script>, fr;q=0.3')).toEqual(['fr']);
  });
  it('reads nothing from an empty or missing header', () => {
    expect(acceptedLanguages('')).toEqual([]);
    expect(acceptedLanguages(null)).toEqual([]);
  });
  it('reads only the first kilobyte of a hostile header', () => {
    expect(acceptedLanguages(`${'x;q=0.1,'.repeat(10_000)}de`)).not.toContain('de');
  });
});

describe('pickLocale', () => {
  it('is English without a cookie or Accept-Language (what the existing tests see)', () => {
    expect(pickLocale({})).toBe('en');
    expect(pickLocale({ acceptLanguage: 'en-US,en;q=0.9' })).toBe('en');
  });
  it('follows Accept-Language to German, also for a regional variant or a lower-ranked entry', () => {
    expect(pickLocale({ acceptLanguage: 'de' })).toBe('de');
    expect(pickLocale({ acceptLanguage: 'de-AT,de;q=0.9' })).toBe('de');
    expect(pickLocale({ acceptLanguage: 'fr-FR, de;q=0.7, en;q=0.5' })).toBe('de');
  });
  it('takes the default for "*" and for languages it does not have', () => {
    expect(pickLocale({ acceptLanguage: '*, de;q=0.5' })).toBe('en');
    expect(pickLocale({ acceptLanguage: 'ja, zh' })).toBe('en');
  });
  it('lets the switch cookie win, and ignores a cookie that names no language of ours', () => {
    expect(pickLocale({ cookie: 'en', acceptLanguage: 'de' })).toBe('en');
    expect(pickLocale({ cookie: 'de', acceptLanguage: 'en' })).toBe('de');
    expect(pickLocale({ cookie: '__proto__', acceptLanguage: 'de' })).toBe('de');
    expect(pickLocale({ cookie: 'fr' })).toBe('en');
  });
});

describe('clockLocale', () => {
  it("keeps the browser's regional variant of the page's language", () => {
    expect(clockLocale('en', ['en-GB', 'de-DE'])).toBe('en-GB');
    expect(clockLocale('de', ['en-US', 'de-AT'])).toBe('de-AT');
  });
  it("writes the page's language when the browser asks for another one", () => {
    expect(clockLocale('de', ['en-US'])).toBe('de');
    expect(clockLocale('en', [])).toBe('en');
  });
});
