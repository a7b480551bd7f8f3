import fs from 'node:fs';
import path from 'node:path';
import { mail, postgresServer, servers } from '../../playwright.config';

const COMMON_SECRETS = ['e2e-secret-e2e-secret-e2e-secret-e2e-secret', mail.secret];

/**
 * The run's last check (spec §17: logs never contain a password, token, cookie, Auth-Pass or secret): the
 * shared servers' output, captured into the run folder by playwright.config.ts, must contain none of the
 * secrets the tests used (remembered by the fixtures in secrets.txt) nor AUTH_SECRET and MAIL_AUTH_SECRET.
 */
export default async function globalTeardown(): Promise<void> {
  const runDir = path.dirname(servers.proxied.db);
  try {
    await checkLogs(runDir);
  } finally {
    // The run folder (databases, logs, the cluster's state) goes once the check has read it; this teardown runs
    // after the global setup's, which stopped what it started. The webServers still running write only to
    // files they already hold open.
    if (process.env.PORTCULLIS_E2E_DIR_MADE === runDir) fs.rmSync(runDir, { recursive: true, force: true });
  }
}

async function checkLogs(runDir: string): Promise<void> {
  // The servers flush buffered log lines at least once a second.
  await new Promise((r) => setTimeout(r, 1500));
  // The shared servers' logs must exist; the multi-instance spec's instances leave theirs when it ran.
  const instanceLogs = fs.readdirSync(runDir).filter((f) => /^instance-.*\.log$/.test(f)).map((f) => path.join(runDir, f));
  const logs = [...Object.keys(servers).map((name) => path.join(runDir, `${name}.log`)), postgresServer.log, ...instanceLogs];
  const secretsFile = path.join(runDir, 'secrets.txt');
  const secrets = new Set([...COMMON_SECRETS, ...(fs.existsSync(secretsFile) ? fs.readFileSync(secretsFile, 'utf8').split('\n') : [])].filter((s) => s.length >= 8));
  const problems: string[] = [];
  let lines = 0;
  let requests = 0;
  for (const file of logs) {
    if (!fs.existsSync(file)) {
      problems.push(`${file} is missing: the server log was not captured`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    lines += text.split('\n').length;
    requests += text.split('"kind":"request"').length - 1;
    for (const secret of secrets) {
      // nginx sends Auth-Pass %XX-escaped; a logged header would show the escaped form.
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        if (text.includes(form)) problems.push(`${path.basename(file)} contains a secret the tests used (${form.slice(0, 3)}…)`);
      }
    }
  }
  // Without request lines the servers' logs were not captured and the check would prove nothing.
  if (requests === 0) problems.push('the server logs hold no request lines: were they captured?');
  if (problems.length > 0) throw new Error(`Server logs must never contain secrets:\n${problems.join('\n')}`);
  process.stdout.write(`log check: ${secrets.size} secrets, none in ${lines} server log lines\n`);
}
