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

function newClient(options: ImapLoginOptions): ImapFlow {
  const secure = { ca: options.certificate, servername: 'localhost' };
  return new ImapFlow({
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
}

/** Logs in, opens INBOX (proving the backend session works) and logs out; a refusal returns nginx's text. */
export async function imapLogin(options: ImapLoginOptions): Promise<ImapLoginResult> {
  const client = newClient(options);
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

/** A mail app that stays connected: logged in, INBOX open, waiting in IDLE. */
export interface IdlingClient {
  /** Resolves with the time (ms since the epoch) the connection closed, whoever closed it. */
  closed: Promise<number>;
  isOpen(): boolean;
  /** Whether the connection still serves a command (NOOP), i.e. the backend did not end it. */
  stillServes(): Promise<boolean>;
  /** Logs out (if still open). */
  close(): Promise<void>;
}

/** Logs in and idles, like a mail app left open; throws if the login is refused. */
export async function imapIdle(options: ImapLoginOptions): Promise<IdlingClient> {
  const client = newClient(options);
  client.on('error', () => undefined);
  let open = true;
  const closed = new Promise<number>((resolve) =>
    client.once('close', () => {
      open = false;
      resolve(Date.now());
    }),
  );
  await client.connect();
  await client.mailboxOpen('INBOX');
  // IDLE until the server ends it (a kick) or a command interrupts it; its promise settles then.
  client.idle().catch(() => undefined);
  return {
    closed,
    isOpen: () => open && client.usable,
    stillServes: async () => {
      if (!open) return false;
      try {
        await client.noop();
        return open && client.usable;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (open) await client.logout().catch(() => undefined);
    },
  };
}
