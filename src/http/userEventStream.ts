import type { Response } from 'express';
import type { UserEventHub } from '../codex/userEventHub';
import { drained } from './sse';

export interface UserStreamOptions {
  keepaliveMs: number;
  maxBacklogBytes: number;
  stallTimeoutMs: number;
  /** Kept events after this id first (Last-Event-ID / `after`); undefined: from now on. */
  afterSeq: number | undefined;
}

/**
 * Writes a user's events as Server-Sent Events until the client goes away: `id:` the event's id,
 * `event:` its type. A client that stops reading is cut after the stall timeout and may resume.
 */
export async function streamUserEvents(res: Response, hub: UserEventHub, options: UserStreamOptions): Promise<void> {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const disconnected = new AbortController();
  res.once('close', () => disconnected.abort());
  // The comment makes proxies and clients see the stream open before the first event.
  res.write(': connected\n\n');
  const keepalive = setInterval(() => {
    if (res.writableLength === 0) res.write(': keepalive\n\n');
  }, options.keepaliveMs);
  try {
    for await (const batch of hub.batches(options.afterSeq, disconnected.signal)) {
      res.write(batch.map(({ seq, event }) => `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
      if (res.writableLength < options.maxBacklogBytes) continue;
      if (!(await drained(res, disconnected.signal, options.stallTimeoutMs))) {
        if (!disconnected.signal.aborted) res.destroy();
        break;
      }
    }
  } finally {
    clearInterval(keepalive);
    if (!res.destroyed) res.end();
  }
}
