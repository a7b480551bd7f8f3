import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the fixture in a node process of its own: the test changes that process's Object.prototype. */
function run(mode: 'seal' | 'open') {
  const fixture = path.join(import.meta.dirname, 'prototype-guard.fixture.ts');
  // tsx keeps its cache in TMPDIR: a folder of the test's own, removed with it.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-guard-'));
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', fixture, mode], { encoding: 'utf8', cwd: path.join(import.meta.dirname, '../..'), env: { ...process.env, TMPDIR: tmp } });
    if (result.status !== 0) throw new Error(`fixture failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop()!);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('prototype guard', () => {
  it('sealed: a write through "__proto__" throws in the request that tried, and a replaced property turns readiness to prototype_changed', () => {
    const out = run('seal');
    expect(out.before).toEqual({ ready: true });
    expect(out.addError).toBe('TypeError');
    expect(out.arrayAddError).toBe('TypeError');
    expect(out.inherited).toBeNull();
    expect(out.afterAdd).toEqual({ ready: true });
    expect(out.afterReplace).toEqual({ ready: false, reason: 'prototype_changed' });
    expect(out.reports).toEqual([['Object.prototype.toLocaleString']]);
    expect(out.override).toBe('mine');
  });

  it('unsealed (development): an added property turns readiness to prototype_changed, naming it once', () => {
    const out = run('open');
    expect(out.addError).toBeNull();
    expect(out.inherited).toBe('pwned');
    expect(out.afterAdd).toEqual({ ready: false, reason: 'prototype_changed' });
    expect(out.afterReplace).toEqual({ ready: false, reason: 'prototype_changed' });
    expect(out.reports).toEqual([['Object.prototype.label', 'Array.prototype.evil'], ['Object.prototype.toLocaleString', 'Object.prototype.label', 'Array.prototype.evil']]);
  });
});
