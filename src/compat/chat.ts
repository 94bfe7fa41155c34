import type { components } from '../../generated/api';
import type { BridgeEvent } from '../codex/bridgeEvents';
import type { TurnRun } from '../codex/turnRun';
import { HttpProblem } from '../http/errors';

type OriginalEvent = components['schemas']['OriginalEvent'];
type OriginalChatResult = components['schemas']['OriginalChatResult'];

/** The original's prompt: every non-empty content, whatever its role, one per line. */
export function originalPrompt(messages: Array<{ content: string }>): string {
  const prompt = messages
    .map((message) => message.content)
    .filter((content) => content.length > 0)
    .join('\n');
  if (!prompt.trim()) throw new HttpProblem(400, 'empty-message', 'Request is invalid', 'Empty message');
  return prompt;
}

/** First `data:` of an original stream: which thread the client is on. */
export function sessionEvent(threadId: string): OriginalEvent {
  return { type: 'session', thread_id: threadId };
}

/**
 * A turn event as the original sent it, or nothing for the bridge's own typed events, which it did not
 * have: codex's notifications as codex wrote them, `turn.started` with codex's turn, and an `error` when the
 * bridge ended the turn itself (codex exited, deadline, storage). Codex's own `error` is among its notifications.
 */
export function originalEventsOf(run: TurnRun, event: BridgeEvent, seq: number): OriginalEvent[] {
  const turnStarted: OriginalEvent = { type: 'turn.started', turn: run.codexTurn };
  switch (event.type) {
    case 'codex': {
      const notification = {
        method: event.method,
        params: event.params,
        ...(event.emitted_at_ms !== undefined ? { emittedAtMs: event.emitted_at_ms } : {}),
      };
      // What codex said of the thread before its turn/start answer (events 2..1+n) comes before turn.started,
      // as the original read it from codex's output.
      return run.threadNotesTold > 0 && seq === 1 + run.threadNotesTold ? [notification, turnStarted] : [notification];
    }
    case 'turn.started':
      return run.threadNotesTold > 0 ? [] : [turnStarted];
    case 'turn.error':
      return event.code === 'model_error' ? [] : [{ type: 'error', thread_id: run.threadId, message: event.message }];
    default:
      return [];
  }
}

/** The SSE text of one event in the original's stream: `data:` lines only. */
export function originalSseOf(run: TurnRun, event: BridgeEvent, seq: number): string {
  return originalEventsOf(run, event, seq)
    .map((original) => `data: ${JSON.stringify(original)}\n\n`)
    .join('');
}

/** `stream: false`: the thread, the last assistant message and every event of the turn. */
export function originalChatResult(run: TurnRun): OriginalChatResult {
  const events = run.events.flatMap(({ event, seq }) => originalEventsOf(run, event, seq));
  return { thread_id: run.threadId, message: run.lastMessage, events };
}
