import net from 'node:net';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';

/**
 * A real IMAP client (imapflow) logging in through the test nginx. imapflow has no source-address option;
 * its `transport` hook opens the socket from the loopback address that plays the client's network.
 */

export type ImapLoginResult = { ok: true; exists: number } | { ok: false; response: string };

export interface ImapLoginOptions {
  port: number;
  /** Source address, e.g. 127.0.0.2 (127.0.0.1 is the proxy's own address, trusted by Dovecot). */
  from: string;
  user: string;
  password: string;
  /** The certificate nginx presents; it is verified like a mail client would. */
  certificate: string;
  /** IMAPS instead of STARTTLS. */
  implicitTls?: boolean;
}

/** Logs in, opens INBOX (proving the backend session works) and logs out; a refusal returns nginx's text. */
export async function imapLogin(options: ImapLoginOptions): Promise<ImapLoginResult> {
  const secure = { ca: options.certificate, servername: 'localhost' };
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: options.port,
    secure: options.implicitTls ?? false,
    auth: { user: options.user, pass: options.password },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    transport: {
      connect: (o, onConnect) => {
        const socket = net.connect({ host: o.host, port: o.port, localAddress: options.from }, o.secure ? undefined : onConnect);
        return o.secure ? tls.connect({ socket, ...secure }, onConnect) : socket;
      },
      upgrade: (socket, _o, onSecure) => tls.connect({ socket: socket as net.Socket, ...secure }, onSecure),
    },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const e = error as Error & { responseText?: string; response?: string };
    return { ok: false, response: e.responseText ?? e.response ?? e.message };
  }
  try {
    const inbox = await client.mailboxOpen('INBOX');
    return { ok: true, exists: inbox.exists };
  } finally {
    await client.logout().catch(() => undefined);
  }
}
