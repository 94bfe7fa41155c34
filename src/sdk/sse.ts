import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { BridgeProtocolError, problemErrorFrom } from './errors';
import type { ChatEvent, StreamedChatEvent, StreamedUserEvent, UserEvent } from './types';

const DONE = '[DONE]';

/** What openapi-fetch answers with `parseAs: 'stream'`. */
export interface StreamOutcome {
  error?: unknown;
  response: Response;
}

/**
 * A turn's events (from POST /chat or GET .../events) as typed events. A problem answer throws
 * `BridgeProblemError`. Ends after `data: [DONE]`; a stream that ends before it was cut (the server
 * always sends it), so that throws instead of passing for a complete turn. Leaving the loop early
 * cancels the body, which closes the connection.
 */
export async function* turnEventsOf(
  send: () => Promise<StreamOutcome>,
): AsyncGenerator<StreamedChatEvent, void, undefined> {
  // Sent from inside the generator, so nothing is requested (or left to reject unhandled) until iteration starts.
  const { error, response } = await send();
  if (!response.ok) throw problemErrorFrom(response, error);
  // The turn has ended and nothing came after `lastEventId`: the end of the stream, as [DONE] would be.
  if (response.status === 204) return;
  for await (const message of sseMessagesOf(await eventStreamBody(response))) {
    if (message.data === DONE) return;
    yield { id: sequenceOf(message), event: JSON.parse(message.data) as ChatEvent };
  }
  throw new BridgeProtocolError('the event stream ended before data: [DONE]');
}

/**
 * The caller's events (GET /events) as typed events. The stream has no end of its own: when the body ends
 * the connection was cut (or the bridge restarted), which throws `BridgeProtocolError` for the caller to resume.
 */
export async function* userEventsOf(
  send: () => Promise<StreamOutcome>,
): AsyncGenerator<StreamedUserEvent, void, undefined> {
  const { error, response } = await send();
  if (!response.ok) throw problemErrorFrom(response, error);
  for await (const message of sseMessagesOf(await eventStreamBody(response))) {
    yield { id: sequenceOf(message), event: JSON.parse(message.data) as UserEvent };
  }
  throw new BridgeProtocolError('the event stream ended');
}

/** The body of an answer that must be an event stream; anything else is the bridge breaking its contract. */
async function eventStreamBody(response: Response): Promise<ReadableStream<Uint8Array>> {
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!contentType.startsWith('text/event-stream') || !response.body) {
    await response.body?.cancel();
    throw new BridgeProtocolError(
      `expected text/event-stream, got ${contentType || 'no content type'} (HTTP ${response.status})`,
    );
  }
  return response.body;
}

function sequenceOf(message: EventSourceMessage): number {
  const id = Number(message.id);
  if (message.id === undefined || !Number.isInteger(id)) {
    throw new BridgeProtocolError(`event ${message.event ?? '(unnamed)'} has no numeric id: ${String(message.id)}`);
  }
  return id;
}

async function* sseMessagesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<EventSourceMessage, void, undefined> {
  const parsed: EventSourceMessage[] = [];
  // Comments (`: keepalive`) have their own callback, which is left out: they carry nothing.
  const parser = createParser({ onEvent: (message) => parsed.push(message) });
  const decoder = new TextDecoder();
  // A reader rather than `for await` over the stream: Safari's ReadableStream is not async-iterable.
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        parser.feed(decoder.decode());
        finished = true;
      } else {
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
      yield* parsed.splice(0);
      if (finished) return;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
