import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseOptions, streamWriter, terminalSafe, terminalSafeJson, writeItems } from './output';

async function* batches<T>(...lists: T[][]): AsyncGenerator<T[]> {
  for (const list of lists) yield list;
}

function collector() {
  const chunks: string[] = [];
  return { chunks, write: async (chunk: string) => void chunks.push(chunk) };
}

describe('parseOptions', () => {
  const schema = z.object({ sinceDate: z.string().regex(/^\d+$/, 'must be digits').optional(), json: z.boolean().default(false) }).strict();

  it('returns the typed options', () => {
    expect(parseOptions(schema, { sinceDate: '12' })).toEqual({ sinceDate: '12', json: false });
  });

  it('names the bad option as the operator typed it', () => {
    expect(() => parseOptions(schema, { sinceDate: 'x' })).toThrow(/^--since-date: must be digits$/);
  });
});

describe('terminal-safe output', () => {
  it('shows control characters escaped, so a row stays one line and cannot drive the terminal', () => {
    expect(terminalSafe('a\tb\nc\u001b[2Jd\u009b31m\u007f\u2028')).toBe('a\\x09b\\x0ac\\x1b[2Jd\\x9b31m\\x7f\\u2028');
    expect(terminalSafe('carol@example.com from 192.0.2.7 — ünïcode')).toBe('carol@example.com from 192.0.2.7 — ünïcode');
  });

  it('keeps JSON valid and equal while escaping what JSON.stringify leaves raw', () => {
    const value = { ua: 'x\u001b]0;pwned\u0007\u009b\u2029y' };
    const text = terminalSafeJson(value);
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('writeItems', () => {
  it('writes one tab-separated line per item, a chunk per batch', async () => {
    const out = collector();
    const n = await writeItems(batches([{ a: '1', b: 'x' }], [], [{ a: '2', b: 'y\tz' }]), { json: false, line: (r) => [r.a, r.b] }, out.write);
    expect(n).toBe(2);
    expect(out.chunks).toEqual(['1\tx\n', '2\ty\\x09z\n']);
  });

  it('writes a JSON array, one item per line, streamed batch by batch', async () => {
    const out = collector();
    const items = [{ n: 1 }, { n: 2 }, { n: 3 }];
    expect(await writeItems(batches(items.slice(0, 2), items.slice(2)), { json: true }, out.write)).toBe(3);
    expect(out.chunks).toHaveLength(4);
    expect(out.chunks.join('')).toBe('[\n{"n":1},\n{"n":2},\n{"n":3}\n]\n');
    expect(JSON.parse(out.chunks.join(''))).toEqual(items);
  });

  it('an empty JSON list is []', async () => {
    const out = collector();
    await writeItems(batches<object>(), { json: true }, out.write);
    expect(out.chunks.join('')).toBe('[]\n');
  });
});

describe('streamWriter', () => {
  it("waits for 'drain' when the stream is full", async () => {
    const stream = new PassThrough({ highWaterMark: 4 });
    const write = streamWriter(stream);
    let done = false;
    const pending = write('more than four bytes').then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    stream.read();
    await pending;
    expect(done).toBe(true);
  });

  it('rejects once the reader has gone (EPIPE), also while waiting for drain', async () => {
    const stream = new Writable({ highWaterMark: 1, write: (_chunk, _enc, cb) => setImmediate(() => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))) });
    const write = streamWriter(stream);
    await expect(write('first')).rejects.toMatchObject({ code: 'EPIPE' });
    await expect(write('second')).rejects.toMatchObject({ code: 'EPIPE' });
  });
});
