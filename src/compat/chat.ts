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
 * A turn event as the original sent it, or undefined for the bridge's own typed events, which it did not
 * have: codex's notifications as codex wrote them, `turn.started` with codex's turn, and an `error` when the
 * bridge ended the turn itself (codex exited, deadline, storage). Codex's own `error` is among its notifications.
 */
export function originalEventOf(run: TurnRun, event: BridgeEvent): OriginalEvent | undefined {
  switch (event.type) {
    case 'codex':
      return {
        method: event.method,
        params: event.params,
        ...(event.emitted_at_ms !== undefined ? { emittedAtMs: event.emitted_at_ms } : {}),
      };
    case 'turn.started':
      return { type: 'turn.started', turn: run.codexTurn };
    case 'error':
      return event.code === 'model_error' ? undefined : { type: 'error', thread_id: run.threadId, message: event.message };
    default:
      return undefined;
  }
}

/** The SSE text of one event in the original's stream: `data:` lines only. */
export function originalSseOf(run: TurnRun, event: BridgeEvent): string | undefined {
  const original = originalEventOf(run, event);
  return original ? `data: ${JSON.stringify(original)}\n\n` : undefined;
}

/** `stream: false`: the thread, the last assistant message and every event of the turn. */
export function originalChatResult(run: TurnRun): OriginalChatResult {
  const events = run.events.flatMap(({ event }) => originalEventOf(run, event) ?? []);
  return { thread_id: run.threadId, message: run.lastMessage, events };
}
