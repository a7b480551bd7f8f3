/*
 * Which database engine a bench runs on, and a fresh database for each run (issue 14).
 *
 *   BENCH_ENGINE=sqlite (default) | pg | both
 *   BENCH_PG_URL=postgres://user@host:port/db   a cluster to create the bench's databases in (each run creates
 *                                                its own database there and drops it at the end; nothing else
 *                                                in that cluster is touched). Without it, a throwaway cluster
 *                                                is started with .ci/pg-cluster.sh and stopped at exit.
 *   BENCH_PG_TRANSPORT=socket (default) | tcp      how the throwaway cluster is reached: its Unix socket (what
 *                                                README "Running on PostgreSQL" recommends when PostgreSQL
 *                                                runs on the same machine) or TCP on 127.0.0.1.
 *
 * The app picks its engine from the environment (DATABASE_URL=postgres://… is PostgreSQL, otherwise SQLite at
 * DATABASE_PATH), so a bench selects an engine by the environment it gives its servers and seed processes,
 * and seeds through the app's own data layer on both (bench/support/seed.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type EngineKind = 'sqlite' | 'pg';

/** The engines this run measures, from BENCH_ENGINE. */
export function benchEngines(fallback: EngineKind[] = ['sqlite']): EngineKind[] {
  const value = (process.env.BENCH_ENGINE ?? '').trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'both') return ['sqlite', 'pg'];
  if (value === 'sqlite' || value === 'pg') return [value];
  throw new Error(`BENCH_ENGINE must be sqlite, pg or both, got "${value}"`);
}

export interface BenchDatabase {
  kind: EngineKind;
  /** The environment that points the app at this database (DATABASE_PATH or DATABASE_URL; the other unset). */
  env: Record<string, string>;
  /** Deletes the database (the SQLite folder, or DROP DATABASE); idempotent. */
  drop(): void;
}

let cluster: { url: string; stop?: () => void } | undefined;

/** How this run reaches a throwaway cluster, from BENCH_PG_TRANSPORT. */
export function pgTransport(): 'socket' | 'tcp' {
  const value = (process.env.BENCH_PG_TRANSPORT ?? '').trim().toLowerCase();
  if (value === '' || value === 'socket') return 'socket';
  if (value === 'tcp') return 'tcp';
  throw new Error(`BENCH_PG_TRANSPORT must be socket or tcp, got "${value}"`);
}

/** The PostgreSQL cluster of this run: BENCH_PG_URL, or a throwaway one started once and stopped at exit. */
function pgCluster(): { url: string; stop?: () => void } {
  if (cluster) return cluster;
  const given = process.env.BENCH_PG_URL?.trim();
  if (given) return (cluster = { url: given });
  const script = path.join(process.cwd(), '.ci/pg-cluster.sh');
  if (!fs.existsSync(script)) throw new Error('BENCH_ENGINE=pg needs BENCH_PG_URL or .ci/pg-cluster.sh');
  const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-pg-')), 'cluster.state');
  const started = spawnSync(script, ['start', state], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`pg-cluster.sh start failed: ${started.stderr}`);
  let url = started.stdout.trim();
  if (pgTransport() === 'socket') {
    const socket = spawnSync(script, ['socket-url', state], { encoding: 'utf8' });
    if (socket.status !== 0) throw new Error(`pg-cluster.sh socket-url failed: ${socket.stderr}`);
    url = socket.stdout.trim();
  }
  const stop = () => {
    spawnSync(script, ['stop', state], { stdio: 'ignore' });
    fs.rmSync(path.dirname(state), { recursive: true, force: true });
  };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  return (cluster = { url, stop });
}

function psql(url: string, sql: string): void {
  const result = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qXc', sql], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql: ${result.stderr.trim()}`);
}

/** A new, empty database on `kind` (migrations are applied by whatever opens it first: the app does). */
export function freshDatabase(kind: EngineKind): BenchDatabase {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
    return { kind, env: { DATABASE_PATH: path.join(dir, 'bench.db'), DATABASE_URL: '' }, drop: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const { url } = pgCluster();
  const name = `portcullis_bench_${crypto.randomBytes(6).toString('hex')}`;
  psql(url, `CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    try {
      psql(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch {
      // The cluster went away first (a throwaway cluster stopped at exit): nothing left to drop.
    }
  };
  // In a cluster given by BENCH_PG_URL, the database must not outlive the run; a throwaway cluster goes anyway.
  process.once('exit', drop);
  return { kind, env: { DATABASE_URL: dbUrl.toString(), DATABASE_PATH: '' }, drop };
}

/**
 * Runs `job` of bench/support/seed.ts on `database` in a child process (the app's data layer needs the
 * react-server condition and opens one engine per process) and returns what it prints as JSON.
 */
export function seedInEngine<T>(database: BenchDatabase, job: string, args: unknown, extraEnv: Record<string, string> = {}): Promise<T> {
  return runJson<T>(path.join('bench', 'support', 'seed.ts'), [job, JSON.stringify(args)], { ...database.env, ...extraEnv });
}

/** `base` with `extra` over it; an empty value in `extra` removes the variable (DATABASE_PATH must not be ''). */
export function mergeEnv(base: Record<string, string | undefined>, extra: Record<string, string>): NodeJS.ProcessEnv {
  const merged = { ...base, ...extra };
  for (const [key, value] of Object.entries(extra)) if (value === '') delete merged[key];
  return merged as NodeJS.ProcessEnv;
}

/** The prefix of a child's result line (the app's own log lines on stdout are JSON too). */
export const RESULT_PREFIX = 'BENCH-RESULT ';

/** Prints a child's result for runJson. */
export function printResult(result: unknown): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}

/**
 * Runs a bench script's entry point and exits: 0 when it resolves (printing its result line first when
 * `print`, as children do), 1 with the error otherwise. Pools and servers would keep the process alive.
 */
export function runScript(main: () => Promise<unknown>, print = false): void {
  main().then(
    (result) => {
      if (print) printResult(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Runs a TypeScript file under tsx with the react-server condition; resolves with its result line (printResult). */
export function runJson<T>(file: string, args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: mergeEnv(process.env, env),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${file} ${args[0] ?? ''} exited with ${code}`));
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line === undefined) return reject(new Error(`${file}: no result line in its output: ${out.slice(-200)}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/** The machine's load right now, for the figures' context (the machine is shared). */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' / ');
}

/**
 * After a bulk seed on PostgreSQL, ANALYZE: in production autovacuum gathers the statistics within a minute of
 * such a change, and a plan chosen without them measures the seed, not the engine. SQLite is left as the app
 * runs it (the app never runs ANALYZE there).
 */
export function analyze(env: Record<string, string | undefined> = process.env): void {
  const url = env.DATABASE_URL;
  if (url) psql(url, 'ANALYZE');
}
