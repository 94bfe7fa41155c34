import type { Readable, Writable } from 'node:stream';
import readline from 'node:readline';
import { z } from 'zod';
import type { Logger } from '../logger';
import { CodexExitedError, CodexRpcError, CodexTimeoutError } from './errors';

const requestId = z.union([z.number(), z.string()]);
const params = z.record(z.string(), z.unknown());

const serverRequestMessage = z.object({ id: requestId, method: z.string(), params: params.optional() });
const notificationMessage = z.object({ method: z.string(), params: params.optional(), emittedAtMs: z.number().optional() });
const resultMessage = z.object({ id: requestId, result: z.unknown() });
const errorMessage = z.object({ id: requestId, error: z.object({ code: z.number(), message: z.string() }) });

/** The three kinds of line codex writes; anything else is logged and skipped. */
const incomingMessage = z.union([serverRequestMessage, notificationMessage, resultMessage, errorMessage]);

type ParsedIncoming = ReturnType<typeof incomingMessage.safeParse>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A notification (one per streamed delta) checked by hand: the same test notificationMessage makes, with
 * the same result, but without zod copying the message and its params for every delta. Anything
 * unusual goes through zod as before.
 */
function plainNotification(value: Record<string, unknown>): ParsedIncoming | undefined {
  const { method, params: notificationParams, emittedAtMs } = value;
  if (typeof method !== 'string' || 'id' in value) return undefined;
  if (notificationParams !== undefined && !isRecord(notificationParams)) return undefined;
  if (emittedAtMs !== undefined && typeof emittedAtMs !== 'number') return undefined;
  const data: z.infer<typeof notificationMessage> = { method };
  if (notificationParams !== undefined) data.params = notificationParams;
  if (emittedAtMs !== undefined) data.emittedAtMs = emittedAtMs;
  return { success: true, data } as ParsedIncoming;
}

/**
 * Same result as incomingMessage.safeParse, cheaper: tried in order, the union fails (and builds an
 * error) on every notification before it matches, so the member a message's keys point at goes first.
 */
function parseIncoming(value: unknown): ParsedIncoming {
  // No closure here: under tsx (keepNames) every closure created costs an Object.defineProperty.
  const keys: object = typeof value === 'object' && value !== null ? value : {};
  const notification = isRecord(value) && 'method' in value ? plainNotification(value) : undefined;
  if (notification) return notification;
  const likely =
    'method' in keys
      ? 'id' in keys
        ? serverRequestMessage
        : notificationMessage
      : 'result' in keys
        ? resultMessage
        : errorMessage;
  const parsed = likely.safeParse(value);
  return parsed.success ? parsed : incomingMessage.safeParse(value);
}

export type JsonObject = Record<string, unknown>;

export interface Notification {
  method: string;
  params: JsonObject;
  /** When codex sent it (codex 0.169 stamps its notifications); kept for raw events. */
  emittedAtMs?: number | undefined;
}

export interface ServerRequest extends Notification {
  id: string | number;
}

/** Answers one server->client request; a thrown error becomes a JSON-RPC error reply. */
export type ServerRequestHandler = (request: ServerRequest) => Promise<unknown>;

interface PendingCall {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One JSON-RPC peer over a child's stdio. It is the only reader of stdout, so no event can be taken
 * by the wrong request (the original bridge's bug).
 */
export class JsonRpcConnection {
  private nextId = 1;
  private readonly pending = new Map<string | number, PendingCall>();
  private closedWith: Error | undefined;
  private readonly notificationListeners = new Set<(notification: Notification) => void>();

  constructor(
    private readonly input: Writable,
    output: Readable,
    private readonly serverRequestHandler: ServerRequestHandler,
    private readonly logger: Logger,
    private readonly defaultTimeoutMs: number,
  ) {
    readline.createInterface({ input: output, crlfDelay: Infinity }).on('line', (line) => this.receive(line));
  }

  request(method: string, requestParams: JsonObject, timeoutMs = this.defaultTimeoutMs): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CodexTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.send({ id, method, params: requestParams });
    });
  }

  notify(method: string, notificationParams?: JsonObject): void {
    this.send(notificationParams ? { method, params: notificationParams } : { method });
  }

  onNotification(listener: (notification: Notification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Fails every call still waiting; later calls fail at once with the same error. */
  close(error: Error = new CodexExitedError('connection closed')): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
  }

  private send(message: JsonObject): void {
    if (this.closedWith || this.input.destroyed) return;
    this.input.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  private receive(line: string): void {
    if (line.trim() === '') return;
    let parsed: ParsedIncoming;
    try {
      parsed = parseIncoming(JSON.parse(line));
    } catch {
      this.logger.warn({ line: line.slice(0, 200) }, 'codex wrote a line that is not JSON; skipped');
      return;
    }
    if (!parsed.success) {
      this.logger.warn({ line: line.slice(0, 200) }, 'codex wrote a message that is not JSON-RPC; skipped');
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message) {
      void this.answerServerRequest({ id: message.id, method: message.method, params: message.params ?? {} });
    } else if ('method' in message) {
      const notification: Notification = { method: message.method, params: message.params ?? {} };
      if ('emittedAtMs' in message && message.emittedAtMs !== undefined) notification.emittedAtMs = message.emittedAtMs;
      for (const listener of this.notificationListeners) listener(notification);
    } else {
      this.settle(message);
    }
  }

  private settle(
    message:
      { id: string | number; result: unknown } | { id: string | number; error: { code: number; message: string } },
  ): void {
    const call = this.pending.get(message.id);
    if (!call) {
      this.logger.debug({ id: message.id }, 'reply to a call that already timed out; skipped');
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if ('error' in message) call.reject(new CodexRpcError(call.method, message.error.code, message.error.message));
    else call.resolve(message.result);
  }

  private async answerServerRequest(request: ServerRequest): Promise<void> {
    try {
      const result = await this.serverRequestHandler(request);
      this.send({ id: request.id, result });
    } catch (error) {
      this.send({ id: request.id, error: { code: -32601, message: (error as Error).message } });
    }
  }
}
