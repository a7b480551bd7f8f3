import { describe, expect, it } from 'vitest';
import { infoForCanonical, infoForDraft } from './entry-info';

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
