/*
 * Admin mailbox page with 1,000 labelled entries (with expiry) against the page with a 10-entry list, in one
 * run through a production server (needs `npx next build`). Target: ≤ 2× (issue 11). Run:
 *   npx tsx --conditions=react-server bench/admin-mailbox-page.ts [--port 8250]
 * RUNS (40): rounds after 5 warm-up rounds; each round fetches every page once, interleaved.
 * BENCH_BEFORE=dir: a second checkout with its own build (e.g. `git archive` of an earlier commit, with
 *   node_modules linked and `npx next build` run there), served on the next port and measured in the same
 *   rounds, so that a change is compared before/after under the same machine load.
 * BENCH_DUMP=dir keeps each page's HTML; BENCH_PROFILE=dir runs the server under --cpu-prof.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { accounts, admins, domains, mailboxes, webSessions } from '../db/schema';
import { machine, startServer, summarise, type BenchServer } from './support/server';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 8250) || 8250;
const RUNS = Number(process.env.RUNS ?? 40);
const WARMUP = 5;
const SIZES = [['10 entries', 10], ['1,000 entries', 1000]] as const;

function list(n: number): { canonical: string; meta: Record<string, { label: string; expiresAt: number }> } {
  const nets = new Set<string>();
  while (nets.size < n) nets.add(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
  const expiresAt = Date.now() + 30 * 86_400_000;
  const meta = Object.fromEntries([...nets].map((net, i) => [net, { label: `Branch ${i}: a label of a realistic length`, expiresAt: expiresAt + i * 60_000 }]));
  return { canonical: [...nets].join(','), meta };
}

/** One admin and the two mailboxes in the server's database; the page URLs and the admin's session cookie. */
async function seed(server: BenchServer, lists: Record<string, ReturnType<typeof list>>): Promise<{ pages: Record<string, string>; cookie: string }> {
  process.env.AUTH_SECRET = server.secret;
  const { encodeSession } = await import('../lib/session/token');
  const { hashSessionId } = await import('../lib/session/row');
  const db = server.db;
  const account = db.insert(accounts).values({ name: 'Bench' }).returning({ id: accounts.id }).get();
  const domain = db.insert(domains).values({ accountId: account.id, name: 'bench.example' }).returning({ id: domains.id }).get();
  const admin = db.insert(admins).values({ accountId: account.id, email: 'admin@bench.example', passwordHash: 'x' }).returning({ id: admins.id }).get();
  const pages: Record<string, string> = {};
  for (const [name, n] of SIZES) {
    const l = lists[name]!;
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
  return { pages, cookie: `next-auth.admin-session-token=${await encodeSession({ kind: 'admin', sid })}` };
}

async function main() {
  const before = process.env.BENCH_BEFORE;
  const lists = Object.fromEntries(SIZES.map(([name, n]) => [name, list(n)]));
  const builds: { label: string; server: BenchServer }[] = [];
  try {
    builds.push({ label: before ? 'after' : '', server: await startServer({ port, env: { BCRYPT_COST: '4' }, profileDir: process.env.BENCH_PROFILE }) });
    if (before) builds.push({ label: 'before', server: await startServer({ port: port + 1, env: { BCRYPT_COST: '4' }, cwd: path.resolve(before) }) });
    // Both servers share the secret, so one cookie works for both databases' identical rows.
    const targets: { key: string; url: string; cookie: string }[] = [];
    for (const { label, server } of builds) {
      const { pages, cookie } = await seed(server, lists);
      for (const [name, url] of Object.entries(pages)) targets.push({ key: label ? `${label}: ${name}` : name, url, cookie });
    }
    const times: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.key, []]));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const { key, url, cookie } of targets) {
        const start = performance.now();
        const response = await fetch(url, { headers: { cookie, 'X-Forwarded-For': '198.51.100.1' }, redirect: 'manual' });
        const body = await response.text();
        if (response.status !== 200 || !body.includes('Entries: labels and expiry')) throw new Error(`${key}: ${response.status}`);
        if (i >= WARMUP) times[key]!.push(performance.now() - start);
        if (i === 0) {
          console.error(`${key}: ${body.length} bytes of HTML`);
          if (process.env.BENCH_DUMP) fs.writeFileSync(path.join(process.env.BENCH_DUMP, `${key.replace(/\W+/g, '-')}.html`), body);
        }
      }
    }
    console.log(`admin mailbox page (GET, full render), ${RUNS} rounds — ${machine()}`);
    const medians: Record<string, number> = {};
    for (const [key, ms] of Object.entries(times)) {
      const s = summarise(ms);
      medians[key] = s.p50;
      console.log(`${key.padEnd(22)} median ${s.p50.toFixed(1)} ms  p90 ${s.p90.toFixed(1)} ms  (n=${s.n})`);
    }
    for (const { label } of builds) {
      const p = label ? `${label}: ` : '';
      console.log(`${label ? `${label} ` : ''}ratio 1,000/10: ${(medians[`${p}1,000 entries`]! / medians[`${p}10 entries`]!).toFixed(2)}× (target ≤ 2×)`);
    }
  } finally {
    await Promise.all(builds.map(({ server }) => server.stop()));
  }
}

void main();
