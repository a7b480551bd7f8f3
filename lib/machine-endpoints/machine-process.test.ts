import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditEvents, signInSummaries } from '@/db/schema';
import { MAILBOX_PASSWORD, makeAccount, makeMailbox } from '@/lib/testing/factories';

/*
 * machine-server.ts (MACHINE_PORT) as server.ts runs it: forked with tsx and an IPC channel, on this file's
 * database (the child inherits DATABASE_PATH or DATABASE_URL; the factories below have migrated it).
 */

const SECRET = 'unit-machine-process-secret-0123456789';
// tsx keeps its cache in TMPDIR, and the module logs go there: a folder of this file's own, removed with it.
const childTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-machine-'));

interface Machine {
  child: ChildProcess;
  port: number;
  moduleLog: string;
  exited: Promise<number | null>;
  /** Its stdout so far: the JSON log lines. */
  stdout(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startMachine(name: string, env: Record<string, string>): Promise<Machine> {
  const port = await freePort();
  const moduleLog = path.join(childTmp, `${name}-modules.json`);
  const child = fork('machine-server.ts', [], {
    execArgv: ['--import', 'tsx', '--import', path.resolve('lib/machine-endpoints/module-log.fixture.mjs')],
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', MACHINE_PORT: String(port), MAIL_AUTH_SECRET: SECRET, IMAP_BACKEND: '127.0.0.1:143', TMPDIR: childTmp, PORTCULLIS_MODULE_LOG: moduleLog, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message: { kind: string }) => (message.kind === 'listening' ? resolve() : reject(new Error(`unexpected ${JSON.stringify(message)}`))));
    void exited.then((code) => reject(new Error(`the machine process exited (${code}): ${stderr}`)));
  });
  return { child, port, moduleLog, exited, stdout: () => stdout };
}

function call(port: number, method: string, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: pathname, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** nginx's auth_http headers for an IMAP LOGIN. */
const login = (email: string, password: string, clientIp: string, secret = SECRET) => ({
  'Auth-Method': 'plain',
  'Auth-User': email,
  'Auth-Pass': password,
  'Auth-Protocol': 'imap',
  'Auth-Login-Attempt': '1',
  'Client-IP': clientIp,
  'X-Mail-Auth-Secret': secret,
});

let trusting: Machine;
let untrusting: Machine;
let email = '';

beforeAll(async () => {
  const { domain } = await makeAccount();
  ({ email } = await makeMailbox(domain));
  // One trusts 127.0.0.1 as a reverse proxy, the other trusts none: the two configurations of server.ts.
  [trusting, untrusting] = await Promise.all([
    startMachine('trusting', { TRUSTED_PROXIES: '127.0.0.1', METRICS_ALLOW: '198.51.100.7' }),
    startMachine('untrusting', { TRUSTED_PROXIES: '', METRICS_ALLOW: '198.51.100.7' }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const machine of [trusting, untrusting]) {
    if (machine?.child.exitCode === null) {
      machine.child.kill('SIGKILL');
      await machine.exited;
    }
  }
  fs.rmSync(childTmp, { recursive: true, force: true });
});

describe('the machine process (machine-server.ts)', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await call(trusting.port, 'GET', '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await call(trusting.port, 'GET', '/readyz')).toMatchObject({ status: 200, body: 'ready\n' });
  });

  it('answers auth_http: a correct login is OK and audited, a wrong password is refused, no shared secret is 403', async () => {
    const ok = await call(trusting.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.5'));
    expect(ok.status).toBe(200);
    expect(ok.headers['auth-status']).toBe('OK');
    const rows = await getDb().select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.event, 'login_succeeded'), eq(auditEvents.clientIp, '203.0.113.5')));
    expect(rows).toHaveLength(1);
    const wrong = await call(trusting.port, 'GET', '/api/mail-auth', login(email, 'Not-The-Password-1234', '203.0.113.5'));
    expect(wrong.headers['auth-status']).toBe('Invalid login or password');
    expect((await call(trusting.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.5', 'wrong-secret-wrong-secret-0123'))).status).toBe(403);
  });

  it('serves neither pages nor JSON-RPC: those stay on the web server', async () => {
    expect((await call(trusting.port, 'GET', '/login')).status).toBe(404);
    expect((await call(trusting.port, 'POST', '/v1')).status).toBe(404);
    expect((await call(trusting.port, 'GET', '/')).status).toBe(404);
  });

  it('decides the client address by TRUSTED_PROXIES: X-Forwarded-For counts only from a trusted proxy (METRICS_ALLOW sees it)', async () => {
    const forwarded = { 'X-Forwarded-For': '198.51.100.7' };
    expect((await call(trusting.port, 'GET', '/metrics', forwarded)).status).toBe(200);
    expect((await call(trusting.port, 'GET', '/metrics', { 'X-Forwarded-For': '203.0.113.9' })).status).toBe(404);
    expect((await call(trusting.port, 'GET', '/metrics')).status).toBe(404);
    // No trusted proxies: the same header from the same peer is the client's own claim and is ignored.
    expect((await call(untrusting.port, 'GET', '/metrics', forwarded)).status).toBe(404);
  });

  it('loads no Next.js, and at SIGTERM drains, writes the counts of warm logins it holds and exits 0', async () => {
    // A repeat success from the same address is counted in memory (spec §19), not written at once.
    expect((await call(trusting.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.6'))).headers['auth-status']).toBe('OK');
    expect((await call(trusting.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.6'))).headers['auth-status']).toBe('OK');
    trusting.child.kill('SIGTERM');
    expect(await trusting.exited).toBe(0);
    const [summary] = await getDb().select({ count: signInSummaries.count }).from(signInSummaries).where(eq(signInSummaries.clientIp, '203.0.113.6'));
    expect(summary?.count).toBe(2);

    const packages = JSON.parse(fs.readFileSync(trusting.moduleLog, 'utf8')) as string[];
    // The record is real: the app's own data layer was asked for.
    expect(packages).toEqual(expect.arrayContaining(['drizzle-orm', 'zod']));
    expect(packages.filter((name) => /^(?:next|next-auth|next-intl|react|react-dom|@next\/.*)$/.test(name))).toEqual([]);
  });

  it('leaves a repeat success the summaries count out of the request log; a first success and a failure each have their line', async () => {
    // LOG_LEVEL info (the tests' default is silent), so that the request log can be read.
    const logging = await startMachine('logging', { TRUSTED_PROXIES: '', LOG_LEVEL: 'info' });
    const first = await call(logging.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.7'));
    expect(first.headers['auth-status']).toBe('OK');
    const repeat = await call(logging.port, 'GET', '/api/mail-auth', login(email, MAILBOX_PASSWORD, '203.0.113.7'));
    expect(repeat.headers['auth-status']).toBe('OK');
    const wrong = await call(logging.port, 'GET', '/api/mail-auth', login(email, 'Not-The-Password-1234', '203.0.113.7'));
    expect(wrong.headers['auth-status']).toBe('Invalid login or password');
    logging.child.kill('SIGTERM');
    expect(await logging.exited).toBe(0);
    // Written at exit at the latest (lib/log.ts buffers lines).
    const logged = new Set(
      logging
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { kind?: string; requestId?: string })
        .filter((line) => line.kind === 'request')
        .map((line) => line.requestId),
    );
    expect(logged.has(first.headers['x-request-id'] as string)).toBe(true);
    expect(logged.has(wrong.headers['x-request-id'] as string)).toBe(true);
    expect(logged.has(repeat.headers['x-request-id'] as string)).toBe(false);
  });

  it('ends itself, cleanly, when its parent (server.ts) goes away without a signal', async () => {
    untrusting.child.disconnect();
    expect(await untrusting.exited).toBe(0);
  });
});
