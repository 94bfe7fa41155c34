import request from 'supertest';
import type { TurnRun } from '../../src/codex/turnRun';
import { naiveLocalIso } from '../../src/compat/threads';
import { appWithDoubles } from '../support/app';

/*
 * The original profile (X-Api-Compat: original / API_COMPAT=original) through the real Express app with
 * response validation on, over in-memory sessions: the original Python bridge's shapes and statuses.
 */

const ORIGINAL = { 'X-Api-Compat': 'original' };

/** A turn told as codex tells it: raw notifications (kept because the profile asks for them), then the end. */
function codexScript(run: TurnRun): void {
  const scoped = { threadId: run.threadId, turnId: run.turnId };
  run.emit({ type: 'codex', method: 'turn/started', params: { ...scoped, turn: { id: run.turnId } }, emitted_at_ms: 1000 });
  run.emit({ type: 'codex', method: 'item/agentMessage/delta', params: { ...scoped, itemId: 'm1', delta: 'po' }, emitted_at_ms: 1001 });
  run.emit({ type: 'message.delta', item_id: 'm1', delta: 'po' });
  const item = { type: 'assistant_message' as const, id: 'm1', text: 'pong' };
  run.recordItem(item);
  run.emit({ type: 'codex', method: 'item/completed', params: { ...scoped, item: { type: 'agentMessage', id: 'm1', text: 'pong' } }, emitted_at_ms: 1002 });
  run.emit({ type: 'message.completed', item });
  run.emit({ type: 'codex', method: 'turn/completed', params: { threadId: run.threadId, turn: { id: run.turnId, status: 'completed' } }, emitted_at_ms: 1003 });
  run.finish('completed', null, 'turn.completed');
}

function dataLines(text: string): string[] {
  const lines = text.split('\n').filter((line) => line.length > 0 && !line.startsWith(':'));
  for (const line of lines) expect(line.startsWith('data: ')).toBe(true);
  return lines.map((line) => line.slice('data: '.length));
}

function originalApp(env: Record<string, string> = {}) {
  const under = appWithDoubles(env);
  under.sessions.sessionOf('default').script = codexScript;
  return under;
}

describe('POST /chat in the original profile', () => {
  it('streams data lines only: session, turn.started with codex\'s turn, codex\'s notifications verbatim, [DONE]', async () => {
    const { app } = originalApp();
    const res = await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: 'Hello!' }] }).expect(200);
    const data = dataLines(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const events = data.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toEqual({ type: 'session', thread_id: 'thread-1' });
    expect(events[1]).toEqual({ type: 'turn.started', turn: { id: 'turn-2', items: [], status: 'inProgress', error: null } });
    expect(events.slice(2).map((event) => event.method)).toEqual(['turn/started', 'item/agentMessage/delta', 'item/completed', 'turn/completed']);
    for (const event of events.slice(2)) expect(Object.keys(event).sort()).toEqual(['emittedAtMs', 'method', 'params']);
    expect(events[3]).toEqual({ method: 'item/agentMessage/delta', params: { threadId: 'thread-1', turnId: 'turn-2', itemId: 'm1', delta: 'po' }, emittedAtMs: 1001 });
  });

  it('answers {thread_id, message, events} with stream: false, and takes the lax inputs the original took', async () => {
    const { app, sessions } = originalApp();
    const res = await request(app)
      .post('/chat')
      .set(ORIGINAL)
      .send({
        thread_id: null,
        model: null,
        temperature: 0.3,
        user_id: 'ignored',
        stream: 'false',
        messages: [{ role: 'system', content: 'Be brief.', name: 'x' }, { content: '' }, { role: 'assistant', content: 'Hi' }],
      })
      .expect(200);
    expect(res.body.thread_id).toBe('thread-1');
    expect(res.body.message).toBe('pong');
    expect(res.body.events[0]).toEqual({ type: 'turn.started', turn: expect.objectContaining({ id: 'turn-2' }) });
    expect(res.body.events.at(-1)).toMatchObject({ method: 'turn/completed', emittedAtMs: 1003 });
    // The original's prompt: every non-empty content, one per line, roles ignored.
    expect(sessions.sessionOf('default').prompts).toEqual(['Be brief.\nHi']);
  });

  it.each([[0], ['0'], ['no']])('stream: %p means JSON', async (stream) => {
    const { app } = originalApp();
    const res = await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: 'x' }], stream }).expect(200);
    expect(res.body).toHaveProperty('events');
  });

  it('refuses an all-empty prompt with 400 {"detail": "Empty message"}', async () => {
    const { app } = originalApp();
    const res = await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: '' }, { content: '' }] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Empty message' });
  });

  it.each([
    ['no messages', {}, ['body', 'messages']],
    ['a content that is not text', { messages: [{ content: 42 }] }, ['body', 'messages', 0, 'content']],
    ['stream that is no boolean', { messages: [{ content: 'x' }], stream: 'maybe' }, ['body', 'stream']],
  ])('422 with FastAPI\'s list for %s', async (_name, body, loc) => {
    const { app } = originalApp();
    const res = await request(app).post('/chat').set(ORIGINAL).send(body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc, msg: expect.any(String), type: expect.any(String) })]));
  });

  it('422, never 415, for a malformed or non-JSON body', async () => {
    const { app } = originalApp();
    const malformed = await request(app).post('/chat').set(ORIGINAL).set('Content-Type', 'application/json').send('{"messages": [');
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].loc).toEqual(['body']);
    const text = await request(app).post('/chat').set(ORIGINAL).set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(422);
  });

  it('404 {"detail": "Thread not found: <id>"} for an unknown thread, 409 {"detail"} while its turn runs', async () => {
    const { app, sessions } = originalApp();
    const missing = await request(app).post('/chat').set(ORIGINAL).send({ thread_id: 'nope', messages: [{ content: 'x' }] });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Thread not found: nope' });
    const session = sessions.sessionOf('default');
    session.script = () => undefined;
    await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: 'x' }], stream: false }).timeout(200).catch(() => undefined);
    const busy = await request(app).post('/chat').set(ORIGINAL).send({ thread_id: 'thread-1', messages: [{ content: 'y' }] });
    expect(busy.status).toBe(409);
    expect(busy.body).toEqual({ detail: expect.stringContaining('thread-1') });
  });
});

describe('GET /threads, /history and / in the original profile', () => {
  it('lists threads with naive local timestamps, default limit 50, limit up to 200', async () => {
    const { app, sessions } = originalApp();
    await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: 'first' }], stream: false }).expect(200);
    const thread = sessions.sessionOf('default').threads.get('thread-1');
    const res = await request(app).get('/threads').set(ORIGINAL).expect(200);
    expect(res.body).toEqual({
      threads: [
        {
          thread_id: 'thread-1',
          preview: 'first',
          created_at: naiveLocalIso(new Date(thread?.created_at ?? 0)),
          updated_at: naiveLocalIso(new Date(thread?.updated_at ?? 0)),
        },
      ],
      next_cursor: null,
    });
    expect(res.body.threads[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    await request(app).get('/threads?limit=200').set(ORIGINAL).expect(200);
    const tooMany = await request(app).get('/threads?limit=201').set(ORIGINAL);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.detail[0].loc).toEqual(['query', 'limit']);
  });

  it('reads the history as {thread_id, preview, created_at, turns} with codex\'s items', async () => {
    const { app } = originalApp();
    await request(app).post('/chat').set(ORIGINAL).send({ messages: [{ content: 'first' }], stream: false }).expect(200);
    const res = await request(app).get('/history?thread_id=thread-1').set(ORIGINAL).expect(200);
    expect(res.body).toEqual({
      thread_id: 'thread-1',
      preview: 'first',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      turns: [{ id: 'turn-2', status: 'completed', items: [{ type: 'agentMessage', id: 'm1', text: 'pong' }] }],
    });
    const missing = await request(app).get('/history?thread_id=nope').set(ORIGINAL);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Thread not found: nope' });
    const noId = await request(app).get('/history').set(ORIGINAL);
    expect(noId.status).toBe(422);
    expect(noId.body.detail[0].loc).toEqual(['query', 'thread_id']);
  });

  it('GET / has the original\'s endpoints', async () => {
    const { app } = originalApp();
    const res = await request(app).get('/').set(ORIGINAL).expect(200);
    expect(res.body.endpoints).toEqual({
      'POST /chat': 'Send message (new or continue)',
      'GET /threads': 'List conversations',
      'GET /history': 'Get conversation history',
      'GET /status': 'Health check',
    });
  });

  it('routes the original did not have keep their documented 400, as {"detail"}', async () => {
    const { app } = originalApp();
    const res = await request(app).patch('/threads/thread-1').set(ORIGINAL).send({ name: 42 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: expect.any(String) });
  });

  it('404 {"detail"} for an unknown route', async () => {
    const { app } = originalApp();
    const res = await request(app).get('/nowhere').set(ORIGINAL);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: expect.any(String) });
  });
});

describe('choosing the profile', () => {
  it('API_COMPAT=original applies without a header, and X-Api-Compat: default opts a request out', async () => {
    const { app } = originalApp({ API_COMPAT: 'original' });
    const original = await request(app).post('/chat').send({ messages: [{ content: 'x' }], stream: false }).expect(200);
    expect(original.body).toHaveProperty('events');
    const typed = await request(app).post('/chat').set('X-Api-Compat', 'default').send({ messages: [{ content: 'x' }], stream: false }).expect(200);
    expect(typed.body).toMatchObject({ status: 'completed', message: 'pong' });
    expect(typed.body).not.toHaveProperty('events');
  });

  it('the default profile keeps its problems and refuses unknown fields', async () => {
    const { app } = originalApp();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'x' }], temperature: 1 });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a bad API_COMPAT at start-up, naming the variable', () => {
    expect(() => appWithDoubles({ API_COMPAT: 'python' })).toThrow(/API_COMPAT/);
  });
});
