/**
 * The gate's own cost per request with a 1,000-entry list: proxy.ts and the data-access layer each decode the
 * session JWT and run checkMailboxSession (one indexed SELECT joining the mailbox and its web_sessions row,
 * plus the compiled-list match). The baseline, measured in the same run and interleaved, is the gate as it was
 * before server-side sessions: the same decode and mailbox SELECT without the session row (the path an API
 * session takes, whose row is checked separately). Run:
 *   DATABASE_PATH=$(mktemp -d)/gate.db AUTH_SECRET=bench-secret-bench-secret-bench-secret-0 \
 *   npx tsx --conditions=react-server bench/gate.ts
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { accounts, domains, mailboxes } from '../db/schema';
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

const db = getDb();
const account = db.insert(accounts).values({ name: `bench ${Date.now()}` }).returning({ id: accounts.id }).get();
const domain = db.insert(domains).values({ accountId: account.id, name: `b${Date.now()}.test` }).returning({ id: domains.id }).get();
const mailbox = db
  .insert(mailboxes)
  .values({ accountId: account.id, domainId: domain.id, email: `gate${Date.now()}@bench.test`, passwordHash: 'x', allowNets: parsed.canonical })
  .returning({ id: mailboxes.id, sv: mailboxes.sessionVersion })
  .get();

async function main() {
const sid = createWebSession({ kind: 'mailbox', subjectId: mailbox.id, sessionVersion: mailbox.sv, clientIp: '203.0.113.5', userAgent: 'bench' });
const token = await encodeSession({ kind: 'mailbox', uid: mailbox.id, sv: mailbox.sv, sid });

const gateOnce = async (address: string, withSessionRow: boolean) => {
  // proxy.ts, then the data-access layer: the same two steps each.
  for (let i = 0; i < 2; i++) {
    const claims = (await decodeSession(token, 'mailbox'))!;
    const verdict = checkMailboxSession(withSessionRow ? claims : { uid: claims.uid, sv: claims.sv, apiSessionId: 0 }, address);
    if (i === 0 && verdict.ok !== address.startsWith('203.0.113.')) throw new Error(`wrong verdict ${JSON.stringify(verdict)}`);
  }
};

const runs: Record<string, number[]> = { 'baseline allowed': [], 'baseline refused': [], 'sessions allowed': [], 'sessions refused': [] };
for (let i = 0; i < 2000; i++) await gateOnce('203.0.113.5', i % 2 === 0);
for (let i = 0; i < 40_000; i++) {
  const allowed = i % 2 === 0;
  const sessions = i % 4 >= 2;
  const start = performance.now();
  await gateOnce(allowed ? '203.0.113.5' : '192.0.2.77', sessions);
  runs[`${sessions ? 'sessions' : 'baseline'} ${allowed ? 'allowed' : 'refused'}`]!.push(performance.now() - start);
}
console.log(`gate cost per request (proxy + DAL), ${entryCount}-entry list — ${machine()}`);
const medians: Record<string, number> = {};
for (const [name, ms] of Object.entries(runs)) {
  const s = summarise(ms);
  medians[name] = s.p50;
  console.log(`${name.padEnd(17)} median ${(s.p50 * 1000).toFixed(1)} µs  p90 ${(s.p90 * 1000).toFixed(1)} µs  p99 ${(s.p99 * 1000).toFixed(1)} µs  (n=${s.n})`);
}
for (const which of ['allowed', 'refused']) {
  console.log(`ratio sessions/baseline (${which}, medians): ${(medians[`sessions ${which}`]! / medians[`baseline ${which}`]!).toFixed(2)}×  (target ≤ 1.5×)`);
}
}

void main();
