import 'server-only';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RpcId } from './envelope';

/*
 * Output is bounded like input (spec §23). A 1 MiB request can ask for far more than 1 MiB of answer (1,000
 * `mail.list` pages of long memos are gigabytes), so the answer is written against a byte budget as it is
 * produced, never built whole and measured afterwards: a result is serialized element by element and given
 * up as soon as it passes what is left of the budget.
 */

/** The most bytes one JSON-RPC request is answered with (a batch's whole array, or a single call's answer). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** How much serialized answer is written between two yields to the event loop (so /healthz is never kept waiting). */
export const BYTES_PER_TURN = 64 * 1024;

/**
 * A result that is an array read piece by piece (a `mail.list` page is read from the database in chunks):
 * written like an array, and read only as far as the budget goes.
 */
export class StreamedArray<T = unknown> {
  constructor(readonly items: AsyncIterable<T>) {}
}

/** The bytes `text` takes on the wire (UTF-8). */
export const byteSize = (text: string): number => Buffer.byteLength(text, 'utf8');

/** JSON text of a value as JSON.stringify writes it inside an array (`undefined` and functions are `null`). */
const element = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** Thrown (and caught below) when an answer passes its room: nothing else can be done with the rest of it. */
class OverBudget extends Error {}

/** Writes the elements of an array-like result into `parts` as long as they fit; yields every BYTES_PER_TURN. */
async function writeElements(items: Iterable<unknown> | AsyncIterable<unknown>, parts: string[], room: { left: number }): Promise<void> {
  let sinceYield = 0;
  let first = true;
  // for-await on a generator calls its return() when left early: a StreamedArray stops reading its source.
  for await (const item of items) {
    const text = first ? element(item) : `,${element(item)}`;
    first = false;
    const size = byteSize(text);
    if (size > room.left) throw new OverBudget();
    room.left -= size;
    parts.push(text);
    sinceYield += size;
    if (sinceYield >= BYTES_PER_TURN) {
      sinceYield = 0;
      await nextTurn();
    }
  }
}

/**
 * The JSON text of `{"jsonrpc":"2.0","result":…,"id":…}` if it takes at most `room` bytes, else null. An
 * array result (or a StreamedArray) is written element by element and abandoned at the first element that
 * passes the room, so an oversized answer costs at most the room plus one element of memory, and a
 * StreamedArray's source is not read further. Throws what the result's serialization throws (a BigInt,
 * a cycle): the caller answers that call -32603.
 */
export async function resultWithin(id: RpcId, result: unknown, room: number): Promise<string | null> {
  const head = '{"jsonrpc":"2.0","result":';
  const tail = `,"id":${JSON.stringify(id)}}`;
  const left = { left: room - byteSize(head) - byteSize(tail) };
  if (left.left < 0) return null;
  const parts: string[] = [head];
  try {
    if (result instanceof StreamedArray || Array.isArray(result)) {
      left.left -= 2;
      if (left.left < 0) return null;
      parts.push('[');
      await writeElements(result instanceof StreamedArray ? result.items : result, parts, left);
      parts.push(']');
    } else {
      // JSON-RPC requires a result member: a method that returns nothing answers null.
      const text = element(result);
      if (byteSize(text) > left.left) return null;
      parts.push(text);
    }
  } catch (error) {
    if (error instanceof OverBudget) return null;
    throw error;
  }
  parts.push(tail);
  return parts.join('');
}

/** Lets the rest of the server run (a /healthz probe, another request's call) before the next call of a batch. */
export const betweenCalls = (): Promise<void> => nextTurn();
