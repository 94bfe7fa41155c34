import type { Response } from 'express';
import type { TurnRun } from '../codex/turnRun';

export interface StreamOptions {
  keepaliveMs: number;
  /** Replays events after this sequence number first (Last-Event-ID). */
  afterSeq?: number;
  /** Called when the client goes away before the turn ended (e.g. to interrupt it). */
  onClientGone?: () => void;
}

/**
 * Writes a turn as Server-Sent Events: `id:` is the event's sequence number, `event:` its type.
 * Always ends with `data: [DONE]`, also when something breaks mid-stream, so clients are never
 * left with a silently cut stream. Returns when the turn ended or the client went away.
 */
export async function streamTurn(res: Response, run: TurnRun, options: StreamOptions): Promise<void> {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Thread-Id': run.threadId,
    'X-Turn-Id': run.turnId,
  });
  res.flushHeaders();

  const disconnected = new AbortController();
  res.once('close', () => disconnected.abort());
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), options.keepaliveMs);
  let lastSeq = options.afterSeq ?? 0;
  // Events that arrived together go out in one write: one HTTP chunk instead of one per event.
  let pending = '';
  try {
    for await (const batch of run.batches(lastSeq, disconnected.signal)) {
      for (const { seq, event } of batch) {
        pending += `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
        lastSeq = seq;
      }
      const written = res.write(pending);
      pending = '';
      if (!written) await drained(res, disconnected.signal);
    }
  } catch (error) {
    if (!disconnected.signal.aborted) {
      const event = {
        type: 'error',
        thread_id: run.threadId,
        turn_id: run.turnId,
        code: 'internal_error',
        message: (error as Error).message,
        will_retry: false,
      };
      // Events of the batch formatted before the failure still go out, in order, before the error.
      res.write(`${pending}id: ${lastSeq + 1}\nevent: error\ndata: ${JSON.stringify(event)}\n\n`);
    }
  } finally {
    clearInterval(keepalive);
    if (disconnected.signal.aborted && !run.finished) options.onClientGone?.();
    if (!disconnected.signal.aborted) {
      res.write('data: [DONE]\n\n');
      res.end();
    }
  }
}

/** Resolves once the socket can take more, or the client left. */
export function drained(res: Response, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
