/**
 * Web latency against a production server (server.ts over the existing build):
 *  1. GET /mail p50/p99 and throughput with 10 concurrent signed-in clients, mailbox with a 1,000-entry list.
 *  2. GET /login p50/p99 while 20 sign-ins (bcrypt cost 12) are continuously in flight.
 * Run: npx next build && npx tsx --conditions=react-server bench/web.ts
 *
 * BENCH_ENGINE=sqlite (default) | pg | both (bench/support/engine.ts): each engine gets a fresh database seeded by
 * the same code (bench/support/seed.ts, job web-users) and its own server (BENCH_PORT, the next port for the
 * second). Part 1 runs BENCH_ROUNDS rounds (1; 3 with both), the engines in turn within each round, and with
 * both prints the PostgreSQL / SQLite throughput ratio per round and its median (issue 21: >= 0.8).
 * BENCH_ONLY=mail skips part 2.
 */
import { performance } from 'node:perf_hooks';
import { benchEngines, freshDatabase, loadAverage, runScript, seedInEngine, type BenchDatabase, type EngineKind } from './support/engine';
import { machine, spawnServer, summarise } from './support/server';

const PORT = Number(process.env.BENCH_PORT ?? 3291);
const ENGINES = benchEngines();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (ENGINES.length > 1 ? 3 : 1));
const PASSWORD = 'Bench-Granite-Willow-81';
const ENGINE_NAME: Record<EngineKind, string> = { sqlite: 'SQLite', pg: 'PostgreSQL' };

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

interface Subject {
  kind: EngineKind;
  database: BenchDatabase;
  url: string;
  emails: string[];
  stop(): Promise<void>;
  signIn(email: string): Promise<{ ms: number; cookie: string }>;
  sessions: { cookie: string }[];
  mail: { latencies: number[]; seconds: number }[];
}

async function startSubject(kind: EngineKind, port: number): Promise<Subject> {
  const database = freshDatabase(kind);
  const { emails } = await seedInEngine<{ emails: string[] }>(database, 'web-users', { count: 20, password: PASSWORD, cost: 12, listSize: 1000, messages: 20 });
  const server = await spawnServer({ port, env: { ...database.env, AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0', BCRYPT_COST: '12' } });
  const loginHtml = await (await fetch(`${server.url}/login`)).text();
  const fields = formFields(loginHtml);
  const signIn = async (email: string) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    body.append('email', email);
    body.append('password', PASSWORD);
    const [ms, response] = await timed(`${server.url}/login`, { method: 'POST', body, headers: { Origin: server.url } });
    if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
    return { ms, cookie: response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };
  const stop = async () => {
    await server.stop();
    database.drop();
  };
  return { kind, database, url: server.url, emails, stop, signIn, sessions: [], mail: [] };
}

/** 1. /mail with 10 concurrent signed-in clients, 200 requests each. */
async function mailPhase(subject: Subject): Promise<void> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    subject.sessions.map(async (s) => {
      for (let i = 0; i < 200; i++) {
        const [ms, response] = await timed(`${subject.url}/mail`, { headers: { cookie: s.cookie } });
        if (response.status !== 200) throw new Error(`/mail answered ${response.status}`);
        latencies.push(ms);
      }
    }),
  );
  subject.mail.push({ latencies, seconds: (performance.now() - started) / 1000 });
}

/** 2. GET /login while 20 sign-ins at bcrypt cost 12 are in flight all the time. */
async function loginPhase(subject: Subject): Promise<{ login: number[]; signIns: number[] }> {
  let stop = false;
  const signIns: number[] = [];
  const load = subject.emails.map(async (email) => {
    while (!stop) signIns.push((await subject.signIn(email)).ms);
  });
  await new Promise((r) => setTimeout(r, 2000));
  const login: number[] = [];
  const until = performance.now() + 20_000;
  while (performance.now() < until) login.push((await timed(`${subject.url}/login`))[0]);
  stop = true;
  await Promise.all(load);
  return { login, signIns };
}

async function main() {
  const subjects: Subject[] = [];
  try {
    for (const [i, kind] of ENGINES.entries()) subjects.push(await startSubject(kind, PORT + i));
    for (const subject of subjects) {
      subject.sessions = await Promise.all(subject.emails.slice(0, 10).map((email) => subject.signIn(email)));
      for (const s of subject.sessions) for (let i = 0; i < 20; i++) await timed(`${subject.url}/mail`, { headers: { cookie: s.cookie } });
    }
    for (let round = 0; round < ROUNDS; round++) for (const subject of subjects) await mailPhase(subject);

    const fmt = (s: ReturnType<typeof summarise>) => `p50 ${s.p50.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.n})`;
    const rate = (phase: { latencies: number[]; seconds: number }) => phase.latencies.length / phase.seconds;
    console.log(`web latency — ${machine()}`);
    for (const subject of subjects) {
      for (const [r, phase] of subject.mail.entries()) {
        console.log(`${ENGINE_NAME[subject.kind]}, round ${r + 1}: GET /mail, 10 concurrent clients, 1,000-entry list: ${fmt(summarise(phase.latencies))}; ${rate(phase).toFixed(0)} req/s`);
      }
    }
    if (subjects.length === 2) {
      const ratios = subjects[1]!.mail.map((phase, r) => rate(phase) / rate(subjects[0]!.mail[r]!));
      const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
      console.log(`GET /mail throughput PostgreSQL / SQLite, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median **${median.toFixed(2)}** (issue 21: >= 0.8)`);
    }
    if (process.env.BENCH_ONLY !== 'mail') {
      for (const subject of subjects) {
        const { login, signIns } = await loginPhase(subject);
        console.log(`${ENGINE_NAME[subject.kind]}: GET /login while 20 sign-ins (bcrypt 12) are in flight: ${fmt(summarise(login))}`);
        console.log(`${ENGINE_NAME[subject.kind]}: the sign-ins themselves: ${fmt(summarise(signIns))}`);
      }
    }
    console.log(`load average at the end ${loadAverage()}`);
  } finally {
    for (const subject of subjects) await subject.stop();
  }
}

runScript(main);
