/** The answer to a body over a route's limit: a 413 the client can read, on a connection not reused. */
import type { Context } from 'hono';
import { errorResponse } from './errors.js';

async function discardBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<void> {
  // A chunked body is already being read by the limiter, which stops reading it: nothing to drain.
  if (!body || body.locked) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to tell it.
  }
}

export async function answerOversizeBody(c: Context, drainBytes: number, message: string): Promise<Response> {
  // Read (and discard) a moderately oversize body so the client sees the 413 rather than a reset.
  await discardBody(c.req.raw.body, drainBytes);
  // The rest of the body is left unread: the connection cannot carry another request.
  c.header('Connection', 'close');
  return errorResponse(c, 413, 'payload_too_large', message);
}
