import {
  BridgeProblemError,
  createBridgeClient,
  type BridgeClient,
  type ChatEvent,
  type StreamedChatEvent,
} from '../../src/sdk';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { waitUntil } from '../support/wait';

/* Every operation through the SDK, against the real bridge, the real codex and the scripted fake model. */

let bridge: TestBridge;
let client: BridgeClient;
const sentAuthorization: Array<string | null> = [];
let tokenRequests = 0;

beforeAll(async () => {
  bridge = await startTestBridge({ APPROVAL_TIMEOUT_SECONDS: '10', CODEX_ALLOWED_APPROVAL_POLICIES: 'never,untrusted' });
  client = createBridgeClient({
    baseUrl: `${bridge.url}/`,
    // SECURITY_METHOD=None ignores the token, so the fetch hook is where sending it can be seen.
    token: async () => `token-${++tokenRequests}`,
    fetch: (request) => {
      sentAuthorization.push(request.headers.get('Authorization'));
      return fetch(request);
    },
  });
});
afterAll(async () => {
  await bridge?.stop();
});

async function collect(stream: AsyncIterable<StreamedChatEvent>): Promise<StreamedChatEvent[]> {
  const received: StreamedChatEvent[] = [];
  for await (const streamed of stream) received.push(streamed);
  return received;
}

function textOf(events: ChatEvent[]): string {
  return events.flatMap((event) => (event.type === 'message.delta' ? [event.delta] : [])).join('');
}

describe('the SDK against the real bridge', () => {
  let threadId: string;

  it('reads the status and the service info', async () => {
    const status = await client.getStatus();
    expect(status).toMatchObject({ status: 'ok', codex_available: true, security_method: 'none' });
    const info = await client.getServiceInfo();
    expect(info.links.status).toBe('/status');
    const document = await client.getOpenApiJson();
    expect(document).toHaveProperty('openapi', '3.1.0');
    expect(await client.getOpenApiYaml()).toMatch(/^openapi: 3\.1\.0/);
  });

  it('sends the token from the provider as a bearer token on every request', async () => {
    const before = tokenRequests;
    await client.getStatus();
    expect(tokenRequests).toBe(before + 1);
    expect(sentAuthorization.at(-1)).toBe(`Bearer token-${before + 1}`);
  });

  it('streams a new chat as typed events with increasing ids, ending after [DONE]', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'The answer is forty-two.', chunks: 4 });
    const received = await collect(client.streamChat({ messages: [{ content: 'Hello!' }] }));
    const events = received.map(({ event }) => event);

    const first = events[0];
    expect(first?.type).toBe('turn.started');
    if (first?.type !== 'turn.started') return;
    expect(first.thread_created).toBe(true);
    threadId = first.thread_id;

    expect(events.filter((event) => event.type === 'message.delta')).toHaveLength(4);
    expect(textOf(events)).toBe('The answer is forty-two.');
    const completed = events.find((event) => event.type === 'message.completed');
    expect(completed?.type === 'message.completed' && completed.item.text).toBe('The answer is forty-two.');
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed', thread_id: threadId });

    const ids = received.map(({ id }) => id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('continues the thread with streamChat and thread_id', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'More, as asked.' });
    const events = (
      await collect(client.streamChat({ thread_id: threadId, messages: [{ content: 'Tell me more' }] }))
    ).map(({ event }) => event);
    expect(events[0]).toMatchObject({ type: 'turn.started', thread_id: threadId, thread_created: false });
    expect(textOf(events)).toBe('More, as asked.');
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Hello!');
  });

  it('chats without streaming', async () => {
    bridge.fake.enqueue({ kind: 'text', text: '4' });
    const result = await client.chat({ thread_id: threadId, messages: [{ content: 'What is 2+2?' }] });
    expect(result).toMatchObject({ thread_id: threadId, status: 'completed', message: '4', error: null });
    expect(result.items.map((item) => item.type)).toEqual(['user_message', 'assistant_message']);
  });

  it('lists the thread and reads its history', async () => {
    const { threads } = await client.listThreads({ limit: 10 });
    expect(threads.map((thread) => thread.thread_id)).toContain(threadId);

    const history = await client.getHistory({ thread_id: threadId });
    expect(history.thread.thread_id).toBe(threadId);
    expect(history.messages.map(({ role, content }) => ({ role, content }))).toEqual([
      { role: 'user', content: 'Hello!' },
      { role: 'assistant', content: 'The answer is forty-two.' },
      { role: 'user', content: 'Tell me more' },
      { role: 'assistant', content: 'More, as asked.' },
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4' },
    ]);
  });

  it('renames the thread, and the list shows the name', async () => {
    const renamed = await client.renameThread(threadId, { name: 'SDK test thread' });
    expect(renamed).toMatchObject({ thread_id: threadId, name: 'SDK test thread' });
    const { threads } = await client.listThreads();
    expect(threads.find((thread) => thread.thread_id === threadId)?.name).toBe('SDK test thread');
  });

  it('archives the thread, and the list no longer has it', async () => {
    await expect(client.archiveThread(threadId)).resolves.toBeUndefined();
    const { threads } = await client.listThreads();
    expect(threads.map((thread) => thread.thread_id)).not.toContain(threadId);
  });

  it('throws BridgeProblemError with the problem for a non-2xx answer', async () => {
    const failure = await client.getHistory({ thread_id: 'no-such-thread' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeProblemError);
    if (!(failure instanceof BridgeProblemError)) return;
    expect(failure.status).toBe(404);
    expect(failure.problem).toMatchObject({ type: 'urn:codex-api-bridge:problem:thread-not-found', status: 404 });
    expect(failure.retryAfterSeconds).toBeUndefined();
  });

  it('throws BridgeProblemError from the first step of a stream the bridge refuses (all messages blank)', async () => {
    const blank = client.streamChat({ messages: [{ content: '   ' }] });
    const failure = await blank.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeProblemError);
    if (!(failure instanceof BridgeProblemError)) return;
    expect(failure.status).toBe(400);
    expect(failure.problem.errors?.map((error) => error.field)).toContain('/body/messages');
  });

  it('stops a stream when its AbortSignal is aborted', async () => {
    bridge.fake.enqueue({
      kind: 'text',
      text: 'a slow answer that will not be read to the end',
      chunks: 20,
      delayMs: 150,
    });
    const controller = new AbortController();
    const received: ChatEvent[] = [];
    const iteration = (async () => {
      for await (const { event } of client.streamChat(
        { messages: [{ content: 'Take your time' }] },
        { signal: controller.signal },
      )) {
        received.push(event);
        if (event.type === 'message.delta') controller.abort();
      }
    })();
    await expect(iteration).rejects.toMatchObject({ name: 'AbortError' });
    expect(received.filter((event) => event.type === 'message.delta')).toHaveLength(1);
    expect(received.some((event) => event.type === 'turn.completed')).toBe(false);
  });
});

describe('turn control through the SDK', () => {
  async function turnWhenDone(threadId: string, turnId: string) {
    let state = await client.getTurn(threadId, turnId);
    await waitUntil(
      async () => {
        state = await client.getTurn(threadId, turnId);
        return state.status !== 'running';
      },
      'the turn to end',
      20_000,
    );
    return state;
  }

  it('starts a background chat and reads its result with getTurn', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'done in the background', chunks: 4, delayMs: 50 });
    const accepted = await client.startBackgroundChat({ messages: [{ content: 'work alone' }] });
    expect(accepted).toMatchObject({ status: 'running', links: { events: expect.stringContaining('/events') } });
    const state = await turnWhenDone(accepted.thread_id, accepted.turn_id);
    expect(state).toMatchObject({ status: 'completed', message: 'done in the background', pending_approvals: [] });
  });

  it('resumes a stream the client left with streamTurnEvents after the last id seen', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'one two three four five six', chunks: 6, delayMs: 100 });
    const seen: StreamedChatEvent[] = [];
    for await (const streamed of client.streamChat({ messages: [{ content: 'count' }] })) {
      seen.push(streamed);
      if (streamed.event.type === 'message.delta') break;
    }
    const started = seen[0]?.event;
    if (started?.type !== 'turn.started') throw new Error(`the first event was ${started?.type}`);
    const lastEventId = seen.at(-1)?.id;

    const rest = await collect(client.streamTurnEvents(started.thread_id, started.turn_id, { lastEventId }));
    const all = [...seen, ...rest];
    expect(all.map(({ id }) => id)).toEqual(all.map((_, index) => index + 1));
    expect(textOf(all.map(({ event }) => event))).toBe('one two three four five six');
    expect(all.at(-1)?.event).toMatchObject({ type: 'turn.completed', status: 'completed' });

    // Resuming after the last event of a finished turn: the bridge answers 204, the SDK ends cleanly.
    const after = await collect(client.streamTurnEvents(started.thread_id, started.turn_id, { lastEventId: all.at(-1)?.id }));
    expect(after).toEqual([]);
  });

  it('interrupts a running turn; the open stream ends with turn.completed interrupted', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'x '.repeat(40), chunks: 40, delayMs: 150 });
    const events: ChatEvent[] = [];
    for await (const { event } of client.streamChat({ messages: [{ content: 'talk a lot' }] })) {
      events.push(event);
      if (event.type === 'message.delta' && events.filter((seen) => seen.type === 'message.delta').length === 1) {
        const interrupted = await client.interruptThread(event.thread_id);
        expect(interrupted).toMatchObject({ thread_id: event.thread_id, status: 'interrupted' });
      }
    }
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'interrupted' });
  });

  it('lists a pending approval and resolves it', async () => {
    bridge.fake.enqueue({ kind: 'command', command: 'echo approved-by-sdk', then: { kind: 'text', text: 'ran it' } });
    const accepted = await client.startBackgroundChat({
      messages: [{ content: 'please run it' }],
      approval_policy: 'untrusted',
    });
    let approvals = (await client.listApprovals(accepted.thread_id)).approvals;
    await waitUntil(async () => {
      approvals = (await client.listApprovals(accepted.thread_id)).approvals;
      return approvals.length > 0;
    }, 'an approval request');
    const approval = approvals[0];
    if (!approval) throw new Error('no approval');
    expect(approval).toMatchObject({ kind: 'command', command: expect.stringContaining('echo approved-by-sdk') });

    const resolution = await client.resolveApproval(accepted.thread_id, approval.request_id, { decision: 'accept' });
    expect(resolution).toEqual({ request_id: approval.request_id, decision: 'accept' });
    expect(await turnWhenDone(accepted.thread_id, accepted.turn_id)).toMatchObject({
      status: 'completed',
      message: 'ran it',
    });
  });

  it('reconnects by itself when the connection drops mid-stream: every event once, in order', async () => {
    let cut = false;
    /** Passes the first streamed chat through for three events, then fails it as a broken network would. */
    const flakyFetch = async (request: Request): Promise<Response> => {
      const response = await fetch(request);
      if (cut || request.method !== 'POST' || !response.body) return response;
      cut = true;
      const reader = response.body.getReader();
      let separators = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk = await reader.read();
          if (chunk.done) return controller.close();
          controller.enqueue(chunk.value);
          separators += new TextDecoder().decode(chunk.value).split('\n\n').length - 1;
          if (separators >= 3) {
            await reader.cancel();
            controller.error(new TypeError('network connection lost'));
          }
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const flaky = createBridgeClient({ baseUrl: bridge.url, fetch: flakyFetch });
    bridge.fake.enqueue({ kind: 'text', text: 'a b c d e f g h', chunks: 8, delayMs: 80 });
    const all = await collect(flaky.streamChat({ messages: [{ content: 'count' }] }, { reconnectDelayMs: 50 }));
    expect(cut).toBe(true);
    expect(all.map(({ id }) => id)).toEqual(all.map((_, index) => index + 1));
    expect(textOf(all.map(({ event }) => event))).toBe('a b c d e f g h');
    expect(all.at(-1)?.event).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it('answers approvals through the onApproval callback of the stream', async () => {
    bridge.fake.enqueue({ kind: 'command', command: 'mkdir sdk-approved && echo via-callback', then: { kind: 'text', text: 'done' } });
    const asked: string[] = [];
    const events = (
      await collect(
        client.streamChat(
          { messages: [{ content: 'run it' }], approval_policy: 'untrusted' },
          {
            onApproval: (approval) => {
              asked.push(approval.command ?? '');
              return 'accept';
            },
          },
        ),
      )
    ).map(({ event }) => event);
    expect(asked).toEqual([expect.stringContaining('mkdir sdk-approved')]);
    expect(events.find((event) => event.type === 'approval.resolved')).toMatchObject({ decision: 'accept', resolved_by: 'client' });
    const tool = events.find((event) => event.type === 'tool.completed');
    expect(tool?.type === 'tool.completed' && tool.item.type === 'command_execution' && tool.item.output).toContain('via-callback');
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it("reads the caller's usage totals", async () => {
    const { usage, threads } = await client.getUsage();
    expect(threads).toBeGreaterThan(0);
    expect(usage.total_tokens).toBeGreaterThan(0);
  });
});
