import { BridgeProtocolError } from './errors';
import type { StreamedUserEvent } from './types';

type UserEvents = AsyncGenerator<StreamedUserEvent, void, undefined>;

export interface UserEventsOptions {
  /** Resume after this event id (from an earlier `events()`); 0 replays every event the bridge keeps. Default: from now on. */
  lastEventId?: number;
  /** Reconnections in a row without an event in between before giving up (default 10; 0: none). */
  reconnect?: number;
  /** Pause before each reconnection, in ms (default 1000). */
  reconnectDelayMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function isDroppedConnection(error: unknown): boolean {
  return error instanceof BridgeProtocolError || (error instanceof TypeError && !(error instanceof DOMException));
}

/**
 * The caller's event stream without end: a dropped connection is opened again with the last id seen, so
 * every event the bridge still keeps arrives exactly once, in order. Leave the loop (or abort) to stop.
 */
export async function* followUserEvents(
  open: (lastEventId: number | undefined) => UserEvents,
  options: UserEventsOptions = {},
): UserEvents {
  const maxReconnects = options.reconnect ?? 10;
  let lastEventId = options.lastEventId;
  let reconnects = 0;
  for (;;) {
    try {
      for await (const streamed of open(lastEventId)) {
        if (lastEventId !== undefined && streamed.id <= lastEventId) continue;
        lastEventId = streamed.id;
        reconnects = 0;
        yield streamed;
      }
      return;
    } catch (error) {
      if (options.signal?.aborted || reconnects >= maxReconnects || !isDroppedConnection(error)) throw error;
      reconnects++;
      await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 1000));
    }
  }
}
