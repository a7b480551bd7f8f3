import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

// .ci/clean-tmp.mjs, which npm test runs its suites through: a fresh TMPDIR for the command, and a failure
// naming whatever the command left in it.
function run(script: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['.ci/clean-tmp.mjs', process.execPath, '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  const folder = /TMPDIR=(\S+?)\)/.exec(result.stderr)?.[1] ?? /nothing left behind \((\S+) removed\)/.exec(result.stdout)?.[1];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, folder };
}

describe('npm test\'s temporary-directory check (.ci/clean-tmp.mjs)', () => {
  it('fails a command that leaves something in its TMPDIR, names what was left, and removes the folder', () => {
    const r = run("const fs = require('fs'), p = require('path'), os = require('os'); fs.mkdirSync(p.join(os.tmpdir(), 'portcullis-unit-x')); fs.writeFileSync(p.join(os.tmpdir(), 'portcullis-unit-x', 'unit.db'), ''); fs.writeFileSync(p.join(os.tmpdir(), 'stray'), '')");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('left 2 entries in the temporary directory');
    expect(r.stderr).toContain('portcullis-unit-x/ (unit.db)');
    expect(r.stderr).toMatch(/^ {2}stray$/m);
    expect(r.folder).toBeTruthy();
    expect(fs.existsSync(r.folder!)).toBe(false);
  });

  it('passes a command that cleans up after itself, in a fresh folder of the caller\'s temporary directory', () => {
    const r = run("const fs = require('fs'), p = require('path'), os = require('os'); const d = fs.mkdtempSync(p.join(os.tmpdir(), 'x-')); fs.rmSync(d, { recursive: true }); console.log('TMP=' + os.tmpdir())");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nothing left behind');
    const tmp = /TMP=(\S+)/.exec(r.stdout)?.[1];
    expect(path.dirname(tmp!)).toBe(os.tmpdir());
    expect(path.basename(tmp!)).toMatch(/^portcullis-test-run-/);
    expect(fs.existsSync(tmp!)).toBe(false);
  });

  it("keeps the command's own failure status, and records what was left for .ci/summary.mjs", () => {
    const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-reports-'));
    onTestFinished(() => fs.rmSync(reports, { recursive: true, force: true }));
    const clean = run('process.exit(3)', { PORTCULLIS_TEST_REPORT_DIR: reports });
    expect(clean.status).toBe(3);
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'tmp-check.json'), 'utf8'))).toEqual({ left: [] });
    const dirty = run("require('fs').writeFileSync(require('path').join(require('os').tmpdir(), 'stray'), ''); process.exit(4)", { PORTCULLIS_TEST_REPORT_DIR: reports });
    expect(dirty.status).toBe(4);
    expect(JSON.parse(fs.readFileSync(path.join(reports, 'tmp-check.json'), 'utf8'))).toEqual({ left: ['stray'] });
  });
});
