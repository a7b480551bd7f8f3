/**
 * Abuse-resistance ratios (issue 9), against a production server (server.ts over the existing build):
 *  1. API sign-in p99 of a user of account B while account A does the heaviest work it is allowed (password
 *     batches of 20 at its per-minute limit, and 50 concurrent wrong sign-ins for its mailboxes from 50
 *     addresses), divided by the same p99 on an idle server.
 *  2. GET /login p99 during a flood of about 1,000 throttled `auth` calls per second from one address,
 *     divided by idle.
 * Loopback only; every loop is bounded by a count or a deadline.
 * Run: npx next build && npx tsx --conditions=react-server bench/abuse.ts
 */
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { accounts, admins, domains, mailboxes } from '../db/schema';
import { machine, startServer, summarise } from './support/server';

const PORT = Number(process.env.BENCH_PORT ?? 4290);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);

async function rpc(url: string, body: unknown, ip: string, token?: string): Promise<[number, unknown]> {
  const start = performance.now();
  const response = await fetch(`${url}/v1/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...(token ? { 'hpls-auth': token } : {}) },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  return [performance.now() - start, json];
}

const auth = (user: string, pass: string) => ({ jsonrpc: '2.0', method: 'auth', params: { user, pass }, id: 1 });

async function main() {
  const server = await startServer({ port: PORT, env: { BCRYPT_COST: '12', TRUSTED_PROXIES: '127.0.0.1' } });
  try {
    const { db, url } = server;
    const password = 'Bench-Granite-Willow-81';
    const hash = await bcrypt.hash(password, 12);
    const make = (name: string) => {
      const account = db.insert(accounts).values({ name }).returning({ id: accounts.id }).get();
      const domain = db.insert(domains).values({ accountId: account.id, name: `${name}.test` }).returning({ id: domains.id }).get();
      db.insert(admins).values({ accountId: account.id, email: `admin@${name}.test`, passwordHash: hash }).run();
      const boxes = Array.from({ length: 20 }, (_, i) => db.insert(mailboxes).values({ accountId: account.id, domainId: domain.id, email: `user${i}@${name}.test`, passwordHash: hash }).returning({ email: mailboxes.email }).get().email);
      return { boxes, admin: `admin@${name}.test` };
    };
    const a = make('a');
    const b = make('b');

    const signInB = async () => {
      const out: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const [ms, json] = await rpc(url, auth(b.boxes[0]!, password), '192.0.2.10');
        if (!(json as { result?: unknown }).result) throw new Error(`B's sign-in failed: ${JSON.stringify(json)}`);
        out.push(ms);
      }
      return out;
    };
    const idleSignIn = await signInB();

    // Account A at its limits, in parallel with B's sign-ins.
    const [, adminAuth] = await rpc(url, auth(a.admin, password), '192.0.2.20');
    const token = (adminAuth as { result: { session: string } }).result.session;
    let stop = false;
    const batches = (async () => {
      for (let round = 0; round < 1000 && !stop; round++) {
        const batch = Array.from({ length: 20 }, (_, i) => ({ jsonrpc: '2.0', method: 'mail.set', params: { mail: a.boxes[i]!, password: `Harbor-Lantern-${round}-${i}-Quartz`, same_password_allowed: true }, id: i }));
        await rpc(url, batch, '192.0.2.20', token);
      }
    })();
    const guesses = Array.from({ length: 50 }, async (_, i) => {
      for (let n = 0; n < 1000 && !stop; n++) await rpc(url, auth(a.boxes[i % 20]!, `wrong-${n}`), `203.0.113.${i + 1}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busySignIn = await signInB();
    stop = true;
    await Promise.all([batches, ...guesses]);

    const login = async (ms: number) => {
      const out: number[] = [];
      const until = performance.now() + ms;
      while (performance.now() < until) {
        const start = performance.now();
        await (await fetch(`${url}/login`, { headers: { 'x-forwarded-for': '192.0.2.30' } })).arrayBuffer();
        out.push(performance.now() - start);
      }
      return out;
    };
    const idleLogin = await login(10_000);
    // Fill one address's bucket, then flood ~1,000 throttled auth calls per second from it (paced, bounded).
    for (let i = 0; i < 60; i++) await rpc(url, auth(`nobody${i}@a.test`, 'wrong'), '198.51.100.99');
    stop = false;
    let sent = 0;
    const flood = (async () => {
      const deadline = performance.now() + 12_000;
      while (!stop && performance.now() < deadline) {
        const tick = performance.now();
        await Promise.all(Array.from({ length: 100 }, () => rpc(url, auth('victim@a.test', 'wrong'), '198.51.100.99')));
        sent += 100;
        const wait = 100 - (performance.now() - tick);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const floodStart = performance.now();
    const busyLogin = await login(10_000);
    stop = true;
    await flood;
    const rate = sent / ((performance.now() - floodStart + 1000) / 1000);

    const p99 = (ms: number[]) => summarise(ms).p99;
    console.log(`abuse resistance — ${machine()}`);
    console.log(`B sign-in p99: idle ${p99(idleSignIn).toFixed(0)} ms, busy ${p99(busySignIn).toFixed(0)} ms, ratio ${(p99(busySignIn) / p99(idleSignIn)).toFixed(2)} (target ≤ 2)`);
    console.log(`GET /login p99: idle ${p99(idleLogin).toFixed(1)} ms, during ~${rate.toFixed(0)} throttled auth/s ${p99(busyLogin).toFixed(1)} ms, ratio ${(p99(busyLogin) / p99(idleLogin)).toFixed(2)} (target ≤ 2)`);
  } finally {
    server.stop();
  }
}

void main();
