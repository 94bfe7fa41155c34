import type { Response } from 'express';
import type { TurnRun } from '../codex/turnRun';
import type { SseTranslator } from '../openai/sseTranslator';
import { viewOfRun } from '../openai/turnView';
import { drained } from './sse';

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
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), keepaliveMs);
  let pending = translator.start(viewOfRun(run));
  try {
    for await (const batch of run.batches(0, disconnected.signal)) {
      for (const { event } of batch) pending += translator.event(event);
      if (pending === '') continue;
      const written = res.write(pending);
      pending = '';
      if (!written) await drained(res, disconnected.signal);
    }
    if (!disconnected.signal.aborted) pending += translator.end(viewOfRun(run));
  } catch (error) {
    if (!disconnected.signal.aborted) pending += translator.broken(viewOfRun(run), (error as Error).message);
  } finally {
    clearInterval(keepalive);
    if (!disconnected.signal.aborted) res.end(pending);
  }
}
