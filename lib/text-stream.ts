import 'server-only';

/**
 * A response body read from `chunks` only as fast as the client takes it (spec §23: every export streams).
 * The stream asks for the next chunk when its queue is empty (high-water mark: one chunk), so at most one
 * chunk (for the audit CSV, one batch of rows) waits ahead of a slow reader, however long the export is.
 * A client that goes away closes the source (its `finally` blocks run and it reads no further).
 */
export function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
}
