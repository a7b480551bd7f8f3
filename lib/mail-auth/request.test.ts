import { describe, expect, it } from 'vitest';
import { hasMailAuthSecret, parseMailAuthRequest } from './request';

const headers = (values: Record<string, string>) => new Headers(values);

const nginxRequest = {
  'Auth-Method': 'plain',
  'Auth-User': 'User@Example.com',
  'Auth-Pass': 'pass%20word+%25',
  'Auth-Protocol': 'imap',
  'Auth-Login-Attempt': '2',
  'Client-IP': '203.0.113.9',
};

describe('parseMailAuthRequest', () => {
  it('decodes what nginx sends', () => {
    expect(parseMailAuthRequest(headers(nginxRequest))).toEqual({
      user: 'User@Example.com',
      password: 'pass word+%',
      protocol: 'imap',
      loginAttempt: 2,
      clientIp: '203.0.113.9',
    });
  });

  it.each(['imap', 'pop3', 'smtp', 'IMAP'])('knows the protocol %s', (protocol) => {
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Protocol': protocol })).protocol).toBe(protocol.toLowerCase());
  });

  it.each(['', 'http', 'imaps'])('has no protocol for %j', (protocol) => {
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Protocol': protocol })).protocol).toBeNull();
  });

  it.each(['plain', 'login', 'PLAIN'])('takes the password for the %s method', (method) => {
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Method': method })).password).toBe('pass word+%');
  });

  it.each(['apop', 'cram-md5', 'external', 'none'])('has no password for the %s method (a digest or none, not the password)', (method) => {
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Method': method })).password).toBeNull();
  });

  it('has no password when Auth-Pass is missing, and an empty one when it is empty', () => {
    const rest: Record<string, string> = { ...nginxRequest };
    delete rest['Auth-Pass'];
    expect(parseMailAuthRequest(headers(rest)).password).toBeNull();
    expect(parseMailAuthRequest(headers({ ...rest, 'Auth-Pass': '' })).password).toBe('');
  });

  it('normalises Client-IP and treats anything that is not an address as unknown', () => {
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Client-IP': '::ffff:203.0.113.9' })).clientIp).toBe('203.0.113.9');
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Client-IP': '2001:DB8:0::1' })).clientIp).toBe('2001:db8::1');
    for (const bad of ['', 'unknown', '203.0.113.9, 10.0.0.1', '203.0.113.0/24']) {
      expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Client-IP': bad })).clientIp).toBeNull();
    }
  });

  it('counts a missing or nonsensical attempt number as the first attempt', () => {
    for (const attempt of ['', '0', '-3', 'x', '1.5']) {
      expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Login-Attempt': attempt })).loginAttempt).toBe(1);
    }
    expect(parseMailAuthRequest(headers({ ...nginxRequest, 'Auth-Login-Attempt': '10' })).loginAttempt).toBe(10);
  });
});

describe('hasMailAuthSecret', () => {
  const secret = 'a-shared-secret-0123456789';
  it('accepts only the exact secret', () => {
    expect(hasMailAuthSecret(headers({ 'X-Mail-Auth-Secret': secret }), secret)).toBe(true);
    for (const wrong of ['', 'a-shared-secret', `${secret}x`, secret.toUpperCase()]) {
      expect(hasMailAuthSecret(headers({ 'X-Mail-Auth-Secret': wrong }), secret)).toBe(false);
    }
    expect(hasMailAuthSecret(headers({}), secret)).toBe(false);
  });
});
