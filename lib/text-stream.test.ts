import { describe, expect, it } from 'vitest';
import { textStream } from './text-stream';

/** A source of `total` chunks that counts how many were produced and whether it was closed. */
function counted(total: number) {
  const seen = { produced: 0, closed: false };
  async function* source() {
    try {
      for (let i = 0; i < total; i++) {
        seen.produced++;
        yield `row ${i}\n`;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, chunks: source() };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('textStream: exports stream with bounded memory (spec §23)', () => {
  it('reads its source only as fast as the reader takes it: at most one chunk ahead', async () => {
    const { seen, chunks } = counted(100_000);
    const reader = textStream(chunks).getReader();
    await turns(20);
    expect(seen.produced).toBeLessThanOrEqual(1);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('row 0\n');
    await turns(20);
    expect(seen.produced).toBeLessThanOrEqual(2);
    await reader.cancel();
    expect(seen.closed).toBe(true);
    expect(seen.produced).toBeLessThanOrEqual(2);
  });

  it('passes every chunk on, in order, and ends with its source', async () => {
    const { seen, chunks } = counted(5);
    expect(await new Response(textStream(chunks)).text()).toBe('row 0\nrow 1\nrow 2\nrow 3\nrow 4\n');
    expect(seen).toEqual({ produced: 5, closed: true });
  });
});
