/**
 * The HTTP side: POST /chat with SSE, read event by event as it arrives (time of the first
 * `message.delta` and of `turn.completed`), and plain GETs for the cheap-route measurements.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TurnTiming } from './timing';

export interface ChatOptions {
  prompt: string;
  /** Continue this thread (default: a new one). */
  threadId?: string;
  userId?: string;
  authorization?: string;
  timeoutMs?: number;
  /** Called once, when the first assistant delta arrives. */
  onFirstDelta?: () => void;
}

export function newAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity });
}

function chatBody(options: ChatOptions, stream: boolean): string {
  return JSON.stringify({
    messages: [{ content: options.prompt }],
    stream,
    ...(options.threadId && { thread_id: options.threadId }),
  });
}

/** One streamed turn (SSE). Never throws: failures come back as `ok: false` with the reason. */
export function chatStream(baseUrl: string, agent: http.Agent, options: ChatOptions): Promise<TurnTiming> {
  const startedAt = performance.now();
  const timing: TurnTiming = {
    ok: false,
    error: undefined,
    startedAt,
    firstDeltaAt: undefined,
    completedAt: startedAt,
    deltas: 0,
    events: 0,
  };
  const body = chatBody(options, true);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    accept: 'text/event-stream',
  };
  if (options.userId) headers['x-user-id'] = options.userId;
  if (options.authorization) headers.authorization = options.authorization;
  const timeoutMs = options.timeoutMs ?? 120_000;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error && !timing.error) timing.error = error;
      if (timing.error) timing.ok = false;
      if (!timing.ok && timing.completedAt === startedAt) timing.completedAt = performance.now();
      resolve(timing);
    };
    const timer = setTimeout(() => {
      request.destroy();
      finish(`no end of stream within ${timeoutMs} ms`);
    }, timeoutMs);
    const request = http.request(`${baseUrl}/chat`, { method: 'POST', headers, agent }, (response) => {
      response.setEncoding('utf8');
      timing.threadId = threadIdOf(response);
      if (response.statusCode !== 200) {
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => finish(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
        response.on('error', (error) => finish(error.message));
        return;
      }
      let buffer = '';
      let eventName: string | undefined;
      let data = '';
      const dispatch = (): void => {
        if (eventName === undefined && data === '') return;
        timing.events++;
        if (eventName === 'message.delta') {
          timing.deltas++;
          if (timing.firstDeltaAt === undefined) {
            timing.firstDeltaAt = performance.now();
            options.onFirstDelta?.();
          }
        } else if (eventName === 'turn.completed') {
          timing.completedAt = performance.now();
          const parsed = JSON.parse(data) as { status?: string; error?: { message?: string } | null };
          timing.ok = parsed.status === 'completed';
          if (!timing.ok) timing.error = `turn ${parsed.status ?? '?'}: ${parsed.error?.message ?? ''}`;
        } else if (eventName === 'turn.error') {
          const parsed = JSON.parse(data) as { code?: string; message?: string };
          timing.error = `error event ${parsed.code ?? ''}: ${parsed.message ?? ''}`;
        }
        eventName = undefined;
        data = '';
      };
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let start = 0;
        let newline = buffer.indexOf('\n', start);
        while (newline >= 0) {
          const line = buffer.slice(start, newline);
          if (line === '') dispatch();
          else if (line.startsWith('event: ')) eventName = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
          start = newline + 1;
          newline = buffer.indexOf('\n', start);
        }
        buffer = buffer.slice(start);
      });
      response.on('end', () => {
        if (timing.completedAt === startedAt && !timing.error) timing.error = 'stream ended without turn.completed';
        finish();
      });
      response.on('error', (error) => finish(error.message));
    });
    request.on('error', (error) => finish(error.message));
    request.end(body);
  });
}

function threadIdOf(response: http.IncomingMessage): string | undefined {
  const header = response.headers['x-thread-id'];
  return typeof header === 'string' ? header : undefined;
}

/** One turn answered as a single JSON body (`stream: false`). Never throws, as chatStream. */
export function chatJson(baseUrl: string, agent: http.Agent, options: ChatOptions): Promise<TurnTiming> {
  const startedAt = performance.now();
  const body = chatBody(options, false);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (options.userId) headers['x-user-id'] = options.userId;
  const done = (ok: boolean, error: string | undefined, threadId?: string): TurnTiming => ({
    ok,
    error,
    startedAt,
    firstDeltaAt: undefined,
    completedAt: performance.now(),
    deltas: 0,
    events: 0,
    threadId,
  });
  return new Promise((resolve) => {
    const request = http.request(
      `${baseUrl}/chat`,
      { method: 'POST', headers, agent, timeout: options.timeoutMs ?? 120_000 },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) {
            resolve(done(false, `HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
            return;
          }
          const status = (JSON.parse(text) as { status?: string }).status;
          resolve(done(status === 'completed', status === 'completed' ? undefined : `turn ${status ?? '?'}`, threadIdOf(response)));
        });
        response.on('error', (error) => resolve(done(false, error.message)));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve(done(false, error.message)));
    request.end(body);
  });
}

export interface GetResult {
  status: number;
  ms: number;
}

/** One GET, body read and dropped; `status` 0 means the request failed. */
export function timedGet(
  url: string,
  agent: http.Agent,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<GetResult> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const request = http.get(url, { headers, agent, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - startedAt }));
      response.on('error', () => resolve({ status: 0, ms: performance.now() - startedAt }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, ms: performance.now() - startedAt }));
  });
}
