/**
 * The production entry point. It is the only code that looks at the TCP connection: it decides the client
 * address (lib/net/client-address.ts), deletes every client-supplied forwarding or internal header, and
 * hands Next.js the decision in headers no client can set. `next start` keeps a client-sent
 * X-Forwarded-For, so it must not be used to serve Portcullis.
 */
// lib/env goes first: it sizes libuv's thread pool, which must happen before anything uses the pool.
import { authSecretFile, env } from './lib/env';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import next from 'next';
import { migrateDatabase, openDatabase } from './db/migrate';
import { compileAllowlist, parseAddress } from './lib/net/allowlist';
import { decideConnection } from './lib/net/client-address';
import { keepConnectionUsable } from './lib/net/unread-body';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER, STRIPPED_HEADER } from './lib/net/internal-headers';

const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');

function fail(message: string): never {
  console.error(`portcullis: ${message}`);
  process.exit(1);
}

function ensureAuthSecret(): void {
  if (env().AUTH_SECRET) return;
  const file = authSecretFile();
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
  console.log(`portcullis: AUTH_SECRET is not set; generated one into ${file} (keep it: it signs every session)`);
}

function prepareDatabase(): void {
  const { db, sqlite } = openDatabase(env().DATABASE_PATH);
  migrateDatabase(db);
  const { n } = sqlite.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
  sqlite.close();
  if (n === 0 && !args.has('--no-demo')) {
    // The CLI owns the demo data (it runs the domain service under the react-server condition).
    const result = spawnSync('npx', ['tsx', '--conditions=react-server', 'lib/cli/main.ts', 'demo'], { stdio: 'inherit' });
    if (result.status !== 0) fail('creating the demo data failed');
  }
}

function buildIfNeeded(): void {
  if (dev || !args.has('--build-if-needed') || fs.existsSync(path.join('.next', 'BUILD_ID'))) return;
  console.log('portcullis: no production build found; running next build (this takes a few minutes)');
  const result = spawnSync('npx', ['next', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) fail('next build failed');
}

/** Removes every header a client could use to impersonate an address, a proxy or Next's internals. */
function sanitize(req: IncomingMessage, address: string | null, proto: 'http' | 'https', gateToken: string): void {
  for (const name of Object.keys(req.headers)) {
    if (STRIPPED_HEADER.test(name)) delete req.headers[name];
  }
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!STRIPPED_HEADER.test(req.rawHeaders[i]!)) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers[CLIENT_ADDRESS_HEADER] = `${gateToken} ${address ?? '-'}`;
  req.headers[CLIENT_PROTO_HEADER] = proto;
}

/**
 * A request that Next.js makes to itself carries the internal headers with this process's secret token
 * (random, never sent to clients) and comes over loopback; anything else is a client and is decided anew.
 */
function isReentrant(req: IncomingMessage, peer: string | undefined, gateToken: string): boolean {
  const inherited = req.headers[CLIENT_ADDRESS_HEADER];
  if (typeof inherited !== 'string' || !inherited.startsWith(`${gateToken} `)) return false;
  const address = parseAddress(peer);
  return address !== null && (address.text === '::1' || address.text.startsWith('127.'));
}

async function main(): Promise<void> {
  let config;
  try {
    config = env();
  } catch (error) {
    fail((error as Error).message);
  }
  ensureAuthSecret();
  prepareDatabase();
  buildIfNeeded();

  const gateToken = crypto.randomBytes(24).toString('base64url');
  // Read back through lib/env by the app; set before Next loads so every bundle sees it.
  process.env.PORTCULLIS_GATE_TOKEN = gateToken;
  const trusted = config.TRUSTED_PROXIES.length > 0 ? compileAllowlist(config.TRUSTED_PROXIES) : null;

  const app = next({ dev, hostname: config.HOST, port: config.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    keepConnectionUsable(req, res);
    const peer = req.socket.remoteAddress;
    if (isReentrant(req, peer, gateToken)) {
      // Next.js renders a server action's redirect target by fetching it from this same server, passing on
      // the original request's headers: keep the decision made for the real client.
      void handle(req, res);
      return;
    }
    const { address, https } = decideConnection({
      peer,
      encrypted: Boolean((req.socket as TLSSocket).encrypted),
      forwardedFor: req.headers['x-forwarded-for'],
      forwardedProto: req.headers['x-forwarded-proto'],
      trustedProxies: trusted,
    });
    sanitize(req, address, https ? 'https' : 'http', gateToken);
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(config.PORT, config.HOST, () => {
    const shown = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    console.log(`portcullis: listening on http://${shown}:${config.PORT}${dev ? ' (development)' : ''}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
