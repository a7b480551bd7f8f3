/**
 * The gate's own cost per request with a 1,000-entry list: proxy.ts and the data-access layer each decode the
 * session JWT and run checkMailboxSession (one indexed SELECT + the compiled-list match). Run:
 *   DATABASE_PATH=$(mktemp -d)/gate.db AUTH_SECRET=bench-secret-bench-secret-bench-secret-0 \
 *   npx tsx --conditions=react-server bench/gate.ts
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { accounts, domains, mailboxes } from '../db/schema';
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

async function main() {
const token = await encodeSession({ kind: 'mailbox', uid: mailbox.id, sv: mailbox.sv });

const gateOnce = async (address: string) => {
  // proxy.ts, then the data-access layer: the same two steps each.
  for (let i = 0; i < 2; i++) {
    const claims = await decodeSession(token, 'mailbox');
    const verdict = checkMailboxSession(claims!, address);
    if (i === 0 && verdict.ok !== address.startsWith('203.0.113.')) throw new Error('wrong verdict');
  }
};

const runs: Record<string, number[]> = { allowed: [], refused: [] };
for (let i = 0; i < 2000; i++) await gateOnce('203.0.113.5');
for (let i = 0; i < 20_000; i++) {
  const which = i % 2 === 0 ? 'allowed' : 'refused';
  const start = performance.now();
  await gateOnce(which === 'allowed' ? '203.0.113.5' : '192.0.2.77');
  runs[which]!.push(performance.now() - start);
}
console.log(`gate cost per request (proxy + DAL), ${entryCount}-entry list — ${machine()}`);
for (const [name, ms] of Object.entries(runs)) {
  const s = summarise(ms);
  console.log(`${name.padEnd(8)} median ${(s.p50 * 1000).toFixed(1)} µs  p90 ${(s.p90 * 1000).toFixed(1)} µs  p99 ${(s.p99 * 1000).toFixed(1)} µs  (n=${s.n})`);
}
}

void main();
