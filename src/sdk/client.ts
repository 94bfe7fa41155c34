import createClient, { type Client, type ClientOptions, type HeadersOptions, type Middleware } from 'openapi-fetch';
import { BridgeStreamError, problemErrorFrom } from './errors';
import { chatEventsOf } from './sse';
import type {
  BridgePaths,
  ChatInput,
  ChatRequest,
  ChatResult,
  GetHistoryQuery,
  History,
  ListThreadsQuery,
  OpenApiDocument,
  RenameThreadRequest,
  ServiceInfo,
  Status,
  StreamedChatEvent,
  ThreadId,
  ThreadList,
  ThreadSummary,
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

export type RawBridgeClient = Client<BridgePaths>;

/**
 * Every method throws `BridgeProblemError` for a non-2xx answer. `raw` is the openapi-fetch client
 * underneath (same base URL, headers and token), for anything the methods do not cover; it returns
 * `{ data, error, response }` instead of throwing.
 */
export interface BridgeClient {
  raw: RawBridgeClient;
  getServiceInfo(options?: CallOptions): Promise<ServiceInfo>;
  getStatus(options?: CallOptions): Promise<Status>;
  getOpenApiJson(options?: CallOptions): Promise<OpenApiDocument>;
  getOpenApiYaml(options?: CallOptions): Promise<string>;
  /** POST /chat with `stream: false`: resolves when the turn has ended. */
  chat(request: ChatInput, options?: CallOptions): Promise<ChatResult>;
  /**
   * POST /chat with `stream: true`. The request is sent when iteration starts; a problem answer
   * throws `BridgeProblemError` from the first step. Aborting `signal` rejects the pending step with
   * the signal's reason (an `AbortError` by default); the turn itself keeps running on the server.
   */
  streamChat(request: ChatInput, options?: CallOptions): AsyncGenerator<StreamedChatEvent, void, undefined>;
  listThreads(query?: ListThreadsQuery, options?: CallOptions): Promise<ThreadList>;
  getHistory(query: GetHistoryQuery, options?: CallOptions): Promise<History>;
  renameThread(threadId: ThreadId, body: RenameThreadRequest, options?: CallOptions): Promise<ThreadSummary>;
  archiveThread(threadId: ThreadId, options?: CallOptions): Promise<void>;
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

/** The generated `ChatRequest` demands the defaulted fields; the server fills in what is left out. */
function chatBody(request: ChatInput, stream: boolean): ChatRequest {
  return { ...request, stream } as ChatRequest;
}

export function createBridgeClient(options: BridgeClientOptions): BridgeClient {
  const raw = createClient<BridgePaths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    headers: options.headers,
  });
  if (options.token !== undefined) raw.use(bearerToken(options.token));

  return {
    raw,
    getServiceInfo: (call = {}) => dataOf(raw.GET('/', call)),
    getStatus: (call = {}) => dataOf(raw.GET('/status', call)),
    getOpenApiJson: (call = {}) => dataOf(raw.GET('/openapi.json', call)),
    getOpenApiYaml: (call = {}) => dataOf(raw.GET('/openapi.yaml', { ...call, parseAs: 'text' })),
    async chat(request, call = {}) {
      const result = await dataOf(raw.POST('/chat', { ...call, body: chatBody(request, false) }));
      if (typeof result !== 'object' || result === null) throw new BridgeStreamError('POST /chat with stream:false did not answer JSON');
      return result;
    },
    async *streamChat(request, call = {}) {
      const { error, response } = await raw.POST('/chat', {
        ...call,
        body: chatBody(request, true),
        headers: { Accept: 'text/event-stream', ...call.headers },
        parseAs: 'stream',
      });
      if (!response.ok) throw problemErrorFrom(response, error);
      const contentType = response.headers.get('Content-Type') ?? '';
      if (!contentType.startsWith('text/event-stream') || !response.body) {
        throw new BridgeStreamError(`POST /chat answered ${contentType || 'no content type'} instead of text/event-stream`);
      }
      yield* chatEventsOf(response.body);
    },
    listThreads: (query = {}, call = {}) => dataOf(raw.GET('/threads', { ...call, params: { query } })),
    getHistory: (query, call = {}) => dataOf(raw.GET('/history', { ...call, params: { query } })),
    renameThread: (threadId, body, call = {}) =>
      dataOf(raw.PATCH('/threads/{thread_id}', { ...call, params: { path: { thread_id: threadId } }, body })),
    async archiveThread(threadId, call = {}) {
      await dataOf(raw.DELETE('/threads/{thread_id}', { ...call, params: { path: { thread_id: threadId } } }));
    },
  };
}
