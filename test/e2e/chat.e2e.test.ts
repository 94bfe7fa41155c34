import request from 'supertest';
import { bridgeEventSchema } from '../../src/codex/bridgeEvents';
import { jsonEvents, parseSse, startTestBridge, type TestBridge } from '../support/bridge';
import { DEFAULT_REPLY_TEXT, fakeUsage, lastInputItem } from '../support/fakeModel';
import { waitUntil } from '../support/wait';

/* POST /chat, /threads and /history through HTTP, the real codex app-server and the scripted fake model. */

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ ALLOW_USER_ID_OVERRIDE: 'true' });
});
afterAll(async () => {
  await bridge?.stop();
});

async function streamChat(body: Record<string, unknown>, user = 'default') {
  const res = await request(bridge.url).post('/chat').set('X-User-Id', user).send(body).expect(200);
  const events = jsonEvents(res.text);
  for (const event of events) bridgeEventSchema.parse(event);
  expect(parseSse(res.text).at(-1)?.data).toBe('[DONE]');
  return { res, events, threadId: events[0]?.thread_id as string };
}

function completedText(events: Array<Record<string, unknown>>): string {
  const completed = events.find((event) => event.type === 'message.completed');
  return (completed?.item as { text?: string } | undefined)?.text ?? '';
}

describe('chat with the real codex', () => {
  it('streams a reply as deltas, a completed message and usage', async () => {
    bridge.fake.enqueue({ kind: 'text', text: 'The answer is forty-two.', chunks: 4 });
    const { events, threadId } = await streamChat({ messages: [{ content: 'Hello!' }] });
    expect(events[0]).toMatchObject({ type: 'turn.started', thread_created: true });
    const deltas = events.filter((event) => event.type === 'message.delta');
    expect(deltas).toHaveLength(4);
    expect(deltas.map((event) => event.delta).join('')).toBe('The answer is forty-two.');
    expect(events.find((event) => event.type === 'message.completed')).toMatchObject({
      item: { type: 'assistant_message', text: 'The answer is forty-two.' },
    });
    const expectedUsage = fakeUsage(4);
    expect(events.at(-1)).toMatchObject({
      type: 'turn.completed',
      thread_id: threadId,
      status: 'completed',
      error: null,
      usage: { input_tokens: expectedUsage.input_tokens, output_tokens: expectedUsage.output_tokens, total_tokens: expectedUsage.total_tokens },
    });
  });

  it('continues a thread, and the model sees the earlier conversation', async () => {
    const first = await streamChat({ messages: [{ content: 'Remember the word PINEAPPLE.' }] });
    bridge.fake.enqueue({ kind: 'text', text: 'PINEAPPLE' });
    const second = await streamChat({ thread_id: first.threadId, messages: [{ content: 'Tell me more' }] });
    expect(second.threadId).toBe(first.threadId);
    expect(second.events[0]).toMatchObject({ type: 'turn.started', thread_created: false });
    expect(JSON.stringify(bridge.fake.requests.at(-1))).toContain('Remember the word PINEAPPLE.');
  });

  it('answers one JSON result with stream: false', async () => {
    bridge.fake.enqueue({ kind: 'text', text: '4' });
    const res = await request(bridge.url).post('/chat').send({ messages: [{ content: 'What is 2+2?' }], stream: false }).expect(200);
    expect(res.body).toMatchObject({
      status: 'completed',
      message: '4',
      error: null,
      items: [
        { type: 'user_message', text: 'What is 2+2?' },
        { type: 'assistant_message', text: '4' },
      ],
    });
    expect(res.headers['x-thread-id']).toBe(res.body.thread_id);
  });

  it('shows a command as tool events with its output', async () => {
    bridge.fake.enqueue({ kind: 'command', command: 'echo hi-from-codex', then: { kind: 'text', text: 'I ran it.' } });
    const { events } = await streamChat({ messages: [{ content: 'Run echo' }] });
    const started = events.find((event) => event.type === 'tool.started');
    const completed = events.find((event) => event.type === 'tool.completed');
    expect(started).toMatchObject({ item: { type: 'command_execution', command: expect.stringContaining('echo hi-from-codex') } });
    expect(completed).toMatchObject({ item: { type: 'command_execution', status: 'completed', exit_code: 0 } });
    expect((completed?.item as { output: string }).output).toContain('hi-from-codex');
    expect(lastInputItem(bridge.fake.requests.at(-1))).toMatchObject({ type: 'function_call_output' });
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it.each([500, 401])('turns a model error %i into an error event and a failed turn; the thread goes on', async (status) => {
    bridge.fake.enqueue({ kind: 'http_error', status });
    const failed = await streamChat({ messages: [{ content: 'fail please' }] });
    expect(failed.events.some((event) => event.type === 'turn.error' && event.code === 'model_error')).toBe(true);
    expect(failed.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'failed', error: { message: expect.any(String) } });
    const again = await streamChat({ thread_id: failed.threadId, messages: [{ content: 'and now?' }] });
    expect(again.events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });

  it("sends codex's own notifications with raw_events", async () => {
    const { events } = await streamChat({ messages: [{ content: 'raw please' }], raw_events: true });
    const methods = events.filter((event) => event.type === 'codex').map((event) => event.method);
    expect(methods).toEqual(expect.arrayContaining(['turn/started', 'item/agentMessage/delta', 'turn/completed']));
    expect(events.filter((event) => event.type === 'message.delta').length).toBeGreaterThan(0);
  });

  it('runs turns of two threads at once, each stream seeing only its own events', async () => {
    const a = await streamChat({ messages: [{ content: 'thread A' }] });
    const b = await streamChat({ messages: [{ content: 'thread B' }] });
    bridge.fake.enqueue(
      { kind: 'text', text: 'alpha alpha alpha alpha', chunks: 8, delayMs: 30 },
      { kind: 'text', text: 'beta beta beta beta', chunks: 8, delayMs: 30 },
    );
    const [ra, rb] = await Promise.all([
      streamChat({ thread_id: a.threadId, messages: [{ content: 'go' }] }),
      streamChat({ thread_id: b.threadId, messages: [{ content: 'go' }] }),
    ]);
    for (const [result, threadId] of [[ra, a.threadId], [rb, b.threadId]] as const) {
      expect(result.events.every((event) => event.thread_id === threadId)).toBe(true);
      const text = result.events.filter((event) => event.type === 'message.delta').map((event) => event.delta).join('');
      expect(text).toBe(completedText(result.events));
    }
    const texts = [ra, rb].map((result) => completedText(result.events));
    expect(texts.sort()).toEqual(['alpha alpha alpha alpha', 'beta beta beta beta']);
  });

  it('answers 409 to a second message while the thread is busy', async () => {
    const { threadId } = await streamChat({ messages: [{ content: 'start' }] });
    bridge.fake.enqueue({ kind: 'text', text: 'slow slow slow slow', chunks: 10, delayMs: 100 });
    const requestsBefore = bridge.fake.requests.length;
    const running = request(bridge.url).post('/chat').send({ thread_id: threadId, messages: [{ content: 'one' }] });
    const runningDone = running.then((res) => res);
    await waitUntil(() => bridge.fake.requests.length > requestsBefore, 'the first turn to reach the model');
    const conflict = await request(bridge.url).post('/chat').send({ thread_id: threadId, messages: [{ content: 'two' }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe('urn:codex-api-bridge:problem:turn-in-progress');
    const first = await runningDone;
    expect(jsonEvents(first.text).at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
    // The refused message never reached codex: the completed turn has only the first one.
    const history = await request(bridge.url).get('/history').query({ thread_id: threadId }).expect(200);
    const userTexts = history.body.messages.filter((message: { role: string }) => message.role === 'user').map((message: { content: string }) => message.content);
    expect(userTexts).toEqual(['start', 'one']);
  });
});

describe('threads and history with the real codex', () => {
  it('lists, reads, renames and archives only the caller’s threads', async () => {
    const mine = await streamChat({ messages: [{ content: 'carol thread' }] }, 'carol');
    const list = await request(bridge.url).get('/threads').set('X-User-Id', 'carol').expect(200);
    expect(list.body.threads.map((thread: { thread_id: string }) => thread.thread_id)).toEqual([mine.threadId]);
    expect(list.body.threads[0]).toMatchObject({ preview: 'carol thread', status: expect.any(String), name: null });

    const history = await request(bridge.url).get('/history').set('X-User-Id', 'carol').query({ thread_id: mine.threadId }).expect(200);
    expect(history.body.messages.map((message: { role: string; content: string }) => [message.role, message.content])).toEqual([
      ['user', 'carol thread'],
      ['assistant', DEFAULT_REPLY_TEXT],
    ]);
    expect(history.body.usage).toMatchObject({ total_tokens: fakeUsage(3).total_tokens });

    const renamed = await request(bridge.url).patch(`/threads/${mine.threadId}`).set('X-User-Id', 'carol').send({ name: 'Carol’s plans' }).expect(200);
    expect(renamed.body).toMatchObject({ thread_id: mine.threadId, name: 'Carol’s plans' });

    await request(bridge.url).delete(`/threads/${mine.threadId}`).set('X-User-Id', 'carol').expect(204);
    const after = await request(bridge.url).get('/threads').set('X-User-Id', 'carol').expect(200);
    expect(after.body.threads).toEqual([]);
    const continued = await request(bridge.url)
      .post('/chat')
      .set('X-User-Id', 'carol')
      .send({ thread_id: mine.threadId, messages: [{ content: 'still there?' }] });
    expect(continued.status).toBe(404);
  });

  it('keeps users apart: another user’s thread is 404 everywhere', async () => {
    const dave = await streamChat({ messages: [{ content: 'dave secret' }] }, 'dave');
    const asErin = (req: request.Test) => req.set('X-User-Id', 'erin');
    expect((await asErin(request(bridge.url).get('/history').query({ thread_id: dave.threadId }))).status).toBe(404);
    expect((await asErin(request(bridge.url).post('/chat').send({ thread_id: dave.threadId, messages: [{ content: 'x' }] }))).status).toBe(404);
    expect((await asErin(request(bridge.url).patch(`/threads/${dave.threadId}`).send({ name: 'mine now' }))).status).toBe(404);
    expect((await asErin(request(bridge.url).delete(`/threads/${dave.threadId}`))).status).toBe(404);
    const erinList = await asErin(request(bridge.url).get('/threads')).expect(200);
    expect(JSON.stringify(erinList.body)).not.toContain('dave secret');
  });

  it('pages long histories by turns', async () => {
    const first = await streamChat({ messages: [{ content: 'turn 1' }] }, 'frank');
    for (const n of [2, 3]) await streamChat({ thread_id: first.threadId, messages: [{ content: `turn ${n}` }] }, 'frank');
    const page1 = await request(bridge.url).get('/history').set('X-User-Id', 'frank').query({ thread_id: first.threadId, limit: 2 }).expect(200);
    expect(page1.body.messages.filter((message: { role: string }) => message.role === 'user').map((message: { content: string }) => message.content)).toEqual(['turn 1', 'turn 2']);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await request(bridge.url)
      .get('/history')
      .set('X-User-Id', 'frank')
      .query({ thread_id: first.threadId, limit: 2, cursor: page1.body.next_cursor })
      .expect(200);
    expect(page2.body.messages.filter((message: { role: string }) => message.role === 'user').map((message: { content: string }) => message.content)).toEqual(['turn 3']);
  });

  it('400 naming the cursor for a cursor the API never gave out', async () => {
    const threads = await request(bridge.url).get('/threads').query({ cursor: 'made-up' });
    expect(threads.status).toBe(400);
    expect(threads.body.errors).toEqual([{ field: '/query/cursor', message: 'is not a valid cursor' }]);
    const own = await streamChat({ messages: [{ content: 'for the cursor test' }] });
    const history = await request(bridge.url).get('/history').query({ thread_id: own.threadId, cursor: 'made-up' });
    expect(history.status).toBe(400);
  });

  it('answers a problem, not a bare status line, to a request head too large for Node', async () => {
    const res = await request(bridge.url).get('/threads').set('X-Padding', 'x'.repeat(20_000));
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({ status: 431, type: 'urn:codex-api-bridge:problem:headers-too-large' });
    await request(bridge.url).get('/status').expect(200);
  });

  it('404 for an unknown thread id', async () => {
    const res = await request(bridge.url).get('/history').query({ thread_id: '019a0000-0000-7000-8000-000000000000' });
    expect(res.status).toBe(404);
    const chat = await request(bridge.url).post('/chat').send({ thread_id: 'not-a-codex-id', messages: [{ content: 'x' }] });
    expect(chat.status).toBe(404);
  });
});
