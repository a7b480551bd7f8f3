import net from 'node:net';
import path from 'node:path';
import { mail, servers } from '../playwright.config';
import { authHttp, nginxHeaders, verdict } from './support/auth-http';
import { auditFor, cli, clientAt, createAccount, createMailbox, expect, mailboxRow, signIn, strongPassword, test, updateMailboxRow } from './support/fixtures';
import { imapLogin, type ImapLoginOptions } from './support/imap-client';
import { startMailServers, type MailServers } from './support/mail-servers';

/*
 * Real components on loopback: an IMAP client (imapflow) → nginx's mail proxy (deploy/nginx/mail.conf) →
 * Portcullis's auth_http endpoint (the proxied test server's machine process, MACHINE_PORT, as deployed) → Dovecot (deploy/dovecot/dovecot.conf), which
 * trusts only 127.0.0.1. Clients connect from 127.0.0.2 and 127.0.0.3 to play different networks.
 */

// One nginx and one Dovecot on fixed ports: every test of this file runs in one worker.
test.describe.configure({ mode: 'default' });

const GENERIC = 'Invalid login or password';
let servers_: MailServers;

test.beforeAll(async () => {
  servers_ = await startMailServers({
    // playwright.config.ts assigns +43 and +44 of the port base; IMAPS takes the next one.
    ports: { imap: mail.proxyImapPort, imaps: mail.backendImapPort + 1, backend: mail.backendImapPort },
    authUrl: `http://127.0.0.1:${servers.proxied.machinePort}`,
    secret: mail.secret,
    lockFile: path.join(mail.runDir, 'mail-servers.lock'),
  });
});

test.afterAll(() => servers_?.stop());

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('mail server logs', { body: servers_.logs(), contentType: 'text/plain' });
});

function login(from: string, user: string, password: string, options: Partial<ImapLoginOptions> = {}) {
  return imapLogin({ port: servers_.ports.imap, certificate: servers_.certificate, from, user, password, ...options });
}

test.describe('IMAP through nginx, decided by Portcullis', () => {
  test('a mailbox restricted to 127.0.0.2/32 logs in from 127.0.0.2 and is refused from 127.0.0.3; both audited as imap', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '127.0.0.2/32' });
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toEqual({ ok: true, exists: 0 });
    expect(await login('127.0.0.3', mailbox.email, mailbox.password)).toEqual({ ok: false, response: GENERIC });
    expect(auditFor(mailbox.email).map((r) => [r.event, r.clientIp, r.protocol, r.detail])).toEqual([
      ['login_failed', '127.0.0.3', 'imap', { reason: 'network_not_allowed' }],
      ['login_succeeded', '127.0.0.2', 'imap', null],
    ]);
    const row = mailboxRow(mailbox.id);
    expect(row.lastLoginIp).toBe('127.0.0.2');
    expect(row.lastLoginAt).not.toBeNull();
  });

  test('an unrestricted mailbox logs in from anywhere, over STARTTLS and IMAPS', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    expect(await login('127.0.0.3', mailbox.email, mailbox.password)).toMatchObject({ ok: true });
    expect(await login('127.0.0.4', mailbox.email.toUpperCase(), mailbox.password, { port: servers_.ports.imaps, implicitTls: true })).toMatchObject({ ok: true });
    expect(auditFor(mailbox.email, 'login_succeeded').map((r) => r.clientIp)).toEqual(['127.0.0.4', '127.0.0.3']);
  });

  test('a wrong password gets the same IMAP answer and the same auth_http answer as a refused network', async () => {
    const account = createAccount();
    const restricted = createMailbox(account, { allowNets: '127.0.0.2/32' });
    const open = createMailbox(account);
    const inactive = createMailbox(account, { active: false });

    const imapAnswers = [
      await login('127.0.0.3', restricted.email, restricted.password),
      await login('127.0.0.3', open.email, `${open.password}x`),
      await login('127.0.0.3', inactive.email, inactive.password),
    ];
    expect(imapAnswers).toEqual([
      { ok: false, response: GENERIC },
      { ok: false, response: GENERIC },
      { ok: false, response: GENERIC },
    ]);
    const httpAnswers = [
      await authHttp(nginxHeaders(restricted.email, restricted.password, '127.0.0.3')),
      await authHttp(nginxHeaders(open.email, `${open.password}x`, '127.0.0.3')),
    ];
    expect(httpAnswers.map((a) => [a.status, verdict(a)])).toEqual([
      [200, { 'auth-status': GENERIC, 'auth-wait': '1' }],
      [200, { 'auth-status': GENERIC, 'auth-wait': '1' }],
    ]);
    expect(auditFor(restricted.email, 'login_failed').map((r) => r.detail)).toEqual([{ reason: 'network_not_allowed' }, { reason: 'network_not_allowed' }]);
    expect(auditFor(open.email, 'login_failed').map((r) => r.detail)).toEqual([{ reason: 'bad_password' }, { reason: 'bad_password' }]);
    expect(auditFor(inactive.email, 'login_failed')[0]).toMatchObject({ protocol: 'imap', detail: { reason: 'inactive' } });
  });

  test('a pending forced change refuses IMAP until the password is changed in webmail', async ({ browser }) => {
    const account = createAccount();
    const mailbox = createMailbox(account, { requireResetPassword: true });
    const required = 'Password change required - sign in to webmail first';
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toEqual({ ok: false, response: required });
    expect(auditFor(mailbox.email, 'login_failed')[0]).toMatchObject({ protocol: 'imap', detail: { reason: 'password_change_required' } });
    // A wrong password does not learn that a change is pending.
    expect(await login('127.0.0.2', mailbox.email, 'Not-The-Password-1')).toEqual({ ok: false, response: GENERIC });

    const context = await clientAt(browser, '198.51.100.60');
    const page = await context.newPage();
    await signIn(page, mailbox.email, mailbox.password);
    await expect(page).toHaveURL(/\/change-password$/);
    const newPassword = strongPassword();
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/mail(\?.*)?$/);
    await context.close();
    expect(mailboxRow(mailbox.id).requireResetPassword).toBe(false);

    expect(await login('127.0.0.2', mailbox.email, newPassword)).toMatchObject({ ok: true });
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toEqual({ ok: false, response: GENERIC });
  });

  test('a list changed with the CLI applies to the next IMAP login, even with the password verification cached', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account, { allowNets: '127.0.0.2/32' });
    // Two logins: the second is answered from the verification cache.
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toMatchObject({ ok: true });
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toMatchObject({ ok: true });

    const result = cli(['mailbox', 'set', '--email', mailbox.email, '--allow-nets', '127.0.0.3/32']);
    expect(result.status, result.stderr).toBe(0);
    expect(await login('127.0.0.2', mailbox.email, mailbox.password)).toEqual({ ok: false, response: GENERIC });
    expect(await login('127.0.0.3', mailbox.email, mailbox.password)).toMatchObject({ ok: true });

    // Changed behind the domain service's back (updated_at untouched, so the cached verification still
    // stands): the network check is made afresh anyway.
    updateMailboxRow(mailbox.id, { allowNets: '127.0.0.2/32' });
    expect(await login('127.0.0.3', mailbox.email, mailbox.password)).toEqual({ ok: false, response: GENERIC });
    expect(auditFor(mailbox.email, 'login_failed').map((r) => [r.clientIp, r.detail])).toEqual([
      ['127.0.0.3', { reason: 'network_not_allowed' }],
      ['127.0.0.2', { reason: 'network_not_allowed' }],
    ]);
  });

  test('passwords with spaces, %, + and non-ASCII pass through the proxy intact', async () => {
    const account = createAccount();
    const password = 'Grüße 100% +sicher "€" %41';
    const mailbox = createMailbox(account, { password });
    expect(await login('127.0.0.2', mailbox.email, password)).toMatchObject({ ok: true });
    expect(await login('127.0.0.2', mailbox.email, password.replace(/ /g, '+'))).toEqual({ ok: false, response: GENERIC });
  });

  test('a password with a DEL byte cannot be used: nginx reports an internal error and Portcullis records nothing', async () => {
    const account = createAccount();
    const password = 'Del\u007fete-me-please';
    const mailbox = createMailbox(account, { password });
    const result = await login('127.0.0.2', mailbox.email, password);
    expect(result.ok).toBe(false);
    expect(auditFor(mailbox.email)).toEqual([]);
    await expect.poll(() => servers_.logs()).toContain(`auth http server 127.0.0.1:${servers.proxied.machinePort} did not send server or port`);
  });

  test('nginx refuses LOGIN before STARTTLS without asking Portcullis', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const transcript = await rawSession(servers_.ports.imap, '127.0.0.2', ['a CAPABILITY', `b LOGIN ${mailbox.email} "${mailbox.password}"`]);
    expect(transcript).toContain('LOGINDISABLED');
    expect(transcript).toContain('b BAD');
    expect(transcript).not.toContain('b OK');
    expect(auditFor(mailbox.email)).toEqual([]);
  });

  test('the backend accepts only the proxy: a client connecting to Dovecot directly is turned away', async () => {
    const account = createAccount();
    const mailbox = createMailbox(account);
    const direct = await login('127.0.0.2', mailbox.email, mailbox.password, { port: servers_.ports.backend });
    expect(direct.ok).toBe(false);
    await expect.poll(() => servers_.logs()).toContain('haproxy: Client not trusted (rip=127.0.0.2)');
  });
});

/** A plain-text IMAP exchange from `from`, one command per line; returns everything the server said. */
async function rawSession(port: number, from: string, commands: string[]): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
  let received = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(received)}`)), 5_000);
      const check = () => {
        if (pattern.test(received)) {
          clearTimeout(timer);
          socket.off('data', check);
          resolve();
        }
      };
      socket.on('data', check);
      check();
    });
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  try {
    await waitFor(/^\* OK/m);
    for (const command of commands) {
      const tag = command.split(' ')[0]!;
      socket.write(`${command}\r\n`);
      await waitFor(new RegExp(`^${tag} (OK|NO|BAD)`, 'm'));
    }
    return received;
  } finally {
    socket.destroy();
  }
}
