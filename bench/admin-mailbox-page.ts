/*
 * Admin mailbox page with 1,000 labelled entries (with expiry) against the page with a 10-entry list, in one
 * run through a production server (needs `npx next build`). Target: ≤ 2× (issue 11). Run:
 *   npx tsx --conditions=react-server bench/admin-mailbox-page.ts [--port 8250]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { accounts, admins, domains, mailboxes, webSessions } from '../db/schema';
import { machine, startServer, summarise } from './support/server';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 8250) || 8250;
const RUNS = Number(process.env.RUNS ?? 40);
const WARMUP = 5;

function list(n: number): { canonical: string; meta: Record<string, { label: string; expiresAt: number }> } {
  const nets = new Set<string>();
  while (nets.size < n) nets.add(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
  const expiresAt = Date.now() + 30 * 86_400_000;
  const meta = Object.fromEntries([...nets].map((net, i) => [net, { label: `Branch ${i}: a label of a realistic length`, expiresAt: expiresAt + i * 60_000 }]));
  return { canonical: [...nets].join(','), meta };
}

async function main() {
  const server = await startServer({ port, env: { BCRYPT_COST: '4' } });
  process.env.AUTH_SECRET = server.secret;
  const { encodeSession } = await import('../lib/auth/session');
  const { hashSessionId } = await import('../lib/auth/web-session');
  try {
    const db = server.db;
    const account = db.insert(accounts).values({ name: 'Bench' }).returning({ id: accounts.id }).get();
    const domain = db.insert(domains).values({ accountId: account.id, name: 'bench.example' }).returning({ id: domains.id }).get();
    const admin = db.insert(admins).values({ accountId: account.id, email: 'admin@bench.example', passwordHash: 'x' }).returning({ id: admins.id }).get();
    const pages: Record<string, string> = {};
    for (const [name, n] of [['10 entries', 10], ['1,000 entries', 1000]] as const) {
      const l = list(n);
      const email = `m${n}@bench.example`;
      db.insert(mailboxes).values({ accountId: account.id, domainId: domain.id, email, passwordHash: 'x', allowNets: l.canonical, allowNetsMeta: l.meta }).run();
      pages[name] = `${server.url}/admin/mailboxes/${encodeURIComponent(email)}`;
    }
    // A server-side session row, as a sign-in would create (the gate refuses a cookie without one).
    const sid = crypto.randomBytes(32).toString('base64url');
    const now = Date.now();
    db.insert(webSessions)
      .values({ sidHash: hashSessionId(sid), kind: 'admin', subjectId: admin.id, sessionVersion: 1, startedAt: new Date(now), lastActiveAt: new Date(now), expiresAt: new Date(now + 12 * 3_600_000), startIp: '127.0.0.1', lastIp: '127.0.0.1', userAgent: 'bench' })
      .run();
    const cookie = `next-auth.admin-session-token=${await encodeSession({ kind: 'admin', uid: admin.id, sv: 1, sid })}`;
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(pages).map((k) => [k, []]));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [name, url] of Object.entries(pages)) {
        const start = performance.now();
        const response = await fetch(url, { headers: { cookie, 'X-Forwarded-For': '198.51.100.1' }, redirect: 'manual' });
        const body = await response.text();
        if (response.status !== 200 || !body.includes('Entries: labels and expiry')) throw new Error(`${name}: ${response.status}`);
        if (i >= WARMUP) times[name]!.push(performance.now() - start);
        if (i === 0) {
          console.error(`${name}: ${body.length} bytes of HTML`);
          // BENCH_DUMP=dir keeps each page's HTML, to see what makes it long.
          if (process.env.BENCH_DUMP) fs.writeFileSync(path.join(process.env.BENCH_DUMP, `${name.replace(/\W+/g, '-')}.html`), body);
        }
      }
    }
    console.log(`admin mailbox page (GET, full render) — ${machine()}`);
    const medians: Record<string, number> = {};
    for (const [name, ms] of Object.entries(times)) {
      const s = summarise(ms);
      medians[name] = s.p50;
      console.log(`${name.padEnd(14)} median ${s.p50.toFixed(1)} ms  p90 ${s.p90.toFixed(1)} ms  (n=${s.n})`);
    }
    console.log(`ratio 1,000/10: ${(medians['1,000 entries']! / medians['10 entries']!).toFixed(2)}× (target ≤ 2×)`);
  } finally {
    server.stop();
  }
}

void main();
