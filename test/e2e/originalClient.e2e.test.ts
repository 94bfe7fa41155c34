import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';

/*
 * A client written from the original Python bridge's README (and the shapes it sends), run unchanged against
 * this bridge with API_COMPAT=original, the real codex app-server and the scripted model. It knows nothing
 * of this bridge: plain fetch, `data:` lines, FastAPI's `detail`.
 */

interface Notification {
  method: string;
  params: Record<string, unknown>;
  emittedAtMs: number;
}
type OriginalEvent = Record<string, unknown>;

/** What a client of the original does with `curl -N -X POST /chat`: reads `data:` lines until `[DONE]`. */
class OriginalClient {
  constructor(private readonly base: string) {}

  async chat(body: Record<string, unknown>): Promise<{ status: number; lines: string[]; events: OriginalEvent[] }> {
    const res = await fetch(`${this.base}/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    const lines = text.split('\n').filter((line) => line.trim() && !line.startsWith(':'));
    const events = lines.filter((line) => line !== 'data: [DONE]').map((line) => JSON.parse(line.replace(/^data: /, '')) as OriginalEvent);
    return { status: res.status, lines, events };
  }

  async json(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a client of the original reads untyped JSON
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  }
}

const isNotification = (event: OriginalEvent): event is OriginalEvent & Notification => typeof event.method === 'string';
const deltasOf = (events: OriginalEvent[]): string =>
  events
    .filter(isNotification)
    .filter((event) => event.method === 'item/agentMessage/delta')
    .map((event) => event.params.delta)
    .join('');

let bridge: TestBridge;
let client: OriginalClient;
beforeAll(async () => {
  bridge = await startTestBridge({ API_COMPAT: 'original' });
  client = new OriginalClient(bridge.url);
});
afterAll(async () => {
  await bridge?.stop();
});

describe('a client of the original bridge, unchanged', () => {
  let threadId: string;

  it('new conversation (streaming): data lines only, session first, codex\'s notifications verbatim, [DONE]', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'Hi there, friend.', chunks: 3 });
    const { status, lines, events } = await client.chat({ messages: [{ content: 'Hello!' }] });
    expect(status).toBe(200);
    for (const line of lines) expect(line.startsWith('data: ')).toBe(true);
    expect(lines.at(-1)).toBe('data: [DONE]');
    expect(events[0]).toEqual({ type: 'session', thread_id: expect.any(String) });
    threadId = events[0]?.thread_id as string;
    const turnStarted = events.find((event) => event.type === 'turn.started');
    expect(turnStarted).toEqual({ type: 'turn.started', turn: expect.objectContaining({ id: expect.any(String) }) });
    const notifications = events.filter(isNotification);
    for (const event of notifications) {
      expect(Object.keys(event).sort()).toEqual(['emittedAtMs', 'method', 'params']);
      expect(typeof event.emittedAtMs).toBe('number');
    }
    const methods = notifications.map((event) => event.method);
    expect(methods).toContain('thread/started');
    expect(methods.at(-1)).toBe('turn/completed');
    expect(deltasOf(events)).toBe('Hi there, friend.');
    // Nothing of this bridge's own typed events leaks into the original's stream.
    expect(events.filter((event) => !isNotification(event)).map((event) => event.type)).toEqual(['session', 'turn.started']);
  });

  it('continue conversation: same thread, and the model sees the earlier turn', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'More, as asked.' });
    const { events } = await client.chat({ thread_id: threadId, messages: [{ content: 'Tell me more' }] });
    expect(events[0]).toEqual({ type: 'session', thread_id: threadId });
    expect(deltasOf(events)).toBe('More, as asked.');
    expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Hello!');
  });

  it('list conversations: {threads: [{thread_id, preview, created_at, updated_at}]} with naive timestamps', async () => {
    const { status, body } = await client.json('GET', '/threads');
    expect(status).toBe(200);
    const listed = body.threads.find((thread: { thread_id: string }) => thread.thread_id === threadId);
    expect(listed).toEqual({ thread_id: threadId, preview: 'Hello!', created_at: expect.any(String), updated_at: expect.any(String) });
    expect(listed.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
  });

  it('get history: {thread_id, preview, created_at, turns} with codex\'s items', async () => {
    const { status, body } = await client.json('GET', `/history?thread_id=${threadId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ thread_id: threadId, preview: 'Hello!' });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(body.turns).toHaveLength(2);
    const texts = body.turns.flatMap((turn: { items: Array<{ type: string; text?: string }> }) =>
      turn.items.filter((item) => item.type === 'agentMessage').map((item) => item.text),
    );
    expect(texts).toEqual(['Hi there, friend.', 'More, as asked.']);
  });

  it('non-streaming response: {thread_id, message, events}', async () => {
    bridge.fake.enqueue({ kind: 'text', text: '4' });
    const { status, body } = await client.json('POST', '/chat', { messages: [{ content: 'What is 2+2?' }], stream: false });
    expect(status).toBe(200);
    expect(body).toEqual({ thread_id: expect.any(String), message: '4', events: expect.any(Array) });
    // Codex's thread-level notifications (thread/started...) are there too. They usually come before the
    // turn/start answer, as in the original; on a busy machine codex may send one after it.
    expect(body.events.findIndex((event: OriginalEvent) => event.type === 'turn.started')).toBeGreaterThanOrEqual(0);
    expect(body.events.map((event: OriginalEvent) => event.method)).toContain('thread/started');
    expect(body.events.at(-1)).toMatchObject({ method: 'turn/completed' });
  });

  it('status: the original\'s four fields', async () => {
    const { status, body } = await client.json('GET', '/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', codex_available: true, codex_version: expect.any(String), api_key_configured: true });
  });

  it('GET / lists the endpoints', async () => {
    const { body } = await client.json('GET', '/');
    expect(Object.keys(body.endpoints)).toEqual(['POST /chat', 'GET /threads', 'GET /history', 'GET /status']);
  });

  it('input the original accepts: null ids, unknown fields, any role, an empty message among others, stream "false"', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'lenient' });
    const { status, body } = await client.json('POST', '/chat', {
      thread_id: '',
      model: null,
      temperature: 0.1,
      stream: 'false',
      messages: [{ role: 'system', content: 'Be brief.' }, { content: '' }, { role: 'assistant', content: 'ok', name: 'bot' }, { content: 'go' }],
    });
    expect(status).toBe(200);
    expect(body.message).toBe('lenient');
    expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Be brief.\\nok\\ngo');
  });

  it.each([
    ['an unknown thread', 'POST', '/chat', { thread_id: 'no-such-thread', messages: [{ content: 'x' }] }, 404, 'Thread not found: no-such-thread'],
    ['an all-empty prompt', 'POST', '/chat', { messages: [{ content: '' }] }, 400, 'Empty message'],
    ['history of an unknown thread', 'GET', '/history?thread_id=no-such-thread', undefined, 404, 'Thread not found: no-such-thread'],
  ])('error: %s', async (_name, method, path, body, status, detail) => {
    const res = await client.json(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ detail });
  });

  it.each([
    ['a body without messages', 'POST', '/chat', {}],
    ['a malformed body', 'POST', '/chat', '{"messages": ['],
    ['history without thread_id', 'GET', '/history', undefined],
    ['a limit above 200', 'GET', '/threads?limit=500', undefined],
  ])('error 422 with FastAPI\'s list: %s', async (_name, method, path, body) => {
    const res = await client.json(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  });
});

describe('the default profile on the same bridge (X-Api-Compat: default)', () => {
  it('raw_events: codex\'s notifications with emitted_at_ms, thread/started included, next to the typed events', async () => {
    const res = await fetch(`${bridge.url}/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Compat': 'default' },
      body: JSON.stringify({ messages: [{ content: 'raw please' }], raw_events: true }),
    });
    const events = jsonEvents(await res.text());
    const raw = events.filter((event) => event.type === 'codex');
    expect(raw.map((event) => event.method)).toEqual(expect.arrayContaining(['thread/started', 'item/agentMessage/delta', 'turn/completed']));
    for (const event of raw) expect(typeof event.emitted_at_ms).toBe('number');
    expect(events[0]).toMatchObject({ type: 'turn.started', thread_created: true });
    expect(events.some((event) => event.type === 'message.completed')).toBe(true);
  });

  it('takes null fields and an assistant message, and tells codex the transcript', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'typed' });
    const res = await fetch(`${bridge.url}/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Compat': 'default' },
      body: JSON.stringify({ thread_id: null, model: null, stream: false, messages: [{ role: 'assistant', content: 'I said hi.' }, { content: ' ' }, { content: 'Go on' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'completed', message: 'typed' });
    expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Assistant: I said hi.\\n\\nUser: Go on');
  });
});
