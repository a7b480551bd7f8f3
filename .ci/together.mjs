// Runs npm scripts at the same time and prints each one's output as one block when it ends, in the order
// given; the exit status is non-zero when any failed. npm test runs the typecheck and ESLint this way: each
// is one single-threaded process building its own TypeScript program, so on a machine with two cores
// together they take about as long as the longer one alone.
//
//   node .ci/together.mjs SCRIPT [SCRIPT...]
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node .ci/together.mjs SCRIPT [SCRIPT...]');
  process.exit(2);
}

const runs = scripts.map((script) => {
  const started = Date.now();
  const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  // Ctrl-C reaches the children by itself (same process group); a TERM sent to this script alone is passed on.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ script, status: 1, output: [Buffer.from(`${error.message}\n`)], seconds: 0 }));
    child.on('close', (code, signal) => resolve({ script, status: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
  });
});

let failed = false;
for (const run of runs) {
  const { script, status, output, seconds } = await run;
  process.stdout.write(`\n> npm run ${script} (${seconds.toFixed(1)} s, ${status === 0 ? 'ok' : `exit ${status}`})\n`);
  process.stdout.write(Buffer.concat(output));
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
