import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A server.ts process of its own (own port and database) for tests that stop or restart it. */
export interface OwnServer {
  url: string;
  /** The temporary folder made for its database (the caller removes it). */
  dir: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal to the web server's own node process (its pid is in every log line), as a supervisor would. */
  signal(name: NodeJS.Signals): void;
  exited(): Promise<number | null>;
  /** Kills the server's process group and removes its folder (with its database) from the temporary directory. */
  kill(): void;
}

export async function startOwnServer(port: number, env: Record<string, string> = {}): Promise<OwnServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-own-'));
  const child = spawn('npx', ['tsx', 'server.ts', '--no-demo'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      BCRYPT_COST: '4',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: path.join(dir, 'own.db'),
      // Its temporary files (tsx's cache and IPC pipe, which SIGKILL leaves behind) go with its folder.
      TMPDIR: dir,
      ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // The folder (its database) goes with the process: nothing is left in the temp directory.
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const kill = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    // Ready, and its log (written in blocks, at least once a second) has named the process.
    if (status === 200 && /"pid":\d+/.test(output)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      kill();
      throw new Error(`server on ${port} did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dir,
    child,
    output: () => output,
    signal: (name) => {
      // The web server's own line: with MACHINE_PORT the machine process (its child) logs too, often first.
      const pid = (/"pid":(\d+),[^\n]*"msg":"listening on /.exec(output) ?? /"pid":(\d+)/.exec(output))?.[1];
      if (!pid) throw new Error(`no pid in the server's log:\n${output}`);
      process.kill(Number(pid), name);
    },
    exited: () => exit,
    kill,
  };
}
