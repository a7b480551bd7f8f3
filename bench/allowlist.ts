/*
 * Allowlist decision time: `npx tsx bench/allowlist.ts` (about 15 seconds on 2 cores; the table goes to
 * stdout, progress to stderr).
 *
 * Compares the compiled list (lib/net/allowlist.ts) with (a) a naive loop over ipaddr.js `match()` and
 * (b) the same loop over the `ip-address` package's `isInSubnet()`, on identical random lists of mixed
 * IPv4/IPv6 networks. Every implementation gets its client address and entries pre-parsed, so the
 * numbers are the decision alone; `parseAddress` is measured on its own at the end. The naive loops only
 * walk entries of the client's family (the obvious optimisation), which flatters them a little.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Address4, Address6 } from 'ip-address';
import ipaddr from 'ipaddr.js';
import { compileAllowlist, MAX_ENTRIES, parseAddress, parseAllowNets, type NetEntry } from '../lib/net/allowlist';
import { seededRandom } from './support/random';

const SIZES = [1, 10, 100, 1_000, 100_000];
const PROBES = 1_000;
const CELL_BUDGET_NS = 700e6; // per (size, implementation, hit/miss)
const MIN_SAMPLES = 25;
const MAX_SAMPLES = 20_000;
const TARGET_BATCH_NS = 5_000; // batches this long keep the timer's own cost and jitter out of the result

// Deterministic, so runs are comparable.
const random = seededRandom(0x5eed);
const u32 = () => Math.floor(random() * 4294967296) >>> 0;
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

function v4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function v6Text(words: readonly number[]): string {
  return words.map((w) => `${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`).join(':');
}

function mask(prefix: number): number {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
}

/** A random network; IPv4 prefixes /16-/32 keep 50,000 of them from covering most of the IPv4 space. */
function randomNetwork(): string {
  if (random() < 0.5) return `${v4Text(u32())}/${int(16, 32)}`;
  // 2000::/3 like real global unicast, so nothing lands in the mapped or special ranges.
  const words = [((u32() & 0x1fffffff) | 0x20000000) >>> 0, u32(), u32(), u32()];
  return `${v6Text(words)}/${int(32, 128)}`;
}

/** A random address inside a canonical entry. */
function addressInside(entry: NetEntry): string {
  const [addr] = entry.text.split('/') as [string];
  if (entry.family === 4) {
    const m = mask(entry.prefix);
    const start = ipaddr.IPv4.parse(addr).octets.reduce((a, o) => a * 256 + o, 0);
    return v4Text(((start & m) | (u32() & ~m)) >>> 0);
  }
  const parts = ipaddr.IPv6.parse(addr).parts;
  const words = [0, 1, 2, 3].map((i) => (((parts[2 * i] ?? 0) << 16) | (parts[2 * i + 1] ?? 0)) >>> 0);
  const out = words.map((w, i) => {
    const m = mask(Math.min(32, Math.max(0, entry.prefix - 32 * i)));
    return ((w & m) | (u32() & ~m)) >>> 0;
  });
  return v6Text(out);
}

function randomAddress(): string {
  return random() < 0.5 ? v4Text(u32()) : v6Text([((u32() & 0x1fffffff) | 0x20000000) >>> 0, u32(), u32(), u32()]);
}

/** Parses through the real parser, in chunks because one stored list is capped at MAX_ENTRIES. */
function buildEntries(n: number): NetEntry[] {
  const seen = new Set<string>();
  const entries: NetEntry[] = [];
  while (entries.length < n) {
    const chunk = Array.from({ length: Math.min(MAX_ENTRIES, n - entries.length) }, randomNetwork).join(',');
    const parsed = parseAllowNets(chunk);
    if (!parsed.ok) throw new Error('generator produced an invalid entry');
    for (const e of parsed.entries) {
      if (!seen.has(e.text) && entries.length < n) {
        seen.add(e.text);
        entries.push(e);
      }
    }
  }
  return entries;
}

interface Implementation<C> {
  name: string;
  prepare(entries: readonly NetEntry[]): (client: C) => boolean;
  client(text: string): C;
}

const ours: Implementation<ReturnType<typeof parseAddress>> = {
  name: 'Portcullis compiled list',
  prepare(entries) {
    const list = compileAllowlist(entries);
    return (client) => list.allows(client);
  },
  client: (text) => parseAddress(text),
};

type IpaddrRange = [ipaddr.IPv4 | ipaddr.IPv6, number];
const naiveIpaddr: Implementation<ipaddr.IPv4 | ipaddr.IPv6> = {
  name: '(a) ipaddr.js match() loop',
  prepare(entries) {
    const v4: IpaddrRange[] = [];
    const v6: IpaddrRange[] = [];
    for (const e of entries) {
      const range = ipaddr.parseCIDR(e.text.includes('/') ? e.text : `${e.text}/${e.family === 4 ? 32 : 128}`);
      (e.family === 4 ? v4 : v6).push(range);
    }
    return (client) => {
      const ranges = client.kind() === 'ipv4' ? v4 : v6;
      for (const r of ranges) if (client.match(r)) return true;
      return false;
    };
  },
  client: (text) => ipaddr.process(text),
};

const ipAddressPackage: Implementation<Address4 | Address6> = {
  name: '(b) ip-address isInSubnet() loop',
  prepare(entries) {
    const v4 = entries.filter((e) => e.family === 4).map((e) => new Address4(e.text));
    const v6 = entries.filter((e) => e.family === 6).map((e) => new Address6(e.text));
    return (client) => {
      if (client instanceof Address4) {
        for (const net of v4) if (client.isInSubnet(net)) return true;
      } else {
        for (const net of v6) if (client.isInSubnet(net)) return true;
      }
      return false;
    };
  },
  client: (text) => (text.includes(':') ? new Address6(text) : new Address4(text)),
};

let sink = 0; // consumed at the end so no check can be optimised away

function timerOverhead(): number {
  const samples: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const t0 = process.hrtime.bigint();
    const t1 = process.hrtime.bigint();
    samples.push(Number(t1 - t0));
  }
  return quantile(samples, 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const OVERHEAD = timerOverhead();
// Other work on the machine skews every number; the load is printed so a noisy run can be recognised.
const LOAD = os.loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * Per-check nanoseconds: median and p99 over timed batches of `batch` consecutive checks (about 5 µs each,
 * a single check when it is longer), minus the timer's own cost. A timer read costs about as much as
 * one compiled-list check, so those can only be timed in batches, and their p99 is a p99 of batch means.
 */
function measure<C>(check: (c: C) => boolean, clients: readonly C[]): { median: number; p99: number; batch: number } {
  // Warm up (JIT) and estimate the cost of one check from doubling runs of untimed-inside loops.
  let runs = 1;
  let elapsed = 0;
  let i = 0;
  while (elapsed < 20e6 && runs <= 1 << 16) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < runs; k++) {
      if (check(clients[i]!)) sink++;
      i = i + 1 === clients.length ? 0 : i + 1;
    }
    elapsed = Number(process.hrtime.bigint() - t0);
    runs *= 2;
  }
  const estimate = elapsed / (runs / 2);
  const batch = Math.max(1, Math.min(256, Math.round(TARGET_BATCH_NS / Math.max(estimate, 1))));

  const samples: number[] = [];
  const start = process.hrtime.bigint();
  while (
    samples.length < MAX_SAMPLES &&
    (samples.length < MIN_SAMPLES || Number(process.hrtime.bigint() - start) < CELL_BUDGET_NS)
  ) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) {
      if (check(clients[i]!)) sink++;
      i = i + 1 === clients.length ? 0 : i + 1;
    }
    const t1 = process.hrtime.bigint();
    samples.push(Math.max(0, Number(t1 - t0) - OVERHEAD) / batch);
  }
  return { median: quantile(samples, 0.5), p99: quantile(samples, 0.99), batch };
}

function fmt(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

function runDecisions(): string[] {
  const rows: string[] = [];
  const implementations = [ours, naiveIpaddr, ipAddressPackage] as Implementation<unknown>[];
  for (const size of SIZES) {
    const t0 = process.hrtime.bigint();
    const entries = buildEntries(size);
    const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const t1 = process.hrtime.bigint();
    const compiled = compileAllowlist(entries);
    const compileMs = Number(process.hrtime.bigint() - t1) / 1e6;

    const hits = Array.from({ length: PROBES }, () => addressInside(entries[Math.floor(random() * entries.length)]!));
    const misses: string[] = [];
    while (misses.length < PROBES) {
      const a = randomAddress();
      if (!compiled.allows(parseAddress(a))) misses.push(a);
    }

    const checks = implementations.map((impl) => ({ impl, check: impl.prepare(entries) }));
    // Cross-check on a sample before timing: a fast wrong answer is worth nothing.
    for (const { impl, check } of checks) {
      for (const [kind, probes, expected] of [['hit', hits, true], ['miss', misses, false]] as const) {
        for (const text of probes.slice(0, size >= 100_000 ? 20 : 200)) {
          if (check(impl.client(text)) !== expected) throw new Error(`${impl.name} disagrees on ${kind} ${text} (${size} entries)`);
        }
      }
    }

    console.error(`${size} entries: parsed in ${parseMs.toFixed(1)} ms, compiled in ${compileMs.toFixed(1)} ms`);
    for (const { impl, check } of checks) {
      const hit = measure(check, hits.map((h) => impl.client(h)));
      const miss = measure(check, misses.map((m) => impl.client(m)));
      const batch = hit.batch === 1 && miss.batch === 1 ? '1' : `${hit.batch}/${miss.batch}`;
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${impl.name} | ${fmt(hit.median)} | ${fmt(hit.p99)} | ${fmt(miss.median)} | ${fmt(miss.p99)} | ${batch} |`,
      );
      console.error(`  ${impl.name}: done`);
    }
  }
  return rows;
}

function runParseAddress(): string[] {
  const cases: [string, string[]][] = [
    ['IPv4', Array.from({ length: PROBES }, () => v4Text(u32()))],
    ['IPv6', Array.from({ length: PROBES }, () => ipaddr.IPv6.parse(v6Text([0x20010db8, u32(), u32(), u32()])).toRFC5952String())],
    ['IPv4-mapped IPv6', Array.from({ length: PROBES }, () => `::ffff:${v4Text(u32())}`)],
    ['invalid ("unknown", ports, brackets)', ['unknown', '192.0.2.1:443', '[2001:db8::1]', '010.0.0.1', '', 'x'.repeat(40)]],
  ];
  return cases.map(([name, inputs]) => {
    const r = measure((text: string) => parseAddress(text) !== null, inputs);
    return `| ${name} | ${fmt(r.median)} | ${fmt(r.p99)} |`;
  });
}

const decisionRows = runDecisions();
const parseRows = runParseAddress();

function versionOf(name: string): string {
  const file = path.join(process.cwd(), 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Allowlist benchmark, ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`ipaddr.js ${versionOf('ipaddr.js')}, ip-address ${versionOf('ip-address')}; load average before the run: ${LOAD}.`);
console.log(`Random mixed IPv4 (/16-/32) and IPv6 (/32-/128) networks; ${PROBES} distinct hit and miss addresses per size.`);
console.log('');
console.log('| entries | implementation | hit median | hit p99 | miss median | miss p99 | batch |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of decisionRows) console.log(row);
console.log('');
console.log('`parseAddress` (once per request, before any check):');
console.log('');
console.log('| input | median | p99 |');
console.log('| --- | ---: | ---: |');
for (const row of parseRows) console.log(row);
console.log('');
console.log(`Per-check times: timer overhead (${OVERHEAD} ns) subtracted; "batch" = checks timed together (hit/miss), so p99 is over batches.`);
if (sink === -1) console.log(sink);
