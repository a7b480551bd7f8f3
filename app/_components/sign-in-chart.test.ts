import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { NextIntlClientProvider } from 'next-intl';
import { catalogue } from '@/lib/i18n/catalogues';
import type { Locale } from '@/lib/i18n/locales';
import type { SignInDay } from '@/lib/sign-in-stats';
import { SignInChart } from './sign-in-chart';

/** 30 UTC days ending 2026-12-07, with `counts` of allowed sign-ins on the days given. */
function days(counts: Record<string, number> = {}, refused: Record<string, Record<string, number>> = {}): SignInDay[] {
  const end = Date.UTC(2026, 11, 7);
  return Array.from({ length: 30 }, (_, i) => {
    const day = new Date(end - (29 - i) * 86_400_000).toISOString().slice(0, 10);
    return { day, allowed: counts[day] ?? 0, refused: refused[day] ?? {} };
  });
}

const render = (d: SignInDay[], small = true, locale: Locale = 'en') =>
  renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      // `children` is required by the props type; createElement's third argument supplies it.
      { locale, messages: catalogue(locale), timeZone: 'UTC' } as Parameters<typeof NextIntlClientProvider>[0],
      createElement(SignInChart, { days: d, title: 'Your sign-ins per day, last 30 days', small, testId: 'chart' }),
    ),
  );
const visibleText = (html: string) =>
  html
    .replace(/<div class="visually-hidden">[\s\S]*$/, '')
    .replace(/<title[^>]*>[\s\S]*?<\/title>/g, '')
    .split('<')
    .map((piece) => piece.slice(piece.indexOf('>') + 1))
    .join(' ')
    .replace(/\s+/g, ' ');

describe('SignInChart', () => {
  it('puts dates on the axis and the period in visible text, for the small chart too', () => {
    const html = render(days({ '2026-12-07': 1 }));
    const text = visibleText(html);
    expect(text).toContain('Nov 8');
    expect(text).toContain('Nov 22');
    expect(text).toContain('Dec 7');
    expect(text).toContain('Last 30 days: Nov 8 – Dec 7 (days in UTC)');
    // The count scale is visible beside the bars.
    expect(html).toMatch(/data-testid="chart-max">1</);
  });

  it('keeps the axis labels out of the scaled drawing, so they keep the page text size on a phone', () => {
    const html = render(days({ '2026-12-01': 3 }, { '2026-12-02': { bad_password: 2 } }), false);
    const svg = html.slice(html.indexOf('<svg viewBox'), html.indexOf('</svg>'));
    expect(svg).not.toMatch(/<text/);
    expect(html).toContain('class="chart-x"');
  });

  it('says there were no sign-ins instead of drawing an empty chart', () => {
    const html = render(days());
    expect(html).not.toContain('<svg');
    expect(visibleText(html).trim()).toBe('No sign-ins in the last 30 days.');
  });

  it('speaks the page language: German words, dates and refusal reasons', () => {
    const text = visibleText(render(days({ '2026-12-07': 1 }, { '2026-12-06': { network_not_allowed: 2 } }), true, 'de'));
    expect(text).toContain('8. Nov.');
    expect(text).toContain('Letzte 30 Tage');
    expect(text).toContain('abgelehnt: Netzwerk nicht erlaubt (2)');
    expect(text).not.toMatch(/refused|allowed|Last 30/);
    expect(visibleText(render(days(), true, 'de')).trim()).toBe('Keine Anmeldungen in den letzten 30 Tagen.');
  });
});
