/*
 * JSON-RPC batch benchmark (issue 5's target: one batch of 1,000 `mail.set` calls changing `allow_nets`
 * in at most 2 s end to end).
 *
 *   npx next build            # once: the benchmark serves the production build
 *   npx tsx bench/rpc-batch.ts [--runs 7] [--calls 1000] [--entries 3]
 *
 * It starts its own production server (`npx tsx server.ts --no-demo`, as `npm start` does) on a free port
 * with a fresh temporary database, seeds one account with an admin and 1,000 mailboxes straight into the
 * database, signs in with `auth`, sends one untimed warm-up batch and then `--runs` timed batches. Every
 * call of every batch really changes its mailbox's list (a different list per run), so each one is a
 * full update: validation, scope check, transaction, audit row. Timing is client-side, from sending the
 * request to having parsed the whole response. It prints min / median / max and checks the database
 * afterwards. BCRYPT_COST stays at the production default (12): bcrypt is only paid once, by `auth`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { accounts, admins, domains, mailboxes } from '../db/schema';
import { parseAllowNets } from '../lib/net/allowlist';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const RUNS = option('runs', 7);
const CALLS = option('calls', 1000);
const ENTRIES = option('entries', 3);
const DOMAIN = 'bench.test';
const ADMIN = { email: 'admin@bench.test', password: 'Bench-Marker-Granite-42' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function seed(file: string): string[] {
  const { db, sqlite } = openDatabase(file);
  migrateDatabase(db);
  const emails = Array.from({ length: CALLS }, (_, i) => `user${String(i).padStart(4, '0')}@${DOMAIN}`);
  db.transaction((tx) => {
    const account = tx.insert(accounts).values({ name: 'Bench' }).returning({ id: accounts.id }).get();
    const domain = tx.insert(domains).values({ accountId: account.id, name: DOMAIN }).returning({ id: domains.id }).get();
    tx.insert(admins).values({ accountId: account.id, email: ADMIN.email, passwordHash: bcrypt.hashSync(ADMIN.password, 12) }).run();
    // The mailboxes' own passwords play no part here; one hash for all keeps seeding quick.
    const hash = bcrypt.hashSync(crypto.randomBytes(12).toString('hex'), 4);
    tx.insert(mailboxes).values(emails.map((email) => ({ accountId: account.id, domainId: domain.id, email, passwordHash: hash }))).run();
  });
  sqlite.close();
  return emails;
}

/** A different valid list per (run, mailbox): IPv4 hosts, an IPv4 network and an IPv6 network. */
function listFor(run: number, i: number): string {
  const entries = [`198.51.${run % 256}.${i % 256}`, `10.${run % 256}.${i >> 8}.0/24`, `2001:db8:${run.toString(16)}:${i.toString(16)}::/64`];
  for (let k = entries.length; k < ENTRIES; k++) entries.push(`203.0.${k % 256}.${(i + run) % 256}`);
  return entries.slice(0, ENTRIES).join(', ');
}

function canonical(list: string): string | null {
  const parsed = parseAllowNets(list);
  if (!parsed.ok) throw new Error(`the benchmark built an invalid list: ${list}`);
  return parsed.canonical;
}

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; json: unknown; bytes: number }> {
  const text = JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'HPLS-AUTH': token } : {}) },
    body: text,
  });
  return { status: response.status, json: await response.json(), bytes: Buffer.byteLength(text) };
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const { json } = await post(url, { jsonrpc: '2.0', method: 'hello.world', id: 0 });
      if ((json as { result?: string }).result === 'Hello World!') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not answer within 120 s');
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run `npx next build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const file = path.join(dir, 'bench.db');
  const emails = seed(file);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/v1/`;
  // Its own process group, so that stopping it also stops the node process tsx starts.
  const child = spawn('npx', ['tsx', 'server.ts', '--no-demo'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: file, AUTH_SECRET: crypto.randomBytes(32).toString('hex'), TRUSTED_PROXIES: '', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  process.on('exit', stop);
  try {
    await waitUntilServing(url, child);
    const auth = await post(url, { jsonrpc: '2.0', method: 'auth', params: { user: ADMIN.email, pass: ADMIN.password }, id: 1 });
    const token = (auth.json as { result?: { session: string } }).result?.session;
    if (!token) throw new Error(`auth failed: ${JSON.stringify(auth.json)}`);

    const batchFor = (run: number) => emails.map((mail, i) => ({ jsonrpc: '2.0', method: 'mail.set', params: { mail, allow_nets: listFor(run, i) }, id: i }));
    const times: number[] = [];
    let bytes = 0;
    for (let run = 0; run <= RUNS; run++) {
      const batch = batchFor(run);
      const started = performance.now();
      const response = await post(url, batch, token);
      const elapsed = performance.now() - started;
      const answers = response.json as { result?: unknown; error?: unknown }[];
      const failed = Array.isArray(answers) ? answers.filter((a) => a.result !== true) : [];
      if (response.status !== 200 || !Array.isArray(answers) || answers.length !== CALLS || failed.length > 0) {
        throw new Error(`run ${run}: HTTP ${response.status}, ${failed.length} failed calls, e.g. ${JSON.stringify(failed[0] ?? response.json).slice(0, 300)}`);
      }
      bytes = response.bytes;
      if (run === 0) continue; // warm-up: first use of the route bundle and the database pages
      times.push(elapsed);
      process.stderr.write(`run ${run}: ${elapsed.toFixed(0)} ms\n`);
    }

    const { db, sqlite } = openDatabase(file);
    const stored = db.select({ email: mailboxes.email, allowNets: mailboxes.allowNets }).from(mailboxes).all();
    const expected = new Map(emails.map((email, i) => [email, canonical(listFor(RUNS, i))]));
    const wrong = stored.filter((row) => row.allowNets !== expected.get(row.email));
    sqlite.close();
    if (wrong.length > 0) throw new Error(`${wrong.length} mailboxes do not hold the last batch's list, e.g. ${JSON.stringify(wrong[0])}`);

    const { min, median, max } = stats(times);
    const cpu = os.cpus();
    console.log(`JSON-RPC batch of ${CALLS.toLocaleString('en-US')} mail.set calls changing allow_nets (${ENTRIES} entries each, ${(bytes / 1024).toFixed(0)} KiB request)`);
    // Other work on the machine shows in the figures; the load average says how much there was.
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
    console.log(`machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load} at the end`);
    console.log(`runs: ${RUNS} (after one warm-up)   min ${min.toFixed(0)} ms   median ${median.toFixed(0)} ms   max ${max.toFixed(0)} ms   (${((median / CALLS) * 1000).toFixed(0)} µs per call)`);
    console.log(`target ≤ 2,000 ms: ${max <= 2000 ? 'met by every run' : median <= 2000 ? 'met by the median' : 'MISSED'}`);
    console.log('database check: every mailbox holds the last batch\'s canonical list');
  } finally {
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench/rpc-batch: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
