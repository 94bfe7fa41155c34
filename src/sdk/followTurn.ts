import { BridgeProtocolError } from './errors';
import type { Approval, ApprovalAnswer, ApprovalDecision, StreamedChatEvent } from './types';

type TurnEvents = AsyncGenerator<StreamedChatEvent, void, undefined>;

export interface FollowOptions {
  /** Reconnections after a dropped connection, each resuming after the last event seen (default 3; 0: none). */
  reconnect?: number;
  /** Pause before each reconnection, in ms (default 500). */
  reconnectDelayMs?: number;
  /**
   * Called for every `approval.requested` event; a decision (or a whole answer of the request's kind, e.g.
   * `{ answers: { color: 'Blue' } }` for a question) it returns is sent to the bridge before the stream goes on.
   * Returning nothing leaves the request to another client (or to the bridge's timeout).
   */
  onApproval?: (
    approval: Approval,
  ) => ApprovalDecision | ApprovalAnswer | undefined | Promise<ApprovalDecision | ApprovalAnswer | undefined>;
  signal?: AbortSignal;
}

export interface FollowHooks {
  resume(threadId: string, turnId: string, lastEventId: number): TurnEvents;
  answer(threadId: string, requestId: string, answer: ApprovalAnswer): Promise<unknown>;
}

/** A cut connection (network error or a stream that ended before [DONE]), as opposed to a refusal or an abort. */
function isDroppedConnection(error: unknown): boolean {
  return error instanceof BridgeProtocolError || (error instanceof TypeError && !(error instanceof DOMException));
}

/**
 * Follows one turn to its end: when the connection drops it resumes from the turn's event stream with
 * the last id seen, so the caller gets every event exactly once, in order; and it answers approvals
 * through `onApproval`.
 */
export async function* followTurn(
  first: TurnEvents,
  hooks: FollowHooks,
  options: FollowOptions = {},
  known: { turn?: { threadId: string; turnId: string }; lastEventId?: number } = {},
): TurnEvents {
  const maxReconnects = options.reconnect ?? 3;
  let current = first;
  let turn = known.turn;
  let lastEventId = known.lastEventId ?? 0;
  let reconnects = 0;
  for (;;) {
    try {
      for await (const streamed of current) {
        if (streamed.id <= lastEventId) continue;
        lastEventId = streamed.id;
        reconnects = 0;
        const { event } = streamed;
        if (event.type === 'turn.started') turn = { threadId: event.thread_id, turnId: event.turn_id };
        if (event.type === 'approval.requested' && options.onApproval) {
          const reply = await options.onApproval(event.approval);
          if (reply)
            await hooks.answer(
              event.thread_id,
              event.approval.request_id,
              typeof reply === 'string' ? { decision: reply } : reply,
            );
        }
        yield streamed;
      }
      return;
    } catch (error) {
      if (!turn || options.signal?.aborted || reconnects >= maxReconnects || !isDroppedConnection(error)) throw error;
      reconnects++;
      await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 500));
      current = hooks.resume(turn.threadId, turn.turnId, lastEventId);
    }
  }
}
