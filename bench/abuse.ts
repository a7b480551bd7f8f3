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
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { accounts, admins, domains, mailboxes } from '../db/schema';
import { machine, startServer, summarise } from './support/server';

const PORT = Number(process.env.BENCH_PORT ?? 4290);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
/** The flood runs 1 s before and during the 10 s of busy GET /login samples. */
const FLOOD_SECONDS = 12;
/** Rounds of (idle, flooded) GET /login samples. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** BENCH_ONLY=flood skips the first ratio (account B's sign-ins under account A's load). */
const ONLY_FLOOD = process.env.BENCH_ONLY === 'flood';

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
    let idleSignIn: number[] = [];
    let busySignIn: number[] = [];
    if (!ONLY_FLOOD) {
      idleSignIn = await signInB();

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
      busySignIn = await signInB();
      stop = true;
      await Promise.all([batches, ...guesses]);
    }

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
    // Fill one address's bucket, then, in each round, GET /login idle and during a flood of ~1,000 throttled
    // auth calls per second from that address (paced, bounded), sent from another process: the flood's own
    // event loop must not delay this client's measurements. The ratio is the median of the rounds'.
    for (let i = 0; i < 60; i++) await rpc(url, auth(`nobody${i}@a.test`, 'wrong'), '198.51.100.99');
    const rounds: { idle: number; busy: number; rate: number; statuses: Record<string, number> }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const idleLogin = await login(10_000);
      const flooder = spawn(process.execPath, ['bench/support/flood.mjs', url, '198.51.100.99', String(FLOOD_SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let floodOutput = '';
      flooder.stdout.on('data', (d: Buffer) => (floodOutput += d.toString()));
      const flooded = new Promise<void>((resolve) => flooder.once('exit', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const busyLogin = await login(10_000);
      await flooded;
      const flood = JSON.parse(floodOutput) as { sent: number; seconds: number; statuses: Record<string, number> };
      rounds.push({ idle: summarise(idleLogin).p99, busy: summarise(busyLogin).p99, rate: flood.sent / flood.seconds, statuses: flood.statuses });
      console.error(`round ${round + 1}: GET /login p99 idle ${rounds.at(-1)!.idle.toFixed(1)} ms, flooded ${rounds.at(-1)!.busy.toFixed(1)} ms at ${rounds.at(-1)!.rate.toFixed(0)} auth/s`);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

    const p99 = (ms: number[]) => summarise(ms).p99;
    console.log(`abuse resistance — ${machine()}`);
    if (idleSignIn.length) console.log(`B sign-in p99: idle ${p99(idleSignIn).toFixed(0)} ms, busy ${p99(busySignIn).toFixed(0)} ms, ratio ${(p99(busySignIn) / p99(idleSignIn)).toFixed(2)} (target ≤ 2)`);
    for (const [i, r] of rounds.entries()) {
      console.log(`GET /login p99, round ${i + 1}: idle ${r.idle.toFixed(1)} ms, during ${r.rate.toFixed(0)} throttled auth/s ${r.busy.toFixed(1)} ms, ratio ${(r.busy / r.idle).toFixed(2)}; flood answers ${JSON.stringify(r.statuses)}`);
    }
    console.log(`GET /login p99 ratio, median of ${rounds.length} rounds: ${median(rounds.map((r) => r.busy / r.idle)).toFixed(2)} (target ≤ 2), flood rate median ${median(rounds.map((r) => r.rate)).toFixed(0)}/s`);
  } finally {
    await server.stop();
  }
}

void main();
