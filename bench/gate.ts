/**
 * The gate's own cost per request with a 1,000-entry list: proxy.ts and the data-access layer each decode the
 * session JWT and run checkMailboxSession (one indexed SELECT + the compiled-list match). Issue 11 adds, in
 * the same run, a mailbox whose list references 10 network sets of 100 entries plus 100 labelled entries
 * with expiry, and reports its cost as a ratio to the plain 1,000-entry list (target ≤ 1.2×). Run:
 *   DATABASE_PATH=$(mktemp -d)/gate.db AUTH_SECRET=bench-secret-bench-secret-bench-secret-0 \
 *   npx tsx --conditions=react-server bench/gate.ts
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { accounts, domains, mailboxes, netSets } from '../db/schema';
import { getDb } from '../db';
import { checkMailboxSession } from '../lib/auth/gate';
import { decodeSession, encodeSession } from '../lib/auth/session';
import { parseAllowNets } from '../lib/net/allowlist';
import { machine, summarise } from './support/server';

const entries: string[] = [];
while (entries.length < 999) entries.push(`${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`);
entries.push('203.0.113.0/24');
const parsed = parseAllowNets(entries.join(','));
if (!parsed.ok) throw new Error('bad list');
const entryCount = parsed.entries.length;

const db = getDb();
const account = db.insert(accounts).values({ name: `bench ${Date.now()}` }).returning({ id: accounts.id }).get();
const domain = db.insert(domains).values({ accountId: account.id, name: `b${Date.now()}.test` }).returning({ id: domains.id }).get();
const mailbox = db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate${Date.now()}@bench.test`, passwordHash: 'x', allowNets: parsed.canonical })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })
  .get();

// 10 sets × 100 entries, and a list of the 10 references plus 100 labelled entries expiring in a year.
const randomNet = () => `${crypto.randomInt(1, 223)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.0/24`;
const refs: string[] = [];
for (let s = 0; s < 10; s++) {
  const nets = new Set<string>();
  while (nets.size < 100) nets.add(randomNet());
  const setList = parseAllowNets([...nets].join(','));
  if (!setList.ok) throw new Error('bad set');
  db.insert(netSets).values({ accountId: account.id, name: `set-${s}`, allowNets: setList.canonical! }).run();
  refs.push(`@set-${s}`);
}
const own = new Set<string>(['203.0.113.0/24']);
while (own.size < 100) own.add(randomNet());
const ownList = parseAllowNets([...own].join(','));
if (!ownList.ok) throw new Error('bad list');
const expiresAt = Date.now() + 365 * 86_400_000;
const meta = Object.fromEntries(ownList.entries.map((e, i) => [e.text, { label: `Entry ${i} — a label of a realistic length`, expiresAt: expiresAt + i }]));
const setsMailbox = db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate-sets${Date.now()}@bench.test`, passwordHash: 'x', allowNets: `${refs.join(',')},${ownList.canonical}`, allowNetsMeta: meta })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })
  .get();

async function main() {
const token = await encodeSession({ kind: 'mailbox', uid: mailbox.id, sv: mailbox.sv });
const setsToken = await encodeSession({ kind: 'mailbox', uid: setsMailbox.id, sv: setsMailbox.sv });

const gateOnce = async (which: string, address: string) => {
  // proxy.ts, then the data-access layer: the same two steps each.
  for (let i = 0; i < 2; i++) {
    const claims = await decodeSession(which.startsWith('sets') ? setsToken : token, 'mailbox');
    const verdict = checkMailboxSession(claims!, address);
    if (i === 0 && verdict.ok !== address.startsWith('203.0.113.')) throw new Error('wrong verdict');
  }
};

const names = ['allowed', 'refused', 'sets allowed', 'sets refused'];
const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 2000; i++) await gateOnce(names[i % 4]!, '203.0.113.5');
// Interleaved, so that both lists see the same machine load.
for (let i = 0; i < 40_000; i++) {
  const which = names[i % 4]!;
  const start = performance.now();
  await gateOnce(which, which.endsWith('allowed') ? '203.0.113.5' : '192.0.2.77');
  runs[which]!.push(performance.now() - start);
}
console.log(`gate cost per request (proxy + DAL): plain ${entryCount}-entry list vs 10 sets × 100 + 100 labelled entries with expiry — ${machine()}`);
const medians: Record<string, number> = {};
for (const [name, ms] of Object.entries(runs)) {
  const s = summarise(ms);
  medians[name] = s.p50;
  console.log(`${name.padEnd(13)} median ${(s.p50 * 1000).toFixed(1)} µs  p90 ${(s.p90 * 1000).toFixed(1)} µs  p99 ${(s.p99 * 1000).toFixed(1)} µs  (n=${s.n})`);
}
console.log(`ratio sets/plain: allowed ${(medians['sets allowed']! / medians.allowed!).toFixed(2)}×, refused ${(medians['sets refused']! / medians.refused!).toFixed(2)}× (target ≤ 1.2×)`);
}

void main();
