import net from 'node:net';

/** One message the sink accepted. */
export interface SunkMail {
  from: string;
  to: string[];
  data: string;
}

/**
 * A minimal SMTP server on loopback for tests (RFC 5321's plain dialogue: EHLO/HELO, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT; no TLS, no AUTH), collecting the messages it is sent.
 */
/** The address between the first < and the next > of a command line. */
function between(line: string): string {
  const start = line.indexOf('<');
  const end = line.indexOf('>', start + 1);
  return start >= 0 && end > start ? line.slice(start + 1, end) : '';
}

export async function startSmtpSink(port = 0, host = '127.0.0.1'): Promise<{ port: number; messages: SunkMail[]; close: () => Promise<void> }> {
  const messages: SunkMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let inData = false;
    let current: SunkMail = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(current);
            current = { from: '', to: [], data: '' };
            reply('250 OK queued');
          } else current.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') reply('250 sink.test');
        else if (verb === 'MAIL') {
          current = { from: between(line), to: [], data: '' };
          reply('250 OK');
        } else if (verb === 'RCPT') {
          current.to.push(between(line));
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 OK');
        else reply('502 Command not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Bytes written as `=XX` (quoted-printable, RFC 2047's Q) back to text. */
const unhex = (text: string) => Buffer.from(text.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

/**
 * A sunk single-part message as its reader sees it: the subject (RFC 2047 encoded words decoded) and the
 * plain-text body (quoted-printable or base64 decoded), so that tests can compare non-ASCII text and
 * sentences that the encoding wrapped.
 */
export function readMail(mail: SunkMail): { subject: string; text: string } {
  const split = mail.data.indexOf('\n\n');
  const head = mail.data.slice(0, split).replace(/\n[ \t]+/g, ' ').split('\n');
  const header = (name: string) => head.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
  const subject = header('subject')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, kind: string, word: string) => (kind.toLowerCase() === 'b' ? Buffer.from(word, 'base64').toString('utf8') : unhex(word.replace(/_/g, ' '))));
  const body = mail.data.slice(split + 2);
  const encoding = header('content-transfer-encoding').toLowerCase();
  const text = encoding === 'quoted-printable' ? unhex(body.replace(/=\n/g, '')) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { subject, text: text.replace(/\n$/, '') };
}
