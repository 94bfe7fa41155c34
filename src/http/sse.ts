import type { Response } from 'express';
import type { BridgeEvent } from '../codex/bridgeEvents';
import type { TurnRun } from '../codex/turnRun';

export interface StreamOptions {
  keepaliveMs: number;
  /** SSE_MAX_BACKLOG_BYTES: unsent bytes the bridge buffers for one stream before it waits for the client. */
  maxBacklogBytes: number;
  /** SSE_STALL_TIMEOUT_SECONDS: a client that reads nothing of its backlog for this long is cut off. */
  stallTimeoutMs: number;
  /** Replays events after this sequence number first (Last-Event-ID). */
  afterSeq?: number;
  /** Called when the client goes away before the turn ended (e.g. to interrupt it). */
  onClientGone?: () => void;
  /** Another wire form of the events (the original profile); undefined leaves an event out. Default: typed SSE. */
  format?: ((event: BridgeEvent, seq: number) => string | undefined) | undefined;
  /** Written before the first event. */
  preamble?: string | undefined;
}

const typedSse = (event: BridgeEvent, seq: number): string =>
  `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/** SSE_LEGACY_ERROR_EVENT: the failure event under its name before `turn.error`, for clients written against it. */
export const legacyErrorSse = (event: BridgeEvent, seq: number): string =>
  event.type === 'turn.error'
    ? `id: ${seq}\nevent: error\ndata: ${JSON.stringify({ ...event, type: 'error' })}\n\n`
    : typedSse(event, seq);

/** Formatted events are written in pieces of about this size, so that the backlog check happens often. */
const WRITE_CHUNK_CHARS = 64 * 1024;

/**
 * Starts an SSE answer for a turn (no proxy buffering, the turn's ids in headers); the returned signal
 * aborts when the client goes away.
 */
export function openEventStream(res: Response, run: TurnRun): AbortSignal {
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
  return disconnected.signal;
}

/**
 * Writes a turn as Server-Sent Events: `id:` is the event's sequence number, `event:` its type.
 * Always ends with `data: [DONE]`, also when something breaks mid-stream, so clients are never
 * left with a silently cut stream. Returns when the turn ended or the client went away.
 */
export async function streamTurn(res: Response, run: TurnRun, options: StreamOptions): Promise<void> {
  const disconnected = openEventStream(res, run);
  const keepalive = setInterval(() => {
    if (res.writableLength === 0) res.write(': keepalive\n\n');
  }, options.keepaliveMs);
  let lastSeq = options.afterSeq ?? 0;
  // Events that arrived together go out in one write: one HTTP chunk instead of one per event.
  let pending = options.preamble ?? '';
  const format = options.format ?? typedSse;
  try {
    // A reader slower than the turn gets a backlog of at most maxBacklogBytes (plus one chunk) in the bridge;
    // one that stops reading is cut after stallTimeoutMs and may resume with Last-Event-ID.
    const flush = async (): Promise<boolean> => {
      res.write(pending);
      pending = '';
      if (res.writableLength < options.maxBacklogBytes) return true;
      if (await drained(res, disconnected, options.stallTimeoutMs)) return true;
      if (!disconnected.aborted) res.destroy();
      return false;
    };
    let live = true;
    for await (const batch of run.batches(lastSeq, disconnected)) {
      for (const { seq, event } of batch) {
        pending += format(event, seq) ?? '';
        lastSeq = seq;
        if (pending.length >= WRITE_CHUNK_CHARS && !(live = await flush())) break;
      }
      if (!live || (pending.length > 0 && !(live = await flush()))) break;
    }
  } catch (error) {
    if (!disconnected.aborted && !res.destroyed) {
      const event: BridgeEvent = {
        type: 'turn.error',
        thread_id: run.threadId,
        turn_id: run.turnId,
        code: 'internal_error',
        message: (error as Error).message,
        will_retry: false,
      };
      // Events of the batch formatted before the failure still go out, in order, before the error.
      res.write(`${pending}${format(event, lastSeq + 1) ?? ''}`);
    }
  } finally {
    clearInterval(keepalive);
    const gone = disconnected.aborted || res.destroyed;
    if (gone && !run.finished) options.onClientGone?.();
    if (!gone) {
      res.write('data: [DONE]\n\n');
      res.end();
    }
  }
}

/** True once the client has read the backlog; false when it went away or read nothing for `timeoutMs`. */
export function drained(res: Response, signal: AbortSignal, timeoutMs = 2_147_483_647): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
