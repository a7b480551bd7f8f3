import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './callback-url';

describe('safeCallbackPath', () => {
  it('keeps same-site paths with query and fragment', () => {
    expect(safeCallbackPath('/account')).toBe('/account');
    expect(safeCallbackPath('/mail/3?x=1#top')).toBe('/mail/3?x=1#top');
  });
  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/mail\n//evil',
    'mail',
    '',
    '/login',
    '/admin/login?x=1',
  ])('falls back for %j', (value) => {
    expect(safeCallbackPath(value)).toBe('/mail');
  });
  it('falls back for non-strings', () => {
    expect(safeCallbackPath(null)).toBe('/mail');
    expect(safeCallbackPath(['/account'])).toBe('/mail');
  });
});
