import { describe, expect, it } from 'vitest';
import { isSameOriginRequest } from './same-origin';

const headers = (h: Record<string, string>) => new Headers(h);

describe('isSameOriginRequest', () => {
  const host = 'mail.example.com:8443';

  it('lets safe methods through whatever they carry', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(isSameOriginRequest(method, headers({ host, origin: 'https://evil.example' }))).toBe(true);
  });

  it('admits a post whose Origin names this host (port included), or without Origin one marked Sec-Fetch-Site: same-origin', () => {
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://mail.example.com:8443' }))).toBe(true);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://MAIL.example.com:8443', 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(isSameOriginRequest('POST', headers({ host: '[::1]:3000', origin: 'http://[::1]:3000' }))).toBe(true);
    expect(isSameOriginRequest('POST', headers({ host, 'sec-fetch-site': 'same-origin' }))).toBe(true);
  });

  it('refuses a post without either, with a foreign, null or malformed Origin, or marked cross-site or same-site', () => {
    expect(isSameOriginRequest('POST', headers({ host }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://evil.example' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://mail.example.com' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://mail.example.com:8443.evil.example' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'null' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'not a url' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ origin: 'https://mail.example.com:8443' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, 'sec-fetch-site': 'cross-site' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, origin: 'https://mail.example.com:8443', 'sec-fetch-site': 'same-site' }))).toBe(false);
    expect(isSameOriginRequest('POST', headers({ host, 'sec-fetch-site': 'none' }))).toBe(false);
    for (const method of ['PUT', 'DELETE', 'PATCH']) expect(isSameOriginRequest(method, headers({ host }))).toBe(false);
  });
});
