import createClient, { type Client, type ClientOptions, type HeadersOptions, type Middleware } from 'openapi-fetch';
import { BridgeProtocolError, problemErrorFrom } from './errors';
import { followTurn, type FollowOptions } from './followTurn';
import { turnEventsOf, userEventsOf } from './sse';
import { followUserEvents, type UserEventsOptions } from './userEvents';
import type {
  Approval,
  ApprovalAnswer,
  ApprovalList,
  ApprovalResolution,
  BridgePaths,
  ChatInput,
  ChatRequest,
  ChatResult,
  ForkThreadRequest,
  GetHistoryQuery,
  History,
  NewReviewInput,
  RevertResult,
  RevertThreadRequest,
  ReviewInput,
  ListThreadsQuery,
  OpenApiDocument,
  RenameThreadRequest,
  ServiceInfo,
  Status,
  StreamedChatEvent,
  ThreadId,
  ThreadList,
  ThreadSummary,
  TurnAccepted,
  TurnQueued,
  TurnState,
  UserUsage,
  ModelCatalogue,
  StreamedUserEvent,
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionCreated,
  WebhookSubscriptionRequest,
} from './types';

/** A fixed token, or a function asked before every request (so it can refresh an expiring one). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface BridgeClientOptions {
  /** Where the bridge listens, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` unless a request already has an Authorization header. */
  token?: TokenSource;
  fetch?: ClientOptions['fetch'];
  /** Sent with every request, e.g. `{ 'X-User-Id': 'alice' }`. */
  headers?: HeadersOptions;
}

// A type alias, not an interface: openapi-fetch's init must accept extra keys, which only aliases allow implicitly.
export type CallOptions = {
  signal?: AbortSignal;
  headers?: HeadersOptions;
};

/** Reconnection and approval handling of the streaming methods (see FollowOptions). */
export type StreamOptions = CallOptions & Omit<FollowOptions, 'signal'>;

export type ResumeOptions = StreamOptions & {
  /** The `id` of the last event already received; the stream resumes after it. */
  lastEventId?: number;
};

export type RawBridgeClient = Client<BridgePaths>;
type TurnEvents = AsyncGenerator<StreamedChatEvent, void, undefined>;

/**
 * Every method throws `BridgeProblemError` for a non-2xx answer. `raw` is the openapi-fetch client
 * underneath (same base URL, headers and token), for anything the methods do not cover; it returns
 * `{ data, error, response }` instead of throwing.
 *
 * The event streams send their request when iteration starts, so a problem answer is thrown by the
 * first step. Aborting `signal` rejects the pending step with the signal's reason (an `AbortError`
 * by default); the turn itself goes on on the server unless `on_disconnect: 'interrupt'` was asked.
 */
export interface BridgeClient {
  raw: RawBridgeClient;
  getServiceInfo(options?: CallOptions): Promise<ServiceInfo>;
  getStatus(options?: CallOptions): Promise<Status>;
  getOpenApiJson(options?: CallOptions): Promise<OpenApiDocument>;
  /** The spec as written, as text. */
  getOpenApiYaml(options?: CallOptions): Promise<string>;
  /** POST /chat answered as one JSON result once the turn has ended. */
  chat(request: ChatInput, options?: CallOptions): Promise<ChatResult>;
  /**
   * POST /chat as a stream of events, `turn.started` first. A dropped connection is resumed from the
   * turn's event stream (`reconnect`, default 3 times); `onApproval` answers approval requests.
   */
  streamChat(request: ChatInput, options?: StreamOptions): TurnEvents;
  /** POST /chat with `background: true`: the turn starts and this resolves at once (202). */
  startBackgroundChat(request: ChatInput, options?: CallOptions): Promise<TurnAccepted>;
  /**
   * POST /chat with `background: true` and `on_busy: 'queue'`: the turn starts at once (`TurnAccepted`) or,
   * when the thread is busy, waits to run after its current turn (`TurnQueued`).
   */
  queueBackgroundChat(request: ChatInput, options?: CallOptions): Promise<TurnAccepted | TurnQueued>;
  /** The models codex offers (GET /models), with their reasoning efforts and the default model. */
  getModels(options?: CallOptions): Promise<ModelCatalogue>;
  getTurn(threadId: ThreadId, turnId: string, options?: CallOptions): Promise<TurnState>;
  /**
   * A turn's events from the first (or after `lastEventId`) until it ends, e.g. to resume a cut stream;
   * reconnects and answers approvals like `streamChat`.
   */
  streamTurnEvents(threadId: ThreadId, turnId: string, options?: ResumeOptions): TurnEvents;
  interruptThread(threadId: ThreadId, options?: CallOptions): Promise<TurnState>;
  listApprovals(threadId: ThreadId, options?: CallOptions): Promise<ApprovalList>;
  /**
   * Answers a pending request, in the body of its `kind`: `{ decision }` for commands and file changes,
   * `{ answers: { [questionId]: 'label' } }` for questions, `{ decision: 'accept', permissions: {...} }` for a
   * subset of the permissions asked, `{ decision: 'accept', content: {...} }` for an MCP form. A grant beyond
   * the operator's ceiling throws `BridgeProblemError` 403 `permission-ceiling` (the request stays pending).
   */
  answer(approval: Pick<Approval, 'thread_id' | 'request_id'>, answer: ApprovalAnswer, options?: CallOptions): Promise<ApprovalResolution>;
  resolveApproval(
    threadId: ThreadId,
    requestId: string,
    answer: ApprovalAnswer,
    options?: CallOptions,
  ): Promise<ApprovalResolution>;
  listThreads(query?: ListThreadsQuery, options?: CallOptions): Promise<ThreadList>;
  getHistory(query: GetHistoryQuery, options?: CallOptions): Promise<History>;
  renameThread(threadId: ThreadId, body: RenameThreadRequest, options?: CallOptions): Promise<ThreadSummary>;
  archiveThread(threadId: ThreadId, options?: CallOptions): Promise<void>;
  getThread(threadId: ThreadId, options?: CallOptions): Promise<ThreadSummary>;
  /** A new thread with the conversation, whole or through `through_turn_id`. */
  forkThread(threadId: ThreadId, body?: ForkThreadRequest, options?: CallOptions): Promise<ThreadSummary>;
  /** Drops the last `turns` turns from the conversation; the files they changed stay changed. */
  revertThread(threadId: ThreadId, body: RevertThreadRequest, options?: CallOptions): Promise<RevertResult>;
  unarchiveThread(threadId: ThreadId, options?: CallOptions): Promise<ThreadSummary>;
  /** Deletes the thread for good (its files and the bridge's records); `archiveThread` only archives. */
  deleteThread(threadId: ThreadId, options?: CallOptions): Promise<void>;
  /** A review turn on the thread, answered as one JSON result once it has ended (findings in its `review` item). */
  reviewThread(threadId: ThreadId, request: ReviewInput, options?: CallOptions): Promise<ChatResult>;
  /** A review turn on the thread as a stream of events, like `streamChat`. */
  streamReviewThread(threadId: ThreadId, request: ReviewInput, options?: StreamOptions): TurnEvents;
  /** A review turn on a new thread started in `cwd`, as one JSON result. */
  review(request: NewReviewInput, options?: CallOptions): Promise<ChatResult>;
  /** A review turn on a new thread, as a stream of events. */
  streamReview(request: NewReviewInput, options?: StreamOptions): TurnEvents;
  getUsage(options?: CallOptions): Promise<UserUsage>;
  /**
   * GET /events: what happens on all the caller's threads (turn started / ended, approvals waiting,
   * threads renamed / archived), without end; a dropped connection resumes after the last id seen.
   */
  events(options?: UserEventsOptions): AsyncGenerator<StreamedUserEvent, void, undefined>;
  createWebhook(request: WebhookSubscriptionRequest, options?: CallOptions): Promise<WebhookSubscriptionCreated>;
  listWebhooks(options?: CallOptions): Promise<WebhookSubscription[]>;
  deleteWebhook(webhookId: string, options?: CallOptions): Promise<void>;
  listWebhookDeliveries(webhookId: string, options?: CallOptions): Promise<WebhookDelivery[]>;
}

interface Outcome<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

async function dataOf<Data>(pending: Promise<Outcome<Data>>): Promise<Data> {
  const { data, error, response } = await pending;
  if (!response.ok) throw problemErrorFrom(response, error);
  // openapi-fetch leaves `data` undefined only for bodiless answers, which `Data` then describes.
  return data as Data;
}

function bearerToken(token: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has('Authorization')) return request;
      const value = typeof token === 'function' ? await token() : token;
      if (value) request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}

function chatBody(request: ChatInput, mode: Required<Pick<ChatRequest, 'stream' | 'background'>>): ChatRequest {
  return { ...request, ...mode };
}

function unexpected(what: string): BridgeProtocolError {
  return new BridgeProtocolError(`${what} answered an unexpected body`);
}

export function createBridgeClient(options: BridgeClientOptions): BridgeClient {
  const raw = createClient<BridgePaths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    headers: options.headers,
  });
  // The SDK speaks this bridge's own API, also on a bridge whose operator chose API_COMPAT=original.
  raw.use({
    onRequest({ request }) {
      if (!request.headers.has('X-Api-Compat')) request.headers.set('X-Api-Compat', 'default');
      return request;
    },
  });
  if (options.token !== undefined) raw.use(bearerToken(options.token));
  const onThread = (thread_id: ThreadId) => ({ params: { path: { thread_id } } });
  const openTurnEvents = (threadId: ThreadId, turnId: string, lastEventId: number | undefined, call: CallOptions) =>
    turnEventsOf(() =>
      raw.GET('/threads/{thread_id}/turns/{turn_id}/events', {
        ...call,
        params: {
          path: { thread_id: threadId, turn_id: turnId },
          header: lastEventId === undefined ? {} : { 'Last-Event-ID': String(lastEventId) },
        },
        headers: { Accept: 'text/event-stream', ...call.headers },
        parseAs: 'stream',
      }),
    );
  const resolveApproval = (threadId: ThreadId, requestId: string, answer: ApprovalAnswer, call: CallOptions = {}) =>
    dataOf(
      raw.POST('/threads/{thread_id}/approvals/{request_id}', {
        ...call,
        params: { path: { thread_id: threadId, request_id: requestId } },
        body: answer,
      }),
    );
  const follow = (
    first: TurnEvents,
    { reconnect, reconnectDelayMs, onApproval, ...call }: StreamOptions,
    known?: Parameters<typeof followTurn>[3],
  ) =>
    followTurn(
      first,
      {
        resume: (threadId, turnId, lastEventId) => openTurnEvents(threadId, turnId, lastEventId, call),
        answer: (threadId, requestId, answer) => resolveApproval(threadId, requestId, answer, call),
      },
      { reconnect, reconnectDelayMs, onApproval, signal: call.signal },
      known,
    );
  const onTurn = (thread_id: ThreadId, turn_id: string) => ({ params: { path: { thread_id, turn_id } } });

  return {
    raw,
    getServiceInfo: (call = {}) => dataOf(raw.GET('/', call)),
    getStatus: (call = {}) => dataOf(raw.GET('/status', call)),
    getOpenApiJson: (call = {}) => dataOf(raw.GET('/openapi.json', call)),
    getOpenApiYaml: (call = {}) => dataOf(raw.GET('/openapi.yaml', { ...call, parseAs: 'text' })),
    async chat(request, call = {}) {
      const result = await dataOf(
        raw.POST('/chat', { ...call, body: chatBody(request, { stream: false, background: false }) }),
      );
      if (typeof result !== 'object' || !('items' in result)) throw unexpected('POST /chat with stream: false');
      return result;
    },
    streamChat: (request, options = {}) =>
      follow(
        turnEventsOf(() =>
          raw.POST('/chat', {
            signal: options.signal,
            body: chatBody(request, { stream: true, background: false }),
            headers: { Accept: 'text/event-stream', ...options.headers },
            parseAs: 'stream',
          }),
        ),
        options,
      ),
    async startBackgroundChat(request, call = {}) {
      const result = await dataOf(
        raw.POST('/chat', { ...call, body: chatBody(request, { stream: false, background: true }) }),
      );
      if (typeof result !== 'object' || !('status' in result) || result.status !== 'running' || !('turn_id' in result))
        throw unexpected('POST /chat with background: true');
      return result;
    },
    async queueBackgroundChat(request, call = {}) {
      const result = await dataOf(
        raw.POST('/chat', { ...call, body: { ...chatBody(request, { stream: false, background: true }), on_busy: 'queue' } }),
      );
      if (typeof result !== 'object' || !('status' in result) || (result.status !== 'running' && result.status !== 'queued'))
        throw unexpected('POST /chat with background: true, on_busy: queue');
      return result as TurnAccepted | TurnQueued;
    },
    getTurn: (threadId, turnId, call = {}) =>
      dataOf(raw.GET('/threads/{thread_id}/turns/{turn_id}', { ...call, ...onTurn(threadId, turnId) })),
    streamTurnEvents: (threadId, turnId, { lastEventId, ...options } = {}) =>
      follow(
        openTurnEvents(threadId, turnId, lastEventId, { signal: options.signal, headers: options.headers }),
        options,
        { turn: { threadId, turnId }, lastEventId },
      ),
    interruptThread: (threadId, call = {}) =>
      dataOf(raw.POST('/threads/{thread_id}/interrupt', { ...call, ...onThread(threadId) })),
    listApprovals: (threadId, call = {}) =>
      dataOf(raw.GET('/threads/{thread_id}/approvals', { ...call, ...onThread(threadId) })),
    answer: (approval, answer, call = {}) => resolveApproval(approval.thread_id, approval.request_id, answer, call),
    resolveApproval,
    async listThreads(query = {}, call = {}) {
      const result = await dataOf(raw.GET('/threads', { ...call, params: { query } }));
      if (!('threads' in result) || result.threads.some((thread) => !('status' in thread))) throw unexpected('GET /threads');
      return result as ThreadList;
    },
    async getHistory(query, call = {}) {
      const result = await dataOf(raw.GET('/history', { ...call, params: { query } }));
      if (!('messages' in result)) throw unexpected('GET /history');
      return result;
    },
    renameThread: (threadId, body, call = {}) =>
      dataOf(raw.PATCH('/threads/{thread_id}', { ...call, ...onThread(threadId), body })),
    async archiveThread(threadId, call = {}) {
      await dataOf(raw.DELETE('/threads/{thread_id}', { ...call, ...onThread(threadId) }));
    },
    getThread: (threadId, call = {}) => dataOf(raw.GET('/threads/{thread_id}', { ...call, ...onThread(threadId) })),
    forkThread: (threadId, body = {}, call = {}) =>
      dataOf(raw.POST('/threads/{thread_id}/fork', { ...call, ...onThread(threadId), body })),
    revertThread: (threadId, body, call = {}) =>
      dataOf(raw.POST('/threads/{thread_id}/revert', { ...call, ...onThread(threadId), body })),
    unarchiveThread: (threadId, call = {}) =>
      dataOf(raw.POST('/threads/{thread_id}/unarchive', { ...call, ...onThread(threadId) })),
    async deleteThread(threadId, call = {}) {
      await dataOf(raw.POST('/threads/{thread_id}/delete', { ...call, ...onThread(threadId) }));
    },
    async reviewThread(threadId, request, call = {}) {
      const result = await dataOf(
        raw.POST('/threads/{thread_id}/review', {
          ...call,
          ...onThread(threadId),
          body: { ...request, stream: false, background: false },
        }),
      );
      if (typeof result !== 'object' || !('items' in result)) throw unexpected('POST /threads/{thread_id}/review');
      return result;
    },
    streamReviewThread: (threadId, request, options = {}) =>
      follow(
        turnEventsOf(() =>
          raw.POST('/threads/{thread_id}/review', {
            signal: options.signal,
            ...onThread(threadId),
            body: { ...request, stream: true, background: false },
            headers: { Accept: 'text/event-stream', ...options.headers },
            parseAs: 'stream',
          }),
        ),
        options,
      ),
    async review(request, call = {}) {
      const result = await dataOf(raw.POST('/review', { ...call, body: { ...request, stream: false, background: false } }));
      if (typeof result !== 'object' || !('items' in result)) throw unexpected('POST /review');
      return result;
    },
    streamReview: (request, options = {}) =>
      follow(
        turnEventsOf(() =>
          raw.POST('/review', {
            signal: options.signal,
            body: { ...request, stream: true, background: false },
            headers: { Accept: 'text/event-stream', ...options.headers },
            parseAs: 'stream',
          }),
        ),
        options,
      ),
    getUsage: (call = {}) => dataOf(raw.GET('/usage', call)),
    getModels: (call = {}) => dataOf(raw.GET('/models', call)),
    events: (options = {}) =>
      followUserEvents(
        (lastEventId) =>
          userEventsOf(() =>
            raw.GET('/events', {
              signal: options.signal,
              params: { header: lastEventId === undefined ? {} : { 'Last-Event-ID': String(lastEventId) } },
              headers: { Accept: 'text/event-stream', ...options.headers },
              parseAs: 'stream',
            }),
          ),
        options,
      ),
    createWebhook: (body, call = {}) => dataOf(raw.POST('/webhooks', { ...call, body })),
    listWebhooks: async (call = {}) => (await dataOf(raw.GET('/webhooks', call))).webhooks,
    async deleteWebhook(webhookId, call = {}) {
      await dataOf(raw.DELETE('/webhooks/{webhook_id}', { ...call, params: { path: { webhook_id: webhookId } } }));
    },
    listWebhookDeliveries: async (webhookId, call = {}) =>
      (await dataOf(raw.GET('/webhooks/{webhook_id}/deliveries', { ...call, params: { path: { webhook_id: webhookId } } })))
        .deliveries,
  };
}
