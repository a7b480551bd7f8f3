/**
 * The gate's own cost per request with a 1,000-entry list: proxy.ts and the data-access layer each decode the
 * session JWT and run checkMailboxSession (one indexed SELECT joining the mailbox, its account and its
 * web_sessions row, plus the compiled-list match). Three variants run interleaved in one process, so that
 * they see the same machine load:
 *   - "no row": the gate as it was before server-side sessions (the same decode and SELECT without the
 *     session row: the path an API session takes), the baseline of the sessions ratio (target ≤ 1.5×);
 *   - "plain": a web session on a plain 1,000-entry list;
 *   - "sets": a web session on a list of 10 network sets × 100 entries plus 100 labelled entries with
 *     expiry, reported as a ratio to "plain" (target ≤ 1.2×).
 * Run:
 *   DATABASE_PATH=$(mktemp -d)/gate.db AUTH_SECRET=bench-secret-bench-secret-bench-secret-0 \
 *   npx tsx --conditions=react-server bench/gate.ts
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { accounts, domains, mailboxes, netSets } from '../db/schema';
import { getDb } from '../db';
import { checkMailboxSession } from '../lib/auth/gate';
import { decodeSession, encodeSession } from '../lib/auth/session';
import { createWebSession } from '../lib/auth/web-session';
import { parseAllowNets } from '../lib/net/allowlist';
import { machine, summarise } from './support/server';

const entries: string[] = [];
while (entries.length < 999) entries.push(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
entries.push('203.0.113.0/24');
const parsed = parseAllowNets(entries.join(','));
if (!parsed.ok) throw new Error('bad list');
const entryCount = parsed.entries.length;

async function main() {
const db = getDb();
const [account] = (await db.insert(accounts).values({ name: `bench ${Date.now()}` }).returning({ id: accounts.id })) as [{ id: number }];
const [domain] = (await db.insert(domains).values({ accountId: account.id, name: `b${Date.now()}.test` }).returning({ id: domains.id })) as [{ id: number }];
const [mailbox] = (await db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate${Date.now()}@bench.test`, passwordHash: 'x', allowNets: (parsed as { canonical: string }).canonical })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })) as [{ id: number; sv: number }];

// 10 sets × 100 entries, and a list of the 10 references plus 100 labelled entries expiring in a year.
const randomNet = () => `${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`;
const refs: string[] = [];
for (let s = 0; s < 10; s++) {
  const nets = new Set<string>();
  while (nets.size < 100) nets.add(randomNet());
  const setList = parseAllowNets([...nets].join(','));
  if (!setList.ok) throw new Error('bad set');
  await db.insert(netSets).values({ accountId: account.id, name: `set-${s}`, allowNets: setList.canonical! });
  refs.push(`@set-${s}`);
}
const own = new Set<string>(['203.0.113.0/24']);
while (own.size < 100) own.add(randomNet());
const ownList = parseAllowNets([...own].join(','));
if (!ownList.ok) throw new Error('bad list');
const expiresAt = Date.now() + 365 * 86_400_000;
const meta = Object.fromEntries(ownList.entries.map((e, i) => [e.text, { label: `Entry ${i} — a label of a realistic length`, expiresAt: expiresAt + i }]));
const [setsMailbox] = (await db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate-sets${Date.now()}@bench.test`, passwordHash: 'x', allowNets: `${refs.join(',')},${ownList.canonical}`, allowNetsMeta: meta })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })) as [{ id: number; sv: number }];

const tokenFor = async (m: { id: number; sv: number }) => {
  const sid = await createWebSession({ kind: 'mailbox', subjectId: m.id, sessionVersion: m.sv, clientIp: '203.0.113.5', userAgent: 'bench' });
  return encodeSession({ kind: 'mailbox', uid: m.id, sv: m.sv, sid });
};
const token = await tokenFor(mailbox);
const setsToken = await tokenFor(setsMailbox);

const gateOnce = async (which: string, address: string) => {
  // proxy.ts, then the data-access layer: the same two steps each.
  for (let i = 0; i < 2; i++) {
    const claims = (await decodeSession(which.startsWith('sets') ? setsToken : token, 'mailbox'))!;
    const verdict = await checkMailboxSession(which.startsWith('no row') ? { uid: claims.uid, sv: claims.sv, apiSessionId: 0 } : claims, address);
    if (i === 0 && verdict.ok !== address.startsWith('203.0.113.')) throw new Error(`wrong verdict ${JSON.stringify(verdict)}`);
  }
};

const names = ['no row allowed', 'no row refused', 'plain allowed', 'plain refused', 'sets allowed', 'sets refused'];
const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 3000; i++) await gateOnce(names[i % names.length]!, '203.0.113.5');
// Interleaved, so that both lists see the same machine load.
for (let i = 0; i < 60_000; i++) {
  const which = names[i % names.length]!;
  const start = performance.now();
  await gateOnce(which, which.endsWith('allowed') ? '203.0.113.5' : '192.0.2.77');
  runs[which]!.push(performance.now() - start);
}
console.log(`gate cost per request (proxy + DAL): plain ${entryCount}-entry list vs 10 sets × 100 + 100 labelled entries with expiry — ${machine()}`);
const medians: Record<string, number> = {};
for (const [name, ms] of Object.entries(runs)) {
  const s = summarise(ms);
  medians[name] = s.p50;
  console.log(`${name.padEnd(15)} median ${(s.p50 * 1000).toFixed(1)} µs  p90 ${(s.p90 * 1000).toFixed(1)} µs  p99 ${(s.p99 * 1000).toFixed(1)} µs  (n=${s.n})`);
}
const ratio = (a: string, b: string) => (medians[a]! / medians[b]!).toFixed(2);
console.log(`ratio sessions (plain)/no row: allowed ${ratio('plain allowed', 'no row allowed')}×, refused ${ratio('plain refused', 'no row refused')}× (target ≤ 1.5×)`);
console.log(`ratio sets/plain: allowed ${ratio('sets allowed', 'plain allowed')}×, refused ${ratio('sets refused', 'plain refused')}× (target ≤ 1.2×)`);
}

void main();
