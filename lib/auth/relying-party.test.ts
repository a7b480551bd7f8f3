import { describe, expect, it } from 'vitest';
import { parseRelyingPartyConfig } from '@/lib/relying-party-config';
import { NOT_CONFIGURED, relyingPartyFor } from './relying-party';

describe('relying party', () => {
  it('without configuration, admits localhost only, never an address or another name from the Host header', () => {
    expect(relyingPartyFor(null, 'localhost:8201')).toEqual({ ok: true, rpId: 'localhost', origins: ['http://localhost:8201', 'https://localhost:8201'] });
    for (const host of ['127.0.0.1:8201', '[::1]:8201', 'evil.example', 'localhost.evil.example', 'localhost@evil', '', null]) {
      expect(relyingPartyFor(null, host)).toEqual({ ok: false, message: NOT_CONFIGURED });
    }
  });

  it('with configuration, admits the configured hosts only', () => {
    const parsed = parseRelyingPartyConfig('https://mail.example.com, https://admin.mail.example.com:8443', 'mail.example.com');
    expect(parsed.ok).toBe(true);
    const config = parsed.ok ? parsed.config : null;
    expect(relyingPartyFor(config, 'admin.mail.example.com:8443')).toEqual({ ok: true, rpId: 'mail.example.com', origins: ['https://admin.mail.example.com:8443'] });
    expect(relyingPartyFor(config, 'localhost:3000').ok).toBe(false);
    expect(relyingPartyFor(config, 'other.example.com').ok).toBe(false);
  });

  it('refuses bad configuration with a message naming the bad part', () => {
    expect(parseRelyingPartyConfig('https://192.0.2.1', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('not an IP address') });
    expect(parseRelyingPartyConfig('http://mail.example.com', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('https') });
    expect(parseRelyingPartyConfig('https://mail.example.com/admin', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('origin only') });
    expect(parseRelyingPartyConfig('https://mail.example.com', 'other.example')).toMatchObject({ ok: false, message: expect.stringContaining('parent domain') });
    expect(parseRelyingPartyConfig('', 'example.com')).toMatchObject({ ok: false });
    expect(parseRelyingPartyConfig('', '')).toEqual({ ok: true, config: null });
    expect(parseRelyingPartyConfig('https://mail.example.com', undefined)).toEqual({ ok: true, config: { rpId: 'mail.example.com', origins: ['https://mail.example.com'] } });
  });
});
