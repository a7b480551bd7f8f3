import net from 'node:net';
import { mail, servers } from '../../playwright.config';

/**
 * nginx's side of the auth_http protocol, byte for byte: an HTTP/1.0 GET with raw header bytes (Playwright's
 * request API and fetch would re-encode them), answered until the server closes the connection.
 */

export interface AuthHttpAnswer {
  status: number;
  /** Lower-case names; values as latin1 text (one character per byte), like nginx reads them. */
  headers: Record<string, string>;
}

/** The escaping nginx applies to Auth-User and Auth-Pass: %XX for bytes 0x00-0x20 and "%", raw bytes otherwise. */
export function nginxEscape(text: string): Buffer {
  const out: number[] = [];
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte <= 0x20 || byte === 0x25) out.push(...Buffer.from(`%${byte.toString(16).toUpperCase().padStart(2, '0')}`, 'latin1'));
    else out.push(byte);
  }
  return Buffer.from(out);
}

/** The headers nginx sends for a LOGIN from `clientIp`, with the shared secret. */
export function nginxHeaders(user: string, password: string, clientIp: string, extra: Record<string, string | Buffer> = {}): Record<string, string | Buffer> {
  return {
    'Auth-Method': 'plain',
    'Auth-User': nginxEscape(user),
    'Auth-Pass': nginxEscape(password),
    'Auth-Protocol': 'imap',
    'Auth-Login-Attempt': '1',
    'Client-IP': clientIp,
    'X-Mail-Auth-Secret': mail.secret,
    ...extra,
  };
}

/** Sends one auth_http request to a test server (the proxied one, which has MAIL_AUTH_SECRET, by default). */
export function authHttp(headers: Record<string, string | Buffer | null>, port = servers.proxied.port): Promise<AuthHttpAnswer> {
  const lines: Buffer[] = [Buffer.from('GET /api/mail-auth HTTP/1.0\r\nHost: localhost\r\n', 'latin1')];
  for (const [name, value] of Object.entries(headers)) {
    if (value !== null) lines.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n', 'latin1'));
  }
  lines.push(Buffer.from('\r\n', 'latin1'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.concat(lines)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed });
    });
  });
}

/** Only the auth_http verdict headers, for comparing answers. */
export function verdict(answer: AuthHttpAnswer): Record<string, string> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith('auth-')));
}
