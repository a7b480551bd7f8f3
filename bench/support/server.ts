import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/migrate';
import { mergeEnv } from './engine';

/** A production server (server.ts over the existing `next build`) on a fresh temporary database. */
export interface BenchServer {
  url: string;
  dbFile: string;
  db: ReturnType<typeof openDatabase>['db'];
  secret: string;
  /** Kills the server; with a profile, stops it gracefully and resolves once it has exited (profile written). */
  stop(): Promise<void>;
}

/**
 * `cwd`: another checkout with its own build (e.g. the commit before a change, to measure both in one run);
 * `profileDir`: the server runs with --cpu-prof and writes its profile there when stopped.
 */
export async function startServer(options: { port: number; env?: Record<string, string>; cwd?: string; profileDir?: string }): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  const { db } = openDatabase(dbFile);
  migrateDatabase(db);
  const secret = 'bench-secret-bench-secret-bench-secret-0';
  const server = await spawnServer({ ...options, env: { DATABASE_PATH: dbFile, AUTH_SECRET: secret, ...options.env } });
  return { url: server.url, stop: server.stop, dbFile, db, secret };
}

/**
 * A production server over the existing build, on whatever database `env` names (DATABASE_PATH, or
 * DATABASE_URL for PostgreSQL: bench/support/engine.ts); AUTH_SECRET must be in `env`.
 */
export async function spawnServer(options: { port: number; env: Record<string, string>; cwd?: string; profileDir?: string }): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const cwd = options.cwd ?? process.cwd();
  if (!fs.existsSync(path.join(cwd, '.next/BUILD_ID'))) throw new Error(`run \`npx next build\` first (in ${cwd})`);
  const profileDir = options.profileDir ?? process.env.BENCH_PROFILE;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // node itself with tsx as a loader: the profile is the server's, and its exit is the server's (npx would
  // exit at once on SIGTERM).
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'server.ts', '--no-demo'], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: mergeEnv(process.env, { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: String(options.port), HOST: '127.0.0.1', ...options.env }),
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    /** Its process id, which is also its process group's (detached). */
    pid: child.pid!,
    stop: async () => {
      if (!child.pid || child.exitCode !== null) return;
      if (!profileDir) {
        process.kill(-child.pid, 'SIGKILL');
        return;
      }
      // --cpu-prof writes the profile when the process exits normally; keep reading its output until then.
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** Median, p99 and friends of a list of durations in milliseconds. */
export function summarise(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
