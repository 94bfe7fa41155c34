import http from 'node:http';
import { parseSse, type SseEvent } from './bridge';

/**
 * Reads an SSE response event by event and can hang up at any point, as a client on a flaky
 * network would; supertest only hands over whole bodies.
 */
export function openSse(url: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  let buffer = '';
  const events: SseEvent[] = [];
  const listeners = new Set<() => void>();
  let ended = false;
  let request!: http.ClientRequest;
  const ready = new Promise<http.IncomingMessage>((resolve, reject) => {
    request = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          const complete = buffer.lastIndexOf('\n\n');
          if (complete < 0) return;
          events.push(...parseSse(buffer.slice(0, complete + 2)));
          buffer = buffer.slice(complete + 2);
          for (const listener of [...listeners]) listener();
        });
        response.on('end', () => {
          ended = true;
          for (const listener of [...listeners]) listener();
        });
        response.on('error', () => undefined);
        resolve(response);
      },
    );
    request.on('error', reject);
    if (options.body) request.write(JSON.stringify(options.body));
    request.end();
  });

  const waitFor = (condition: (events: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition(events)) {
          cleanup();
          resolve();
        } else if (ended) {
          cleanup();
          reject(new Error(`stream ended before the condition held; got ${events.map((event) => event.event).join(',')}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error('timed out waiting on the SSE stream'));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    ready,
    events,
    waitFor,
    /** Resolves when the server ended the stream. */
    finished: () => waitFor(() => ended, 30_000).catch(() => undefined),
    hangUp: () => request.destroy(),
  };
}
