import request from 'supertest';
import YAML from 'yaml';
import fs from 'node:fs';
import path from 'node:path';
import { BadGatewayError, ServiceUnavailableError } from '../../src/errors';
import { CodexExitedError } from '../../src/codex/errors';
import { bridgeEventSchema } from '../../src/codex/bridgeEvents';
import { loadSpec } from '../../src/http/spec';
import { appWithDoubles } from '../support/app';
import { SessionDouble } from '../support/sessionDouble';
import { jsonEvents, parseSse } from '../support/bridge';

/*
 * Every operation and every error status of the contract, through the real Express app with
 * response validation on (an off-spec answer fails as a 500), over in-memory sessions.
 */

const PROBLEM = /^application\/problem\+json/;

function expectProblem(res: request.Response, status: number, slug?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
  if (slug) expect(res.body.type).toBe(`urn:codex-api-bridge:problem:${slug}`);
}

describe('service routes', () => {
  const { app } = appWithDoubles();

  it('GET / names the service and links the docs', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.body).toMatchObject({ name: 'Codex API Bridge', links: { docs: '/docs', openapi_json: '/openapi.json' } });
  });

  it('GET /status reports codex, key and sessions', async () => {
    const res = await request(app).get('/status').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      codex_available: true,
      codex_version: 'codex-cli 0.0.0-test',
      api_key_configured: true,
      security_method: 'none',
      active_sessions: 0,
      max_sessions: 50,
      version: '0.0.0-test',
      isolation: { mechanism: 'bubblewrap', tenant_uids: false, reason: null, model_relay: true },
      storage: { free_bytes: 1 << 30, total_bytes: 2 ** 31, low_space: false, problems: [] },
      memory: { rss_bytes: 1, heap_used_bytes: 1, heap_limit_bytes: 2, shedding: false },
      events: { retained_bytes: 0, max_bytes: 256 * 1024 * 1024 },
      connections: { open: 1, max: 1000, max_per_client: 200 },
    });
  });

  it('GET /status is degraded without a key and unavailable without codex', async () => {
    const noKey = appWithDoubles({ OPENAI_API_KEY: '' });
    expect((await request(noKey.app).get('/status')).body).toMatchObject({ status: 'degraded', api_key_configured: false });
    const noCodex = appWithDoubles({}, false);
    expect((await request(noCodex.app).get('/status')).body).toMatchObject({ status: 'unavailable', codex_available: false, codex_version: null });
  });

  it('serves the one spec as JSON and YAML, and Swagger UI', async () => {
    const json = await request(app).get('/openapi.json').expect(200);
    expect(json.body).toEqual(YAML.parse(fs.readFileSync(path.join(__dirname, '../../openapi.yaml'), 'utf8')));
    const yaml = await request(app).get('/openapi.yaml').expect(200);
    expect(yaml.headers['content-type']).toMatch(/application\/yaml/);
    expect(yaml.text).toBe(loadSpec().yaml);
    const docs = await request(app).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it('the validator does not change the loaded spec object', async () => {
    await request(app).post('/chat').send({ messages: [{ content: 'hi' }], stream: false }).expect(200);
    expect(loadSpec().document).toEqual(YAML.parse(loadSpec().yaml));
  });
});

describe('POST /chat', () => {
  it('streams typed SSE events with increasing ids, then [DONE]', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'ping' }] }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toContain('no-cache');
    expect(res.headers['x-accel-buffering']).toBe('no');
    const events = parseSse(res.text);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const ids = events.filter((event) => event.id).map((event) => Number(event.id));
    expect(ids).toEqual(ids.map((_, index) => index + 1));
    for (const event of events.slice(0, -1)) {
      const data = bridgeEventSchema.parse(JSON.parse(event.data));
      expect(event.event).toBe(data.type);
    }
    expect(jsonEvents(res.text).map((event) => event.type)).toEqual([
      'turn.started',
      'message.delta',
      'message.delta',
      'message.completed',
      'turn.completed',
    ]);
    expect(res.headers['x-thread-id']).toBe('thread-1');
  });

  it('sends a keepalive comment while a turn is quiet', async () => {
    const { app, sessions } = appWithDoubles({ SSE_KEEPALIVE_SECONDS: '0.1' });
    sessions.sessionOf('default').script = (run) => {
      setTimeout(() => run.finish('completed', null, 'turn.completed'), 350);
    };
    const res = await request(app).post('/chat').send({ messages: [{ content: 'ping' }] }).expect(200);
    expect(res.text).toContain(': keepalive\n\n');
    expect(parseSse(res.text).at(-1)?.data).toBe('[DONE]');
  });

  it('joins message contents into one transcript when not all are the user\'s', async () => {
    const { app, sessions } = appWithDoubles();
    await request(app)
      .post('/chat')
      .send({ messages: [{ role: 'system', content: 'Be brief.' }, { content: '  Hello!  ' }], stream: false })
      .expect(200);
    expect(sessions.sessionOf('default').prompts).toEqual(['System: Be brief.\n\nUser: Hello!']);
  });

  it('answers one JSON result with stream: false', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'ping' }], stream: false }).expect(200);
    expect(res.body).toEqual({
      thread_id: 'thread-1',
      turn_id: 'turn-2',
      status: 'completed',
      message: 'pong',
      items: [{ type: 'assistant_message', id: 'msg-1', text: 'pong' }],
      usage: null,
      error: null,
      plan: null,
      diff: null,
    });
  });

  it('ends a stream broken by codex with an error event and [DONE]', async () => {
    const { app, sessions } = appWithDoubles();
    sessions.sessionOf('default').script = (run) => {
      run.emit({ type: 'message.delta', item_id: 'm', delta: 'par' });
      run.finish('failed', { message: 'codex app-server exited (killed by SIGKILL)', code: 'codex_exited' }, 'turn.error', 'codex_exited');
    };
    const res = await request(app).post('/chat').send({ messages: [{ content: 'ping' }] }).expect(200);
    const events = jsonEvents(res.text);
    expect(events.at(-1)).toMatchObject({ type: 'turn.error', code: 'codex_exited', will_retry: false });
    expect(parseSse(res.text).at(-1)?.data).toBe('[DONE]');
  });

  it('SSE_LEGACY_ERROR_EVENT=true names the failure event `error` again (event and type); the default profile otherwise unchanged', async () => {
    const { app, sessions } = appWithDoubles({ SSE_LEGACY_ERROR_EVENT: 'true' });
    sessions.sessionOf('default').script = (run) => {
      run.emit({ type: 'message.delta', item_id: 'm', delta: 'par' });
      run.finish('failed', { message: 'codex app-server exited', code: 'codex_exited' }, 'turn.error', 'codex_exited');
    };
    const res = await request(app).post('/chat').send({ messages: [{ content: 'ping' }] }).expect(200);
    const sse = parseSse(res.text);
    expect(sse.map((event) => event.event)).toEqual(['turn.started', 'message.delta', 'error', undefined]);
    expect(JSON.parse(sse[2]?.data ?? '{}')).toMatchObject({ type: 'error', code: 'codex_exited', will_retry: false });
    expect(JSON.parse(sse[1]?.data ?? '{}')).toMatchObject({ type: 'message.delta', delta: 'par' });
  });

  it.each([
    ['no messages', {}, '/body/messages'],
    ['empty messages', { messages: [] }, '/body/messages'],
    ['blank content', { messages: [{ content: '   ' }] }, '/body/messages'],
    ['only empty contents', { messages: [{ content: '' }, { content: '\n' }] }, '/body/messages'],
    ['wrong type', { messages: [{ content: 42 }] }, '/body/messages/0/content'],
    ['unknown field', { messages: [{ content: 'x' }], temperature: 2 }, '/body/temperature'],
    ['bad role', { messages: [{ role: 'robot', content: 'x' }] }, '/body/messages/0/role'],
    ['bad thread id', { thread_id: '../../etc', messages: [{ content: 'x' }] }, '/body/thread_id'],
    ['stream not boolean', { messages: [{ content: 'x' }], stream: 'yes' }, '/body/stream'],
  ])('400 names the field: %s', async (_name, body, field) => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send(body);
    expectProblem(res, 400, 'validation-error');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('400 for malformed JSON', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').set('Content-Type', 'application/json').send('{"messages": [');
    expectProblem(res, 400, 'validation-error');
    expect(res.body.errors).toEqual([{ field: '/body', message: 'is not valid JSON' }]);
  });

  it('404 for a thread the caller does not have', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ thread_id: 'nope', messages: [{ content: 'x' }] });
    expectProblem(res, 404, 'thread-not-found');
  });

  it('409 while a turn runs on the thread', async () => {
    const { app, sessions } = appWithDoubles();
    const session = sessions.sessionOf('default');
    session.script = () => undefined; // the turn never ends by itself
    const first = await request(app).post('/chat').send({ messages: [{ content: 'x' }], stream: false }).timeout(200).catch(() => undefined);
    expect(first).toBeUndefined();
    const threadId = [...session.threads.keys()][0];
    const res = await request(app).post('/chat').send({ thread_id: threadId, messages: [{ content: 'y' }] });
    expectProblem(res, 409, 'turn-in-progress');
    for (const run of session.running.values()) run.finish('interrupted', null, 'turn.completed');
  });

  it('413 for a body over MAX_BODY_BYTES', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'x'.repeat(10_000) }] });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('415 for a body that is not JSON', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').set('Content-Type', 'text/plain').send('hello');
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('429 with Retry-After past MAX_STREAMS_PER_USER open streams; the slot frees when a stream ends', async () => {
    const { app, sessions } = appWithDoubles({ MAX_STREAMS_PER_USER: '1' });
    const session = sessions.sessionOf('default');
    session.script = () => undefined;
    const server = app.listen(0);
    try {
      const address = server.address() as { port: number };
      const open = request(`http://127.0.0.1:${address.port}`).post('/chat').send({ messages: [{ content: 'x' }] }).then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await request(app).post('/chat').send({ messages: [{ content: 'y' }] });
      expectProblem(refused, 429, 'too-many-requests');
      expect(refused.headers['retry-after']).toBe('2');
      expect(session.prompts).toEqual(['x']);
      // A non-streaming request is not a stream.
      session.script = new SessionDouble().script;
      await request(app).post('/chat').send({ messages: [{ content: 'z' }], stream: false }).expect(200);
      for (const run of session.running.values()) run.finish('completed', null, 'turn.completed');
      await open;
      await request(app).post('/chat').send({ messages: [{ content: 'w' }] }).expect(200);
    } finally {
      server.close();
    }
  });

  it('503 with Retry-After when no session can be had', async () => {
    const { app, sessions } = appWithDoubles();
    sessions.refuseWith = new ServiceUnavailableError('all 50 sessions are busy', 5, 'sessions-exhausted');
    const res = await request(app).post('/chat').send({ messages: [{ content: 'x' }] });
    expectProblem(res, 503, 'sessions-exhausted');
    expect(res.headers['retry-after']).toBe('5');
  });

  it('502 when codex dies under the request', async () => {
    const { app, sessions } = appWithDoubles();
    sessions.sessionOf('default').failNext = new CodexExitedError('killed by SIGKILL');
    expectProblem(await request(app).post('/chat').send({ messages: [{ content: 'x' }] }), 502, 'codex-exited');
    sessions.sessionOf('default').failNext = new BadGatewayError('codex app-server did not start', 'codex-start-failed');
    expectProblem(await request(app).post('/chat').send({ messages: [{ content: 'x' }] }), 502, 'codex-start-failed');
  });
});

describe('threads and history', () => {
  async function withThread(): Promise<{ app: ReturnType<typeof appWithDoubles>['app']; threadId: string }> {
    const { app } = appWithDoubles();
    const res = await request(app).post('/chat').send({ messages: [{ content: 'first' }], stream: false }).expect(200);
    return { app, threadId: res.body.thread_id };
  }

  it('lists, renames, reads and archives', async () => {
    const { app, threadId } = await withThread();
    const list = await request(app).get('/threads').query({ limit: 10 }).expect(200);
    expect(list.body.threads).toEqual([expect.objectContaining({ thread_id: threadId, preview: 'first', status: 'idle' })]);
    const renamed = await request(app).patch(`/threads/${threadId}`).send({ name: ' Plans ' }).expect(200);
    expect(renamed.body.name).toBe('Plans');
    const history = await request(app).get('/history').query({ thread_id: threadId }).expect(200);
    expect(history.body.thread.name).toBe('Plans');
    await request(app).delete(`/threads/${threadId}`).expect(204);
    expectProblem(await request(app).get('/history').query({ thread_id: threadId }), 404, 'thread-not-found');
  });

  it('400 names bad query parameters', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).get('/threads').query({ limit: 0 });
    expectProblem(res, 400);
    expect(res.body.errors[0].field).toBe('/query/limit');
    const missing = await request(app).get('/history');
    expectProblem(missing, 400);
    expect(missing.body.errors[0].field).toBe('/query/thread_id');
    const unknown = await request(app).get('/threads').query({ colour: 'red' });
    expectProblem(unknown, 400);
  });

  it('404 for unknown threads on every thread route', async () => {
    const { app } = appWithDoubles();
    expectProblem(await request(app).patch('/threads/unknown').send({ name: 'x' }), 404, 'thread-not-found');
    expectProblem(await request(app).delete('/threads/unknown'), 404, 'thread-not-found');
    expectProblem(await request(app).get('/history').query({ thread_id: 'unknown' }), 404, 'thread-not-found');
  });

  it('400 for a blank name and 415 for a non-JSON rename', async () => {
    const { app, threadId } = await withThread();
    expectProblem(await request(app).patch(`/threads/${threadId}`).send({ name: '  ' }), 400);
    expectProblem(await request(app).patch(`/threads/${threadId}`).set('Content-Type', 'text/plain').send('x'), 415);
  });
});

describe('routing problems', () => {
  const { app } = appWithDoubles();

  it('404 for an unknown route', async () => {
    expectProblem(await request(app).get('/nope'), 404, 'not-found');
  });

  it('405 for a known route with the wrong method', async () => {
    const res = await request(app).put('/chat').send({});
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toMatch(/POST/i);
  });
});

describe('CORS', () => {
  it('is off by default: no origin is allowed', async () => {
    const { app } = appWithDoubles();
    const res = await request(app).get('/status').set('Origin', 'https://app.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("with '*' allows any origin, and answers preflights before validation", async () => {
    const { app } = appWithDoubles({ CORS_ORIGINS: '*' });
    const preflight = await request(app)
      .options('/chat')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const res = await request(app).get('/status').set('Origin', 'https://app.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('allows only the configured origins', async () => {
    const { app } = appWithDoubles({ CORS_ORIGINS: 'https://app.example' });
    const allowed = await request(app).get('/status').set('Origin', 'https://app.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await request(app).get('/status').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('user selection without authentication', () => {
  it('ignores user_id and X-User-Id unless ALLOW_USER_ID_OVERRIDE', async () => {
    const { app, sessions } = appWithDoubles();
    await request(app).post('/chat').set('X-User-Id', 'mallory').send({ messages: [{ content: 'x' }], stream: false }).expect(200);
    expect([...sessions.sessions.keys()]).toEqual(['default']);
  });

  it('picks the user with ALLOW_USER_ID_OVERRIDE and keeps users apart', async () => {
    const { app, sessions } = appWithDoubles({ ALLOW_USER_ID_OVERRIDE: 'true' });
    const alice = await request(app).post('/chat').query({ user_id: 'alice' }).send({ messages: [{ content: 'x' }], stream: false }).expect(200);
    await request(app).get('/threads').set('X-User-Id', 'bob').expect(200);
    expect([...sessions.sessions.keys()].sort()).toEqual(['alice', 'bob']);
    expectProblem(await request(app).get('/history').set('X-User-Id', 'bob').query({ thread_id: alice.body.thread_id }), 404);
  });

  it('400 for an over-long X-User-Id', async () => {
    const { app } = appWithDoubles({ ALLOW_USER_ID_OVERRIDE: 'true' });
    const res = await request(app).get('/threads').set('X-User-Id', 'u'.repeat(300));
    expectProblem(res, 400);
  });
});
