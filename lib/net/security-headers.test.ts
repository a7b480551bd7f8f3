import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, securityHeaders } from './security-headers';

describe('security headers', () => {
  it('forbid framing and inline scripts without the nonce; nosniff and same-origin referrers; HSTS only over HTTPS', () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[\w+/]{22}==$/);
    expect(createNonce()).not.toBe(nonce);
    const http = securityHeaders(nonce, { https: false });
    expect(http['content-security-policy']).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(http['content-security-policy']).toContain(`frame-ancestors 'none'`);
    expect(http['content-security-policy']).not.toContain('unsafe-inline');
    expect(http['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(http).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' });
    expect(http['strict-transport-security']).toBeUndefined();
    const https = securityHeaders(nonce, { https: true });
    expect(https['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(contentSecurityPolicy(nonce, { https: true })).toContain('upgrade-insecure-requests');
  });
});
