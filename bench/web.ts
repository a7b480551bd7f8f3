/**
 * Web latency against a production server (server.ts over the existing build):
 *  1. GET /mail p50/p99 with 10 concurrent signed-in clients, mailbox with a 1,000-entry list.
 *  2. GET /login p50/p99 while 20 sign-ins (bcrypt cost 12) are continuously in flight.
 * Run: npx next build && npx tsx --conditions=react-server bench/web.ts
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { accounts, domains, mailboxes, messages } from '../db/schema';
import { machine, startServer, summarise } from './support/server';

const PORT = Number(process.env.BENCH_PORT ?? 3291);

function randomList(size: number, include: string): string {
  const seen = new Set<string>([include]);
  while (seen.size < size) seen.add(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
  return [...seen].join(',');
}

async function timed(url: string, init?: RequestInit): Promise<[number, Response]> {
  const start = performance.now();
  const response = await fetch(url, { redirect: 'manual', ...init });
  await response.arrayBuffer();
  return [performance.now() - start, response];
}

/** The hidden fields React renders into the no-JavaScript sign-in form. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)) {
    fields[m[1]!] = (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return fields;
}

async function main() {
  const server = await startServer({ port: PORT, env: { BCRYPT_COST: '12' } });
  try {
    const { db } = server;
    const account = db.insert(accounts).values({ name: 'bench' }).returning({ id: accounts.id }).get();
    const domain = db.insert(domains).values({ accountId: account.id, name: 'bench.test' }).returning({ id: domains.id }).get();
    const password = 'Bench-Granite-Willow-81';
    const hash = await bcrypt.hash(password, 12);
    const users = Array.from({ length: 20 }, (_, i) =>
      db.insert(mailboxes).values({ accountId: account.id, domainId: domain.id, email: `user${i}@bench.test`, passwordHash: hash, allowNets: randomList(1000, '127.0.0.1') }).returning({ id: mailboxes.id, email: mailboxes.email }).get(),
    );
    for (const u of users) for (let i = 0; i < 20; i++) db.insert(messages).values({ mailboxId: u.id, fromAddress: 'a@b.test', subject: `Message ${i}`, body: 'x', receivedAt: new Date() }).run();

    const loginHtml = await (await fetch(`${server.url}/login`)).text();
    const fields = formFields(loginHtml);
    const signIn = async (email: string) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      body.append('email', email);
      body.append('password', password);
      const [ms, response] = await timed(`${server.url}/login`, { method: 'POST', body, headers: { Origin: server.url } });
      if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
      return { ms, cookie: response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
    };

    // 1. /mail with 10 concurrent signed-in clients.
    const sessions = await Promise.all(users.slice(0, 10).map((u) => signIn(u.email)));
    for (const s of sessions) for (let i = 0; i < 20; i++) await timed(`${server.url}/mail`, { headers: { cookie: s.cookie } });
    const mail: number[] = [];
    const started = performance.now();
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < 200; i++) {
          const [ms, response] = await timed(`${server.url}/mail`, { headers: { cookie: s.cookie } });
          if (response.status !== 200) throw new Error(`/mail answered ${response.status}`);
          mail.push(ms);
        }
      }),
    );
    const mailSeconds = (performance.now() - started) / 1000;

    // 2. GET /login while 20 sign-ins at bcrypt cost 12 are in flight all the time.
    let stop = false;
    const signIns: number[] = [];
    const load = users.map(async (u) => {
      while (!stop) signIns.push((await signIn(u.email)).ms);
    });
    await new Promise((r) => setTimeout(r, 2000));
    const login: number[] = [];
    const until = performance.now() + 20_000;
    while (performance.now() < until) login.push((await timed(`${server.url}/login`))[0]);
    stop = true;
    await Promise.all(load);

    const fmt = (s: ReturnType<typeof summarise>) => `p50 ${s.p50.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;
    console.log(`web latency — ${machine()}`);
    console.log(`GET /mail, 10 concurrent clients, 1,000-entry list: ${fmt(summarise(mail))}; ${(mail.length / mailSeconds).toFixed(0)} req/s`);
    console.log(`GET /login while 20 sign-ins (bcrypt 12) are in flight: ${fmt(summarise(login))}`);
    console.log(`the sign-ins themselves: ${fmt(summarise(signIns))}`);
  } finally {
    await server.stop();
  }
}

void main();
