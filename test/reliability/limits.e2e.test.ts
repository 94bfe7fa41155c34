import net from 'node:net';
import request from 'supertest';
import { commandLineOf, descendantsOf } from '../../src/codex/processTree';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { waitUntil } from '../support/wait';

/*
 * The bridge under hostile load, for real (real codex app-server, response validation on): commands that
 * print tens of megabytes, clients that send half a request or never read, floods of sockets, a memory
 * ceiling, a turn deadline, an app-server that has served too many threads.
 */

const MIB = 1024 * 1024;
const PROBLEM = /^application\/problem\+json/;
/**
 * 20 MB of output: codex streams it as deltas and keeps 1 MiB in the item. Printed over a second or so:
 * a command that is over before codex starts reading may reach it as the completed item only.
 */
const BIG_OUTPUT = 'for i in $(seq 1 20); do yes | head -c 1000000; sleep 0.05; done';

type Events = ReturnType<typeof jsonEvents>;

async function chat(bridge: TestBridge, body: Record<string, unknown>, user = 'default'): Promise<{ status: number; text: string; events: Events }> {
  const res = await fetch(`${bridge.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const streamed = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  return { status: res.status, text, events: streamed ? jsonEvents(text) : [] };
}

const ids = (events: Events): { thread: string; turn: string } => {
  const started = events.find((event) => event.type === 'turn.started');
  return { thread: String(started?.thread_id), turn: String(started?.turn_id) };
};

describe('retained events are bounded in bytes', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({
      ALLOW_USER_ID_OVERRIDE: 'true',
      TURN_EVENTS_MAX_BYTES: String(MIB),
      USER_EVENTS_MAX_BYTES: String(3 * MIB),
      EVENTS_MAX_BYTES: String(64 * MIB),
    });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('streams and keeps a big-output turn cut at TURN_EVENTS_MAX_BYTES, with a visible marker, and replays the same', async () => {
    bridge.fake.enqueue({ kind: 'command', command: BIG_OUTPUT, then: { kind: 'text', text: 'printed a lot' } });
    const { status, text, events } = await chat(bridge, { messages: [{ content: 'print a lot' }] });
    expect(status).toBe(200);
    expect(text.length).toBeLessThan(4 * MIB);
    const deltas = events.filter((event) => event.type === 'tool.output.delta');
    expect(deltas.at(-1)).toMatchObject({ truncated: true });
    expect(deltas.filter((event) => event.truncated)).toHaveLength(1);
    const completed = events.find((event) => event.type === 'tool.completed') as unknown as { item: { output: string; truncated?: boolean } };
    expect(completed.item.truncated).toBe(true);
    expect(completed.item.output.length).toBeLessThan(64 * 1024);
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    expect(events.some((event) => event.type === 'message.completed')).toBe(true);

    const { thread, turn } = ids(events);
    const state = await request(bridge.url).get(`/threads/${thread}/turns/${turn}`).expect(200);
    expect(state.body).toMatchObject({ status: 'completed', events_truncated: true, events_evicted: false });
    const replay = await fetch(`${bridge.url}/threads/${thread}/turns/${turn}/events`);
    expect(replay.status).toBe(200);
    expect(jsonEvents(await replay.text())).toEqual(events);
  });

  it('keeps one user within USER_EVENTS_MAX_BYTES: the oldest finished turns lose their events, resume answers 410', async () => {
    const turns: Array<{ thread: string; turn: string }> = [];
    for (let i = 0; i < 5; i++) {
      bridge.fake.enqueue({ kind: 'command', command: BIG_OUTPUT });
      const { events } = await chat(bridge, { messages: [{ content: `big ${i}` }] }, 'hog');
      expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
      turns.push(ids(events));
      expect(bridge.sessions.eventLedger.retainedBytes).toBeLessThanOrEqual(64 * MIB);
    }
    const hog = { 'x-user-id': 'hog' };
    const first = turns[0]!;
    const state = await request(bridge.url).get(`/threads/${first.thread}/turns/${first.turn}`).set(hog).expect(200);
    expect(state.body).toMatchObject({ status: 'completed', events_evicted: true, items: [] });
    expect(state.body.last_event_id).toBeGreaterThan(0);
    const gone = await request(bridge.url)
      .get(`/threads/${first.thread}/turns/${first.turn}/events`)
      .set({ ...hog, 'Last-Event-ID': '2' })
      .expect(410);
    expect(gone.headers['content-type']).toMatch(PROBLEM);
    expect(gone.body.type).toBe('urn:codex-api-bridge:problem:events-evicted');
    const latest = turns.at(-1)!;
    await request(bridge.url).get(`/threads/${latest.thread}/turns/${latest.turn}/events`).set(hog).expect(200);

    // Another user is served meanwhile, and the bridge reports what it keeps.
    const other = await chat(bridge, { messages: [{ content: 'hello' }] }, 'neighbour');
    expect(other.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    const status = await request(bridge.url).get('/status').expect(200);
    expect(status.body.events.retained_bytes).toBeLessThanOrEqual(status.body.events.max_bytes);
    expect(status.body.events.retained_bytes).toBeLessThanOrEqual(3 * MIB * 2 + MIB);
  });
});

describe('slow and hostile connections', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({
      HEADERS_TIMEOUT_SECONDS: '1',
      REQUEST_TIMEOUT_SECONDS: '2',
      MAX_CONNECTIONS: '40',
      MAX_CONNECTIONS_PER_CLIENT: '10',
      SSE_MAX_BACKLOG_BYTES: String(64 * 1024),
      SSE_STALL_TIMEOUT_SECONDS: '1',
      TURN_EVENTS_MAX_BYTES: String(64 * MIB),
    });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  const { connect } = {
    connect: (): Promise<net.Socket> =>
      new Promise((resolve, reject) => {
        const { hostname, port } = new URL(bridge.url);
        const socket = net.connect(Number(port), hostname, () => resolve(socket));
        socket.on('error', () => undefined);
        socket.once('error', reject);
      }),
  };
  const closedByServer = (socket: net.Socket): Promise<string> =>
    new Promise((resolve) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.once('close', () => resolve(received));
    });

  /** Sockets the server holds open, not counting the /status request asking. */
  const openSockets = async (): Promise<number> => (await request(bridge.url).get('/status')).body.connections.open - 1;

  it('destroys sockets that sent half a request once the header timeout passes, even if they never read', async () => {
    // Keep-alive sockets of earlier requests (fetch keeps them for the server's 65 s) count too.
    const baseline = await openSockets();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => connect()));
    for (const socket of sockets) {
      socket.write('GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      // Never reads: a paused socket does not even notice the server's FIN, so the server must destroy it.
      socket.pause();
    }
    await waitUntil(async () => (await openSockets()) >= baseline + 5, 'the sockets to be open');
    await waitUntil(async () => (await openSockets()) <= baseline, 'the server to destroy them', 20_000);
    for (const socket of sockets) socket.destroy();
  });

  it('answers a client error and then closes the socket', async () => {
    const socket = await connect();
    const received = closedByServer(socket);
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    expect(await received).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('answers connections beyond MAX_CONNECTIONS_PER_CLIENT with a 503 problem and serves again once they close', async () => {
    const held = await Promise.all(Array.from({ length: 10 }, () => connect()));
    const extra = await connect();
    const answer = closedByServer(extra);
    extra.write('GET /status HTTP/1.1\r\nHost: x\r\n\r\n');
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect(text).toMatch(/retry-after: 5/i);
    expect(text).toContain('urn:codex-api-bridge:problem:too-many-connections');
    for (const socket of held) socket.destroy();
    await waitUntil(async () => (await fetch(`${bridge.url}/status`)).status === 200, 'served again');
  });

  it('cuts an SSE reader that stops reading once its backlog passes SSE_MAX_BACKLOG_BYTES; the turn goes on and can be resumed', async () => {
    bridge.fake.enqueue({ kind: 'command', command: BIG_OUTPUT, then: { kind: 'text', text: 'after the flood' } });
    const baseline = await openSockets();
    const socket = await connect();
    const body = JSON.stringify({ messages: [{ content: 'flood me' }] });
    socket.write(`POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let head = '';
    await new Promise<void>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        // From here on nothing is read (a socket without a 'data' listener would still flow, and drop).
        socket.pause();
        head = chunk.toString('utf8');
        resolve();
      }),
    );
    const thread = /X-Thread-Id: (\S+)/i.exec(head)?.[1];
    const turn = /X-Turn-Id: (\S+)/i.exec(head)?.[1];
    expect(thread && turn).toBeTruthy();
    // Without the cut, the stream's socket would stay open with megabytes queued for as long as the client likes.
    // Generous: on two busy cores the 20 MB of output can take a while to reach the bridge.
    await waitUntil(async () => (await openSockets()) <= baseline, 'the server to cut the stalled stream', 90_000);
    await waitUntil(
      async () => (await request(bridge.url).get(`/threads/${thread}/turns/${turn}`)).body.status === 'completed',
      'the turn to complete without its reader',
      90_000,
    );
    // What the kernel had buffered is all there is: the stream was cut, it never reached its end.
    let rest = '';
    const closed = new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 10_000).unref();
    });
    socket.on('data', (chunk: Buffer) => (rest += chunk.toString('utf8')));
    socket.resume();
    expect(await closed).toBe(true);
    expect(rest).not.toContain('data: [DONE]');
    socket.destroy();
    const replay = await fetch(`${bridge.url}/threads/${thread}/turns/${turn}/events`);
    expect(replay.status).toBe(200);
    expect(jsonEvents(await replay.text()).at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  }, 240_000);
});

describe('memory ceiling', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    // A ceiling far below what the process already uses: every new turn must be shed.
    bridge = await startTestBridge({ MEMORY_SHED_HEAP_RATIO: '0.001' });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('sheds new turns with 503 memory-pressure and Retry-After, still answers reads, and says so in /status', async () => {
    const shed = await request(bridge.url).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(503);
    expect(shed.headers['content-type']).toMatch(PROBLEM);
    expect(shed.body.type).toBe('urn:codex-api-bridge:problem:memory-pressure');
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    await request(bridge.url).get('/threads').expect(200);
    const status = await request(bridge.url).get('/status').expect(200);
    expect(status.body).toMatchObject({ status: 'degraded', memory: { shedding: true } });
  });
});

describe('deadline, approvals, docs, recycling', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true', TURN_TIMEOUT_SECONDS: '2', CODEX_RECYCLE_AFTER_THREADS: '2' });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('a turn ended by the deadline says so when fetched', async () => {
    bridge.fake.enqueue({ kind: 'hang' });
    const { events } = await chat(bridge, { messages: [{ content: 'never answered' }] }, 'slow');
    expect(events.some((event) => event.type === 'turn.error' && event.code === 'turn_timeout')).toBe(true);
    const { thread, turn } = ids(events);
    const state = await request(bridge.url).get(`/threads/${thread}/turns/${turn}`).set('x-user-id', 'slow').expect(200);
    expect(state.body).toMatchObject({ status: 'interrupted', error: { code: 'turn_timeout' } });
  });

  it('answers 404 for the approvals of an unknown or foreign thread, 200 [] for an own idle one', async () => {
    const { events } = await chat(bridge, { messages: [{ content: 'mine' }] }, 'owner');
    const { thread } = ids(events);
    await request(bridge.url).get(`/threads/${thread}/approvals`).set('x-user-id', 'owner').expect(200, { approvals: [] });
    const foreign = await request(bridge.url).get(`/threads/${thread}/approvals`).set('x-user-id', 'intruder').expect(404);
    expect(foreign.headers['content-type']).toMatch(PROBLEM);
    await request(bridge.url).get('/threads/01a23c37-0000-7000-8000-000000000000/approvals').set('x-user-id', 'owner').expect(404);
  });

  it('answers problem+json for anything under /docs that is not the UI', async () => {
    await request(bridge.url).get('/docs/').expect(200).expect('content-type', /text\/html/);
    for (const path of ['/docs/nope.js', '/docs/a/b', '/docs/../docs/x.css']) {
      const res = await request(bridge.url).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    }
  });

  it('recycles an idle app-server after CODEX_RECYCLE_AFTER_THREADS threads; its threads resume from disk', async () => {
    const user = { 'x-user-id': 'recycled' };
    const first = await chat(bridge, { messages: [{ content: 'one' }] }, 'recycled');
    await chat(bridge, { messages: [{ content: 'two' }] }, 'recycled');
    const pidBefore = bridge.sessions.peek('recycled')?.pid;
    expect(pidBefore).toBeDefined();
    const again = await chat(bridge, { thread_id: ids(first.events).thread, messages: [{ content: 'three' }] }, 'recycled');
    expect(again.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    const pidAfter = bridge.sessions.peek('recycled')?.pid;
    expect(pidAfter).toBeDefined();
    expect(pidAfter).not.toBe(pidBefore);
    const history = await request(bridge.url).get('/history').query({ thread_id: ids(first.events).thread }).set(user).expect(200);
    const texts = (history.body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'user').map((m) => m.content);
    expect(texts).toEqual(['one', 'three']);
  });
});

describe('recycling by RSS', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    // Any app-server is "too big": each idle one is restarted on the next request.
    bridge = await startTestBridge({ CODEX_RECYCLE_RSS_BYTES: '1', CODEX_RECYCLE_AFTER_THREADS: '0' });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('restarts an idle app-server past CODEX_RECYCLE_RSS_BYTES, once, even for concurrent requests; the thread goes on', async () => {
    const first = await chat(bridge, { messages: [{ content: 'before' }] });
    const pidBefore = bridge.sessions.peek('default')?.pid;
    const [listed, listedToo] = await Promise.all([
      request(bridge.url).get('/threads').expect(200),
      request(bridge.url).get('/threads').expect(200),
    ]);
    expect(listed.body.threads.map((thread: { thread_id: string }) => thread.thread_id)).toContain(ids(first.events).thread);
    expect(listedToo.body).toEqual(listed.body);
    const pidAfter = bridge.sessions.peek('default')?.pid;
    expect(pidAfter).toBeDefined();
    expect(pidAfter).not.toBe(pidBefore);
    expect(bridge.sessions.activeSessions).toBe(1);
    // One app-server left, not one per concurrent request (the old one may take a moment to go).
    // Codex itself, not the jail's bwrap processes that carry the same arguments.
    const appServers = (): number =>
      descendantsOf(process.pid).filter((pid) => /^\S*codex app-server/.test(commandLineOf(pid))).length;
    await waitUntil(() => appServers() === 1, 'exactly one app-server');
    const again = await chat(bridge, { thread_id: ids(first.events).thread, messages: [{ content: 'after' }] });
    expect(again.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });
});

