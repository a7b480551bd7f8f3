import pino from 'pino';
import { describe, expect, it } from 'vitest';
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
