import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * A scripted stand-in for the OpenAI Responses API that end-to-end tests point the real codex at.
 * It speaks exactly the subset of the wire format codex 0.169-0.171 is known to accept
 * (see /work/shared/reference/codex-app-server.md).
 */

export type FakeReply =
  /**
   * A streamed assistant message. `chunks`: how many deltas (default 3) or the deltas themselves (codex
   * keeps `text` as the final message either way). `delayMs`: pause between deltas.
   */
  | {
      kind: 'text';
      text: string;
      chunks?: number | string[];
      delayMs?: number;
      /** A reasoning summary streamed before the message, as a `reasoning` output item. */
      reasoning?: string;
    }
  /** An `exec_command` call; codex's follow-up request (ending in its output) gets `then` (default text "done"). */
  | { kind: 'command'; command: string; then?: FakeReply; args?: Record<string, unknown> }
  /**
   * A call of codex's `update_plan` tool (codex then notifies `turn/plan/updated`); the follow-up request
   * gets `then` (default text "done").
   */
  | { kind: 'plan'; plan: Array<{ step: string; status: 'pending' | 'in_progress' | 'completed' }>; explanation?: string; then?: FakeReply }
  /**
   * A call of any other function tool codex offers (e.g. `request_user_input`, `request_permissions`);
   * codex's follow-up request (ending in the call's output) gets `then` (default text "done").
   */
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown>; then?: FakeReply; namespace?: string }
  | { kind: 'http_error'; status: number; body?: string }
  /** Never answers (until close). */
  | { kind: 'hang' }
  /** Starts the stream, then destroys the socket. */
  | { kind: 'drop' }
  /** Streams a `response.failed` event. */
  | { kind: 'failed' };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface FakeModel {
  /** Base URL ending in `/v1`, as a codex provider `base_url`. */
  readonly url: string;
  /** Parsed bodies of every `POST /responses`, in arrival order. */
  readonly requests: unknown[];
  /** The Authorization header of every `POST /responses`, in arrival order. */
  readonly authorizations: string[];
  /** Usage of every `response.completed` sent, in order (a command turn completes two responses). */
  readonly usages: FakeUsage[];
  /** Replies used, in order, before falling back to the default. */
  enqueue(...replies: FakeReply[]): void;
  setDefault(reply: FakeReply): void;
  close(): Promise<void>;
}

export interface FakeModelOptions {
  defaultReply?: FakeReply;
}

export const DEFAULT_REPLY_TEXT = 'Hello from the fake model';
export const FAKE_INPUT_TOKENS = 10;
/** Model name to give codex (`-c model=...`); the fake accepts any. */
export const FAKE_MODEL_NAME = 'gpt-test';

/** Usage the fake reports for a response with this many output deltas (a command response counts 1). */
export function fakeUsage(outputTokens: number): FakeUsage {
  return {
    input_tokens: FAKE_INPUT_TOKENS,
    output_tokens: outputTokens,
    total_tokens: FAKE_INPUT_TOKENS + outputTokens,
  };
}

/** `-c` arguments that make codex talk to the fake through a custom provider, without retries. */
export function codexConfigArgs(fake: FakeModel): string[] {
  const provider =
    `{name="fake", base_url=${JSON.stringify(fake.url)}, wire_api="responses", ` +
    'requires_openai_auth=true, request_max_retries=0, stream_max_retries=0}';
  return ['-c', 'model_provider=fake', '-c', `model_providers.fake=${provider}`, '-c', `model="${FAKE_MODEL_NAME}"`];
}

/** The bridge's environment for talking to the fake: a dummy key, the fake's URL, no retries. */
export function fakeModelEnv(fake: FakeModel): Record<string, string> {
  return {
    OPENAI_API_KEY: 'sk-test-key',
    OPENAI_BASE_URL: fake.url,
    CODEX_MODEL: FAKE_MODEL_NAME,
    CODEX_REQUEST_MAX_RETRIES: '0',
    CODEX_STREAM_MAX_RETRIES: '0',
  };
}

/** Last item of a request's `input`: a command follow-up ends with its `function_call_output`. */
export function lastInputItem(request: unknown): Record<string, unknown> | undefined {
  const input = (request as { input?: unknown }).input;
  if (!Array.isArray(input)) return undefined;
  const last: unknown = input[input.length - 1];
  return typeof last === 'object' && last !== null ? (last as Record<string, unknown>) : undefined;
}

export async function startFakeModel(options: FakeModelOptions = {}): Promise<FakeModel> {
  const queue: FakeReply[] = [];
  let defaultReply: FakeReply = options.defaultReply ?? { kind: 'text', text: DEFAULT_REPLY_TEXT };
  // A command's follow-up is matched by call_id, not queue position, so parallel turns stay independent.
  const followUps = new Map<string, FakeReply>();
  const requests: unknown[] = [];
  const authorizations: string[] = [];
  const usages: FakeUsage[] = [];
  const sockets = new Set<Socket>();
  // Codex reuses these as its item ids; the random part keeps them unique across fakes sharing a CODEX_HOME.
  const idPrefix = randomBytes(3).toString('hex');
  let nextId = 0;
  const newId = (prefix: string): string => `${prefix}_${idPrefix}_${++nextId}`;

  const pickReply = (body: unknown): FakeReply => {
    const last = lastInputItem(body);
    if (last?.type === 'function_call_output' && typeof last.call_id === 'string') {
      const followUp = followUps.get(last.call_id);
      if (followUp) {
        followUps.delete(last.call_id);
        return followUp;
      }
    }
    return queue.shift() ?? defaultReply;
  };

  const complete = (sse: Sse, responseId: string, outputTokens: number): void => {
    const usage = fakeUsage(outputTokens);
    usages.push(usage);
    sse.send('response.completed', {
      response: { id: responseId, usage: { ...usage, input_tokens_details: null, output_tokens_details: null } },
    });
    sse.end();
  };

  const sendFunctionCall = (
    name: string,
    args: Record<string, unknown>,
    then: FakeReply | undefined,
    sse: Sse,
    namespace?: string,
  ): void => {
    const callId = newId('call');
    followUps.set(callId, then ?? { kind: 'text', text: 'done' });
    sse.send('response.output_item.done', {
      item: {
        type: 'function_call',
        id: newId('fc'),
        name,
        ...(namespace !== undefined && { namespace }),
        call_id: callId,
        arguments: JSON.stringify(args),
      },
    });
  };

  const answer = async (reply: FakeReply, res: http.ServerResponse): Promise<void> => {
    if (reply.kind === 'http_error') {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(
        reply.body ?? JSON.stringify({ error: { message: `fake model error ${reply.status}`, type: 'fake_error' } }),
      );
      return;
    }
    if (reply.kind === 'hang') return; // close() destroys the socket.

    const sse = new Sse(res);
    const responseId = newId('resp');
    sse.send('response.created', { response: { id: responseId } });
    switch (reply.kind) {
      case 'drop':
        res.socket?.destroy();
        return;
      case 'failed':
        sse.send('response.failed', {
          response: {
            id: responseId,
            status: 'failed',
            error: { code: 'server_error', message: 'fake model failure' },
          },
        });
        sse.end();
        return;
      case 'command':
        sendFunctionCall('exec_command', { cmd: reply.command, ...reply.args }, reply.then, sse);
        complete(sse, responseId, 1);
        return;
      case 'plan':
        sendFunctionCall('update_plan', { explanation: reply.explanation, plan: reply.plan }, reply.then, sse);
        complete(sse, responseId, 1);
        return;
      case 'tool_call':
        sendFunctionCall(reply.name, reply.arguments, reply.then, sse, reply.namespace);
        complete(sse, responseId, 1);
        return;
      case 'text': {
        if (reply.reasoning !== undefined) sendReasoning(sse, newId('rs'), reply.reasoning);
        const itemId = newId('msg');
        const message = { type: 'message', role: 'assistant', id: itemId };
        sse.send('response.output_item.added', { item: { ...message, content: [] } });
        const deltas = splitText(reply.text, reply.chunks ?? 3);
        for (const [index, delta] of deltas.entries()) {
          if (index > 0 && reply.delayMs) await sleep(reply.delayMs);
          if (res.destroyed) return; // the client gave up (e.g. interrupt)
          sse.send('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta });
        }
        sse.send('response.output_item.done', {
          item: { ...message, content: [{ type: 'output_text', text: reply.text, annotations: [] }] },
        });
        complete(sse, responseId, deltas.length);
        return;
      }
    }
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: [], models: [] });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/responses') {
      sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}` } });
      return;
    }
    readBody(req)
      .then((raw) => {
        const body: unknown = JSON.parse(raw);
        requests.push(body);
        authorizations.push(req.headers.authorization ?? '');
        return answer(pickReply(body), res);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 400, { error: { message: String(error) } });
        else res.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    usages,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (defaultReply = reply),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** A reasoning item the way the Responses API streams one: the summary part, its text, the finished item. */
function sendReasoning(sse: Sse, itemId: string, summary: string): void {
  sse.send('response.output_item.added', { output_index: 0, item: { type: 'reasoning', id: itemId, summary: [] } });
  sse.send('response.reasoning_summary_part.added', {
    item_id: itemId,
    output_index: 0,
    summary_index: 0,
    part: { type: 'summary_text', text: '' },
  });
  sse.send('response.reasoning_summary_text.delta', {
    item_id: itemId,
    output_index: 0,
    summary_index: 0,
    delta: summary,
  });
  sse.send('response.reasoning_summary_text.done', {
    item_id: itemId,
    output_index: 0,
    summary_index: 0,
    text: summary,
  });
  sse.send('response.output_item.done', {
    output_index: 0,
    item: {
      type: 'reasoning',
      id: itemId,
      summary: [{ type: 'summary_text', text: summary }],
      encrypted_content: null,
    },
  });
}

class Sse {
  constructor(private readonly res: http.ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  }

  send(type: string, payload: Record<string, unknown>): void {
    if (!this.res.destroyed) this.res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
  }

  end(): void {
    if (!this.res.destroyed) this.res.end();
  }
}

/** Splits into exactly `chunks` pieces (fewer only for very short text), so usage is predictable. */
function splitText(text: string, chunks: number | string[]): string[] {
  if (Array.isArray(chunks)) return chunks;
  const count = Math.max(1, Math.min(chunks, text.length));
  return Array.from({ length: count }, (_, i) =>
    text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)),
  );
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  // Unref'd so a slow stream cut short by close() does not keep jest alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A question for codex's `request_user_input` tool (a `tool_call` reply's `arguments.questions`). */
export const COLOUR_QUESTION = {
  id: 'color',
  header: 'Colour',
  question: 'Which colour should the logo be?',
  options: [
    { label: 'Red (Recommended)', description: 'Warm, matches the site.' },
    { label: 'Blue', description: 'Cool, matches the docs.' },
  ],
};
