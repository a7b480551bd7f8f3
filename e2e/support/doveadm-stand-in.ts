import { createServer, request, type IncomingMessage, type Server } from 'node:http';

/**
 * A small HTTP proxy in front of Dovecot's doveadm HTTP API, for the mail disconnect tests: it counts the
 * kicks it receives per address, and either passes them on to Dovecot or answers 503 itself (a backend that
 * errs), as the test decides.
 */
export interface DoveadmStandIn {
  url: string;
  /** 'pass': forward to Dovecot; 'fail': answer 503 without forwarding. */
  mode: 'pass' | 'fail';
  /** Kick requests received for an address (answered or not). */
  kicks(email: string): number;
  /** Kicks answered 503 for an address. */
  refused(email: string): number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startDoveadmStandIn(port: number, dovecotPort: number): Promise<DoveadmStandIn> {
  const received = new Map<string, number>();
  const failed = new Map<string, number>();
  const state: DoveadmStandIn = {
    url: `http://127.0.0.1:${port}/doveadm/v1`,
    mode: 'pass',
    kicks: (email) => received.get(email) ?? 0,
    refused: (email) => failed.get(email) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    void body(req).then((payload) => {
      let emails: string[] = [];
      try {
        const commands = JSON.parse(payload.toString('utf8')) as [string, { mask?: string[] }, string][];
        emails = commands.filter((c) => c[0] === 'kick').flatMap((c) => c[1].mask ?? []);
      } catch {
        // Not a command list: passed on (or refused) all the same.
      }
      for (const e of emails) received.set(e, (received.get(e) ?? 0) + 1);
      if (state.mode === 'fail') {
        for (const e of emails) failed.set(e, (failed.get(e) ?? 0) + 1);
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('unavailable\n');
        return;
      }
      const upstream = request(
        { host: '127.0.0.1', port: dovecotPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${dovecotPort}` } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(payload);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return state;
}
