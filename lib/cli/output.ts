/*
 * How the operator CLI turns options into typed values and writes long output: pure helpers, unit-tested
 * without a database (lib/cli/output.test.ts).
 */
import type { z } from 'zod';

/** `sinceDate` → `--since-date`: the option as the operator typed it. */
function optionName(key: PropertyKey): string {
  return `--${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses commander's options with the command's zod schema; the first problem becomes one error line that
 * names the option ("--limit: must be at most 10000 …").
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path[0];
  throw new Error(key === undefined ? issue.message : `${optionName(key)}: ${issue.message}`);
}

// Audit rows hold text that others chose (addresses typed at sign-in, user agents, labels): a control
// character printed raw could move the cursor, rewrite earlier lines or retitle the operator's terminal.
// C0 and C1 controls, DEL and the two Unicode line separators are shown escaped instead.
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const UNSAFE_JSON = /[\u007f-\u009f\u2028\u2029]/g;
const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** One field of a text line: controls shown as `\xNN` / `\uNNNN`, so a row is always one line. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_TEXT, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** JSON.stringify, with the controls JSON allows raw (DEL, C1, U+2028/9) escaped as well: still valid JSON. */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_JSON, (c) => `\\u${hex(c, 4)}`);
}

/**
 * Writes chunks of lines as they come, as one text line per item or as one JSON array (an item per line),
 * so that memory stays bounded however many items there are; `write` resolves when the chunk may be
 * followed by the next (the stream's backpressure).
 */
export async function writeItems<T>(
  batches: AsyncIterable<readonly T[]>,
  format: { json: true } | { json: false; line: (item: T) => readonly string[] },
  write: (chunk: string) => Promise<void>,
): Promise<number> {
  let count = 0;
  if (format.json) await write('[');
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const text = format.json
      ? batch.map((item, i) => `${count + i === 0 ? '\n' : ',\n'}${terminalSafeJson(item)}`).join('')
      : batch.map((item) => `${format.line(item).map(terminalSafe).join('\t')}\n`).join('');
    count += batch.length;
    await write(text);
  }
  if (format.json) await write(count === 0 ? ']\n' : '\n]\n');
  return count;
}

/**
 * A `write` for {@link writeItems} on a stream (process.stdout): waits for 'drain' when the stream's buffer
 * is full, and rejects once the stream has failed (EPIPE when the reader, e.g. `head`, has gone).
 */
export function streamWriter(stream: NodeJS.WritableStream): (chunk: string) => Promise<void> {
  let failure: Error | null = null;
  let waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;
  stream.on('error', (error: Error) => {
    failure = error;
    waiting?.reject(error);
    waiting = null;
  });
  stream.on('drain', () => {
    waiting?.resolve();
    waiting = null;
  });
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      if (stream.write(chunk)) resolve();
      else waiting = { resolve, reject };
    });
}
