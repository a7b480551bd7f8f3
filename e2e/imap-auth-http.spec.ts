import { servers } from '../playwright.config';
import { authHttp, nginxEscape, nginxHeaders, verdict } from './support/auth-http';
import { auditFor, createAccount, createMailbox, expect, test } from './support/fixtures';

/** The auth_http endpoint at the HTTP level, as nginx talks to it (the IMAP spec runs the real nginx). */
test.describe('GET /api/mail-auth', () => {
  test('answers only requests that carry the shared secret (403), and is off without MAIL_AUTH_SECRET (404)', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    for (const secret of ['', 'e2e-mail-auth-secret-012345678', 'E2E-MAIL-AUTH-SECRET-0123456789', null]) {
      const answer = await authHttp({ ...nginxHeaders(mailbox.email, mailbox.password, '198.51.100.5'), 'X-Mail-Auth-Secret': secret });
      expect(answer.status, `secret ${JSON.stringify(secret)}`).toBe(403);
      expect(verdict(answer)).toEqual({});
    }
    expect(auditFor(mailbox.email)).toEqual([]);

    // The direct server has no MAIL_AUTH_SECRET: the endpoint does not exist there.
    const off = await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.5'), servers.direct.port);
    expect(off.status).toBe(404);
    expect(verdict(off)).toEqual({});
  });

  test('decodes %, spaces and non-ASCII in the password and sends the password back as raw UTF-8; + stays +', async () => {
    const account = createAccount();
    const password = 'Grüße 100% +sicher €%41 x';
    const mailbox = createMailbox(account, { password });
    const answer = await authHttp(nginxHeaders(mailbox.email, password, '198.51.100.6'));
    expect(answer.status).toBe(200);
    expect(answer.headers['auth-status']).toBe('OK');
    expect(Buffer.from(answer.headers['auth-pass']!, 'latin1').toString('utf8')).toBe(password);
    expect(auditFor(mailbox.email, 'login_succeeded')[0]).toMatchObject({ protocol: 'imap', clientIp: '198.51.100.6', actorKind: 'mailbox' });

    // A decoder that turned "+" into a space would let this in.
    const spaced = createMailbox(account, { password: 'Plus and space are different' });
    const refused = await authHttp(nginxHeaders(spaced.email, 'Plus+and+space+are+different', '198.51.100.6'));
    expect(refused.headers['auth-status']).toBe('Invalid login or password');
  });

  test('decodes escaped spaces and non-ASCII in the user name; the answer names the canonical mailbox', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const answer = await authHttp(nginxHeaders(` ${mailbox.email.toUpperCase()} `, mailbox.password, '198.51.100.7'));
    expect(verdict(answer)).toMatchObject({ 'auth-status': 'OK', 'auth-user': mailbox.email });

    const unknown = `usér ümlaut@${account.domain}`;
    const refused = await authHttp(nginxHeaders(unknown, mailbox.password, '198.51.100.7'));
    expect(verdict(refused)).toEqual({ 'auth-status': 'Invalid login or password', 'auth-wait': '1' });
    // The audit trail shows the name exactly as typed (decoded, not mangled).
    expect(auditFor(unknown, 'login_failed')[0]).toMatchObject({ detail: { reason: 'unknown_mailbox' }, protocol: 'imap' });
  });

  test('passes a control character in the password on %XX-escaped (a header cannot carry it)', async () => {
    const account = createAccount();
    const password = 'Tab\there-and-there';
    const mailbox = createMailbox(account, { password });
    const answer = await authHttp(nginxHeaders(mailbox.email, password, '198.51.100.8'));
    expect(verdict(answer)).toMatchObject({ 'auth-status': 'OK', 'auth-pass': 'Tab%09here-and-there' });
  });

  test('a raw DEL byte (0x7F, which nginx does not escape) is refused by the HTTP layer with 400; nothing is audited', async () => {
    const account = createAccount();
    const password = 'Del\u007fete-me-please';
    const mailbox = createMailbox(account, { password });
    const escaped = nginxEscape(password);
    expect(escaped.includes(0x7f)).toBe(true);
    const answer = await authHttp(nginxHeaders(mailbox.email, password, '198.51.100.9'));
    expect(answer.status).toBe(400);
    expect(verdict(answer)).toEqual({});
    expect(auditFor(mailbox.email)).toEqual([]);
  });

  test('wrong password, refused network and inactive mailbox get the same answer; the audit has each reason', async () => {
    const account = createAccount();
    const restricted = createMailbox(account, { allowNets: '203.0.113.0/24' });
    const open = createMailbox(account);
    const inactive = createMailbox(account, { active: false });
    const answers = [
      await authHttp(nginxHeaders(open.email, `${open.password}x`, '198.51.100.10')),
      await authHttp(nginxHeaders(restricted.email, restricted.password, '198.51.100.10')),
      await authHttp(nginxHeaders(inactive.email, inactive.password, '198.51.100.10')),
      await authHttp(nginxHeaders(`nobody@${account.domain}`, open.password, '198.51.100.10')),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(verdict(answer)).toEqual({ 'auth-status': 'Invalid login or password', 'auth-wait': '1' });
    }
    expect(auditFor(open.email, 'login_failed')[0]?.detail).toEqual({ reason: 'bad_password' });
    expect(auditFor(restricted.email, 'login_failed')[0]?.detail).toEqual({ reason: 'network_not_allowed' });
    expect(auditFor(inactive.email, 'login_failed')[0]?.detail).toEqual({ reason: 'inactive' });
    // From the tenth attempt of a connection nginx is told not to wait (it then closes the connection).
    const tenth = await authHttp(nginxHeaders(open.email, 'wrong', '198.51.100.10', { 'Auth-Login-Attempt': '10' }));
    expect(verdict(tenth)).toEqual({ 'auth-status': 'Invalid login or password' });
  });

  test('a protocol without a backend and a method without a password are refused before any check', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const smtp = await authHttp(nginxHeaders(mailbox.email, mailbox.password, '198.51.100.11', { 'Auth-Protocol': 'smtp' }));
    expect(verdict(smtp)).toEqual({ 'auth-status': 'This mail protocol is not offered here' });
    const apop = await authHttp({ ...nginxHeaders(mailbox.email, mailbox.password, '198.51.100.11', { 'Auth-Method': 'apop', 'Auth-Salt': '<1@x>' }), 'Auth-Pass': null });
    expect(verdict(apop)).toEqual({ 'auth-status': 'This authentication method is not supported; use a password' });
    expect(auditFor(mailbox.email)).toEqual([]);
  });
});
