import type { Response } from 'express';
import type { TurnRun } from '../codex/turnRun';
import type { SseTranslator } from '../openai/sseTranslator';
import { viewOfRun } from '../openai/turnView';
import { drained, openEventStream } from './sse';

/**
 * Writes a turn as an OpenAI stream: the translator decides every byte of `data`, this only handles the
 * socket (headers, keepalive comments, back-pressure, a client that leaves). Returns when the turn ended
 * or the client went away; the turn itself runs on either way.
 */
export async function streamOpenAi(
  res: Response,
  run: TurnRun,
  translator: SseTranslator,
  keepaliveMs: number,
): Promise<void> {
  const disconnected = openEventStream(res, run);
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), keepaliveMs);
  let pending = translator.start(viewOfRun(run));
  try {
    for await (const batch of run.batches(0, disconnected)) {
      for (const { event } of batch) pending += translator.event(event);
      if (pending === '') continue;
      const written = res.write(pending);
      pending = '';
      if (!written) await drained(res, disconnected);
    }
    if (!disconnected.aborted) pending += translator.end(viewOfRun(run));
  } catch (error) {
    if (!disconnected.aborted) pending += translator.broken(viewOfRun(run), (error as Error).message);
  } finally {
    clearInterval(keepalive);
    if (!disconnected.aborted) res.end(pending);
  }
}
