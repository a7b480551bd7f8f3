// Runs a command (npm test's suites) with TMPDIR set to a fresh folder made for this run, then FAILS if
// anything is left in it: every test must remove what it creates in the temporary directory, and this is where
// a test that does not is seen. The folder is removed at the end either way.
//
//   node .ci/clean-tmp.mjs COMMAND [ARGS...]
//
// Exit status: the command's, else 1 when something was left behind. When PORTCULLIS_TEST_REPORT_DIR is set
// (.ci/run sets it), what was left is also written to tmp-check.json there for .ci/summary.mjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node .ci/clean-tmp.mjs COMMAND [ARGS...]');
  process.exit(2);
}

const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-test-run-'));
// Traversable by the unprivileged users the suites run servers as (PostgreSQL's throwaway cluster as
// `postgres` when the tests run as root, Dovecot as `nobody`); listing it stays the owner's.
fs.chmodSync(runTmp, 0o711);

/** What is under `dir`: its entries, and for a folder the first few paths inside it (to name the culprit). */
function leftovers(dir) {
  const out = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    let inside = [];
    try {
      if (fs.lstatSync(full).isDirectory()) inside = fs.readdirSync(full, { recursive: true }).map(String).sort().slice(0, 3);
    } catch {
      // Unreadable (another user's folder): the name alone says enough.
    }
    out.push(inside.length > 0 ? `${name}/ (${inside.join(', ')}${inside.length === 3 ? ', …' : ''})` : name);
  }
  return out;
}

// Playwright's transform cache is a tool's cache, not a test's file: it goes where the other tools keep theirs
// (node_modules/.cache; Vite's is node_modules/.vite, Next's .next/cache) and is reused by the next run.
const env = { ...process.env, TMPDIR: runTmp, TMP: runTmp, TEMP: runTmp };
env.PLAYWRIGHT_TRANSFORM_CACHE_DIR ??= path.resolve('node_modules/.cache/playwright-transform');
const child = spawn(command, args, { stdio: 'inherit', env });
// Ctrl-C reaches the whole foreground process group by itself; a TERM sent to this script alone is passed on,
// so that the suites still stop their servers and clean up before the check.
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
process.on('SIGINT', () => {});

const status = await new Promise((resolve) => {
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`clean-tmp: could not run ${command}: ${error.message}`);
    resolve(1);
  });
});

const left = leftovers(runTmp);
fs.rmSync(runTmp, { recursive: true, force: true });
if (process.env.PORTCULLIS_TEST_REPORT_DIR) {
  fs.writeFileSync(path.join(process.env.PORTCULLIS_TEST_REPORT_DIR, 'tmp-check.json'), JSON.stringify({ left }));
}
if (left.length > 0) {
  console.error(`\nThe tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory (TMPDIR=${runTmp}); every test must remove what it creates:`);
  for (const entry of left) console.error(`  ${entry}`);
  process.exit(status || 1);
}
console.log(`temporary directory: nothing left behind (${runTmp} removed)`);
process.exit(status);
