// Prints one closing line for CI, "tests: N passed, N failed", from the JSON reports of vitest and Playwright.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.PORTCULLIS_TEST_REPORT_DIR;
const read = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  } catch {
    return null;
  }
};

let passed = 0;
let failed = 0;
let skipped = 0;
const unit = read('unit.json');
if (unit) {
  passed += unit.numPassedTests ?? 0;
  failed += unit.numFailedTests ?? 0;
  skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
}
const e2e = read('e2e.json');
if (e2e?.stats) {
  passed += e2e.stats.expected ?? 0;
  failed += (e2e.stats.unexpected ?? 0) + (e2e.stats.flaky ?? 0);
  skipped += e2e.stats.skipped ?? 0;
}
if (!unit || !e2e) failed += 1; // a suite that did not report did not pass
// .ci/clean-tmp.mjs: what the tests left in their temporary directory (the list is printed where it was found).
const left = read('tmp-check.json')?.left ?? [];
const tmp = left.length > 0 ? `; ${left.length} left in the temporary directory` : '';
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${tmp}`);
