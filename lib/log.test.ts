import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { isoTime, linesPerTurn } from './log';

describe('isoTime', () => {
  it('writes the field pino.stdTimeFunctions.isoTime writes, for the current millisecond', () => {
    const before = Date.now();
    const field = isoTime();
    const after = Date.now();
    expect(field).toMatch(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
    expect(pino.stdTimeFunctions.isoTime().length).toBe(field.length);
    const at = Date.parse(field.slice(9, -1));
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });

  it('follows the clock (formatted once per millisecond, never reused across milliseconds)', async () => {
    const first = isoTime();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(isoTime()).not.toBe(first);
  });
});

describe('linesPerTurn', () => {
  it('hands the lines of one event-loop turn over as one write, in order, and drains on demand', async () => {
    const writes: string[] = [];
    const lines = linesPerTurn({ write: (text: string) => writes.push(text) });
    lines.write('a\n');
    lines.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    lines.write('c\n');
    lines.drain();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });
});

describe('the default level', () => {
  // Each case loads fresh copies of env and log; the logger lives on globalThis, so it is cleared too.
  async function freshLog(level: string | undefined) {
    const holder = globalThis as { portcullisLog?: unknown; portcullisLogDefault?: unknown };
    delete holder.portcullisLog;
    delete holder.portcullisLogDefault;
    const saved = process.env.LOG_LEVEL;
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
    vi.resetModules();
    const mod = await import('./log');
    return { mod, restore: () => void (saved === undefined ? delete process.env.LOG_LEVEL : (process.env.LOG_LEVEL = saved)) };
  }

  it('is info without LOG_LEVEL, and what a process asks for (the CLI: warn)', async () => {
    const plain = await freshLog(undefined);
    expect(plain.mod.log().level).toBe('info');
    plain.restore();
    const cli = await freshLog(undefined);
    cli.mod.setDefaultLogLevel('warn');
    expect(cli.mod.log().level).toBe('warn');
    cli.restore();
  });

  it('gives way to LOG_LEVEL, set before or after the logger exists', async () => {
    const before = await freshLog('debug');
    before.mod.setDefaultLogLevel('warn');
    expect(before.mod.log().level).toBe('debug');
    before.restore();
    const after = await freshLog('error');
    after.mod.log();
    after.mod.setDefaultLogLevel('warn');
    expect(after.mod.log().level).toBe('error');
    after.restore();
  });
});
