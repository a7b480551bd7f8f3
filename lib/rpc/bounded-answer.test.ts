import { describe, expect, it } from 'vitest';
import { BYTES_PER_TURN, byteSize, resultWithin, StreamedArray } from './bounded-answer';

const exact = (id: number | string | null, result: unknown) => JSON.stringify({ jsonrpc: '2.0', result, id });

/** A source that counts how many items were read from it and whether it was closed. */
function counted<T>(items: T[]) {
  const seen = { read: 0, closed: false };
  async function* source() {
    try {
      for (const item of items) {
        seen.read++;
        yield item;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, stream: new StreamedArray(source()) };
}

describe('resultWithin: an answer written against a byte budget (spec §23)', () => {
  it('writes exactly what JSON.stringify writes, at the bound and not one byte past it', async () => {
    for (const result of ['Hello World!', true, { a: [1, 'ü', null], b: new Date(0) }, [{ mail: 'a@b.test', memo: 'ß'.repeat(50) }, 2, 'x'], [], null]) {
      const text = exact(7, result);
      const size = byteSize(text);
      expect(await resultWithin(7, result, size)).toBe(text);
      expect(await resultWithin(7, result, size - 1)).toBeNull();
    }
    // A method that returns nothing still answers with a result member (null), as JSON-RPC requires.
    expect(await resultWithin('x', undefined, 100)).toBe(exact('x', null));
    expect(await resultWithin(1, [undefined, () => 1], 100)).toBe(exact(1, [null, null]));
  });

  it('writes a streamed array like an array, and stops reading its source at the first element past the bound', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ n: i, memo: 'm'.repeat(100) }));
    const whole = exact(3, items);
    const all = counted(items);
    expect(await resultWithin(3, all.stream, byteSize(whole))).toBe(whole);
    expect(all.seen).toEqual({ read: 1000, closed: true });
    // Room for about ten elements: the source is read once past that and closed, not read to the end.
    const few = counted(items);
    expect(await resultWithin(3, few.stream, byteSize(exact(3, items.slice(0, 10))) + 50)).toBeNull();
    expect(few.seen).toEqual({ read: 11, closed: true });
  });

  it('passes on what serialization throws (a BigInt), for the caller to answer -32603', async () => {
    await expect(resultWithin(1, { n: 1n }, 1000)).rejects.toThrow(/BigInt/);
    await expect(resultWithin(1, new StreamedArray((async function* () { yield 1n; })()), 1000)).rejects.toThrow(/BigInt/);
  });

  it('lets the event loop run while a long answer is written', async () => {
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const items = Array.from({ length: 2000 }, () => 'x'.repeat(1000));
    const text = await resultWithin(1, items, 4 * 1024 * 1024);
    counting = false;
    expect(text).toBe(exact(1, items));
    // About 2 MB written: one turn at least per BYTES_PER_TURN.
    expect(turns).toBeGreaterThanOrEqual(Math.floor((2000 * 1003) / BYTES_PER_TURN) - 1);
  });
});
