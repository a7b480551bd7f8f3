import { afterEach, describe, expect, it } from 'vitest';
import { draftRows, infoForCanonical, infoForDraft, infoFromForm } from './entry-info';

describe('infoForCanonical', () => {
  it('gives what infoForDraft gives for a canonical list: listed entries with text, in list order, trimmed', () => {
    const canonical = '192.0.2.0/24,@office,2001:db8::1,198.51.100.7';
    const info = {
      '198.51.100.7': { label: ' Hotel ', expires: '2099-01-01T00:00' },
      '192.0.2.0/24': { label: 'Office', expires: '' },
      '2001:db8::1': { label: '  ', expires: '' },
      '@office': { label: '', expires: ' 2099-02-01T10:00 ' },
      '203.0.113.9': { label: 'not listed', expires: '' },
    };
    expect(JSON.stringify(infoForCanonical(canonical, info))).toBe(JSON.stringify(infoForDraft(canonical, info)));
    expect(Object.keys(infoForCanonical(canonical, info))).toEqual(['192.0.2.0/24', '@office', '198.51.100.7']);
    expect(infoForCanonical('', info)).toEqual({});
  });
});

describe('infoFromForm with prototype keys (issue 18 finding 1)', () => {
  const polluted = () => ['label', 'expires'].filter((k) => Object.hasOwn(Object.prototype, k) || Object.hasOwn(Array.prototype, k));
  afterEach(() => {
    // Without the fix the test pollutes its own process; undo it so that only this test fails.
    for (const k of ['label', 'expires']) delete (Object.prototype as Record<string, unknown>)[k];
  });

  it('ignores fields naming __proto__, constructor or prototype and leaves Object.prototype alone', () => {
    const form = new FormData();
    form.append('info.label.__proto__', 'pwned');
    form.append('info.expires.__proto__', '2099-01-01T00:00');
    form.append('info.label.constructor', 'pwned');
    form.append('info.expires.prototype', 'pwned');
    form.append('info.label.192.0.2.0/24', 'Office');
    form.append('info.expires.192.0.2.0/24', '2099-01-01T00:00');
    const info = infoFromForm(form);
    expect(polluted()).toEqual([]);
    expect(({} as Record<string, unknown>).label).toBeUndefined();
    expect(Object.keys(info)).toEqual(['192.0.2.0/24']);
    expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
    expect(info['192.0.2.0/24']).toEqual({ label: 'Office', expires: '2099-01-01T00:00' });
    expect(draftRows('192.0.2.0/24', info)).toEqual([{ net: '192.0.2.0/24', label: 'Office', expires_at: '2099-01-01T00:00:00Z' }]);
    // What the mailbox page does with it: the same result as without the hostile fields.
    expect(JSON.stringify(infoForDraft('192.0.2.0/24', info))).toBe('{"192.0.2.0/24":{"label":"Office","expires":"2099-01-01T00:00"}}');
  });

  it('keeps a later field of the same entry (label then expiry) on one entry', () => {
    const form = new FormData();
    form.append('info.expires.2001:db8::/32', '2099-01-01T00:00');
    form.append('info.label.2001:db8::/32', 'VPN');
    expect(infoFromForm(form)).toEqual({ '2001:db8::/32': { label: 'VPN', expires: '2099-01-01T00:00' } });
  });
});
