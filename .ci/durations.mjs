// Where a test run's time went, from the JSON reports that `.ci/run` has the suites write
// (PORTCULLIS_TEST_REPORT_DIR): seconds per end-to-end spec file and project, and per unit test file, slowest
// first, with each one's share. The end-to-end figures are worker-seconds (the sum over the file's tests):
// with N workers the run's wall time is about their total divided by N, unless one long file finishes last.
//
//   node .ci/durations.mjs [REPORT_DIR] [--top N]
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const dir = args[0] ?? process.env.PORTCULLIS_TEST_REPORT_DIR;
if (!dir || !Number.isInteger(top) || top <= 0) {
  console.error('usage: node .ci/durations.mjs [REPORT_DIR] [--top N]  (REPORT_DIR defaults to PORTCULLIS_TEST_REPORT_DIR)');
  process.exit(2);
}

const read = (name) => {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
};

function table(title, rows) {
  const total = rows.reduce((sum, row) => sum + row.seconds, 0);
  console.log(`\n${title}: ${total.toFixed(0)} s in ${rows.length} entries`);
  for (const row of [...rows].sort((a, b) => b.seconds - a.seconds).slice(0, top)) {
    console.log(`${row.seconds.toFixed(1).padStart(8)} s ${((100 * row.seconds) / (total || 1)).toFixed(1).padStart(5)} %  ${String(row.tests).padStart(3)} tests  ${row.name}`);
  }
}

const e2e = read('e2e.json');
if (e2e) {
  // Keyed by "project file": a Map, the keys come from the report.
  const byFile = new Map();
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const key = `${test.projectName} ${spec.file ?? file}`;
        const entry = byFile.get(key) ?? { name: key, seconds: 0, tests: 0 };
        entry.tests += 1;
        for (const result of test.results ?? []) entry.seconds += (result.duration ?? 0) / 1000;
        byFile.set(key, entry);
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.file ?? file);
  };
  for (const suite of e2e.suites ?? []) walk(suite, suite.file);
  const workers = e2e.config?.metadata?.actualWorkers ?? e2e.config?.workers;
  table(`end-to-end, worker-seconds per spec file (${workers ?? '?'} workers, wall ${((e2e.stats?.duration ?? 0) / 1000).toFixed(0)} s)`, [...byFile.values()]);
}

const unit = read('unit.json');
if (unit) {
  const byFile = new Map();
  for (const result of unit.testResults ?? []) {
    const name = path.relative(process.cwd(), result.name);
    const entry = byFile.get(name) ?? { name, seconds: 0, tests: 0 };
    // A file runs once per vitest project (sqlite, postgres): both runs count.
    entry.seconds += Math.max(0, (result.endTime ?? 0) - (result.startTime ?? 0)) / 1000;
    entry.tests += result.assertionResults?.length ?? 0;
    byFile.set(name, entry);
  }
  table('unit, seconds per test file (both projects)', [...byFile.values()]);
}

if (!e2e && !unit) {
  console.error(`no e2e.json or unit.json in ${dir}`);
  process.exit(1);
}
