import { BridgeProblemError, type BridgeClient, type StreamedChatEvent, type ThreadId, type TurnState } from '../../src/sdk';
import { describeError } from './dom';

/*
 * Follows a turn to its end across dropped connections: each retry resumes the turn's event stream after
 * the last event seen (Last-Event-ID), so every event is shown once. When the stream cannot be had any
 * more (the turn ended and its stream answers 204 after its last event, 404 or 410), the turn's final state
 * is read instead, before anything is said about a lost connection.
 */

export interface FollowCallbacks {
  event(streamed: StreamedChatEvent): void;
  connection(text: string): void;
  /** The turn ended without its last event reaching the page. */
  finalState(state: TurnState): void;
}

export interface TurnRef {
  threadId: ThreadId;
  turnId: string;
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Runs `events` (the POST /chat stream, or a resume), then resumes until the turn ends. */
export async function followTurn(
  client: BridgeClient,
  events: AsyncIterable<StreamedChatEvent>,
  known: Partial<TurnRef> & { lastEventId?: number },
  callbacks: FollowCallbacks,
  signal: AbortSignal,
): Promise<void> {
  let turn: TurnRef | undefined = known.threadId && known.turnId ? { threadId: known.threadId, turnId: known.turnId } : undefined;
  let lastEventId = known.lastEventId ?? 0;
  let current = events;
  let failures = 0;
  for (;;) {
    let ended = false;
    let gone = false;
    const seenBefore = lastEventId;
    let lost: string | undefined;
    try {
      for await (const streamed of current) {
        if (streamed.id <= lastEventId) continue;
        lastEventId = streamed.id;
        failures = 0;
        if (streamed.event.type === 'turn.started') turn = { threadId: streamed.event.thread_id, turnId: streamed.event.turn_id };
        if (streamed.event.type === 'turn.completed') ended = true;
        callbacks.event(streamed);
      }
      if (ended) return;
    } catch (error) {
      if (signal.aborted) return;
      if (!turn) throw error;
      if (error instanceof BridgeProblemError && error.status !== 404 && error.status !== 410 && error.status < 500 && error.status !== 429) throw error;
      gone = error instanceof BridgeProblemError && error.status === 410;
      lost = describeError(error);
    }
    if (!turn) return;
    // The stream ended (or broke) without turn.completed: a finished turn's state says how it ended.
    const state = await readTurn(client, turn, signal);
    if (signal.aborted) return;
    if (state && state.status !== 'running' && (state.last_event_id <= lastEventId || gone)) {
      callbacks.finalState(state);
      return;
    }
    if (lost !== undefined) callbacks.connection(`Connection lost (${lost}); reconnecting…`);
    if (!state || lastEventId === seenBefore) {
      if (failures >= RETRY_DELAYS_MS.length) throw new Error('the turn could not be followed: the bridge does not answer');
      await sleep(RETRY_DELAYS_MS[failures] ?? 8000, signal);
      failures++;
    }
    if (signal.aborted) return;
    current = client.streamTurnEvents(turn.threadId, turn.turnId, { lastEventId, reconnect: 0, signal });
    callbacks.connection('Running…');
  }
}

async function readTurn(client: BridgeClient, turn: TurnRef, signal: AbortSignal): Promise<TurnState | undefined> {
  try {
    return await client.getTurn(turn.threadId, turn.turnId, { signal });
  } catch {
    return undefined;
  }
}
