import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/migrate';

/** A production server (server.ts over the existing `next build`) on a fresh temporary database. */
export interface BenchServer {
  url: string;
  dbFile: string;
  db: ReturnType<typeof openDatabase>['db'];
  secret: string;
  stop(): void;
}

export async function startServer(options: { port: number; env?: Record<string, string> }): Promise<BenchServer> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('run `npx next build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  const { db } = openDatabase(dbFile);
  migrateDatabase(db);
  const secret = 'bench-secret-bench-secret-bench-secret-0';
  // node itself with tsx as a loader, so that BENCH_PROFILE (a folder) can profile the server with --cpu-prof.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'server.ts', '--no-demo'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: String(options.port), HOST: '127.0.0.1', DATABASE_PATH: dbFile, AUTH_SECRET: secret, ...options.env },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { url: `http://127.0.0.1:${options.port}`, dbFile, db, secret, stop: () => child.pid && process.kill(-child.pid, profile.length ? 'SIGINT' : 'SIGKILL') };
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
