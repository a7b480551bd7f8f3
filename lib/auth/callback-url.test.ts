import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeCallbackPath, sameSitePath } from './callback-url';

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

describe('sameSitePath', () => {
  it('keeps every path on this site, the sign-in pages included (the language switch returns to them)', () => {
    expect(sameSitePath('/login?callbackUrl=%2Faccount')).toBe('/login?callbackUrl=%2Faccount');
    expect(sameSitePath('/admin/login')).toBe('/admin/login');
  });
  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', '/.//evil.example', '/%2e//evil.example', 'javascript:alert(1)', ''])('is null for %j', (value) => {
    expect(sameSitePath(value)).toBeNull();
  });
});

describe('safeCallbackPath properties', () => {
  const leaves = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\');

  it.each(['/.//evil.com', '/%2e//evil.com', '/a/..//evil.com', '/%2E%2E//evil.com', '/./\\evil.com'])('never normalises %s into another host', (input) => {
    expect(safeCallbackPath(input)).toBe('/mail');
  });

  it('never returns a path that leaves the site, for any input (fast-check)', () => {
    const segment = fc.constantFrom('', '.', '..', '%2e', '%2E', '%2e%2e', '\\', '/', 'evil.com', 'a', '%2f', '%5c', '?', '#', '@', ':');
    const crafted = fc.array(segment, { maxLength: 8 }).map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), crafted, fc.webPath()), (input) => {
        const out = safeCallbackPath(input);
        expect(leaves(out)).toBe(false);
        // Resolving the result against the site stays on the site.
        expect(new URL(out, 'http://portcullis.invalid').origin).toBe('http://portcullis.invalid');
        // Idempotent: what we return passes the check unchanged.
        expect(safeCallbackPath(out)).toBe(out === '/mail' ? '/mail' : out);
      }),
      { numRuns: 3000 },
    );
  });
});
