import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { CodexModel } from '../../src/codex/modelList';
import { parseConfig } from '../../src/config/env';
import { parseResponseId, responseId } from '../../src/openai/ids';
import { startFakeIntrospectionServer, type FakeIntrospectionServer } from '../auth/fakeIntrospectionServer';
import { parseSse } from '../support/bridge';
import { SessionDouble, SessionProviderDouble } from '../support/sessionDouble';
import { appOver } from '../support/app';

/*
 * The /v1 routes through the real Express app with response validation on (an off-spec answer fails as
 * a 500), over in-memory sessions whose turns answer "pong".
 */

const CATALOGUE: CodexModel[] = [
  { id: 'gpt-a', model: 'gpt-a', displayName: 'GPT A', description: 'first', hidden: false, isDefault: true },
  { id: 'gpt-b', model: 'gpt-b', displayName: 'GPT B', description: 'second', hidden: false, isDefault: false },
];

class CatalogueSession extends SessionDouble {
  async listModels(): Promise<CodexModel[]> {
    return CATALOGUE;
  }
}

class CatalogueProvider extends SessionProviderDouble {
  override sessionOf(userId: string): SessionDouble {
    let session = this.sessions.get(userId);
    if (!session) {
      session = new CatalogueSession();
      this.sessions.set(userId, session);
    }
    return session;
  }
}

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function openAiApp(env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openai-contract-'));
  dataDirs.push(dataDir);
  const config = parseConfig({ OPENAI_API_KEY: 'sk-test', MAX_BODY_BYTES: '4096', BASE_DATA_DIR: dataDir, ...env });
  const sessions = new CatalogueProvider();
  const app = appOver(config, { sessions });
  return { app, sessions, session: sessions.sessionOf('default'), dataDir };
}

function expectOpenAiError(
  res: request.Response,
  status: number,
  expected: { type?: string; param?: string | null; code?: string; message?: string },
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(res.body.error.message).toMatch(/\S/);
  expect(res.body.error).toMatchObject(expected);
}

describe('POST /v1/responses', () => {
  it('answers one response whose id names the thread and turn', async () => {
    const { app } = openAiApp({ CODEX_MODEL: 'gpt-b' });
    const res = await request(app)
      .post('/v1/responses')
      .send({ input: 'ping', metadata: { k: 'v' }, temperature: 0.2 })
      .expect(200);
    expect(res.body).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-b',
      metadata: { k: 'v' },
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'pong', annotations: [] }] },
      ],
      codex: { thread_id: 'thread-1', turn_id: 'turn-2', tool_calls: [] },
    });
    expect(parseResponseId(res.body.id)).toEqual({ threadId: 'thread-1', turnId: 'turn-2' });
  });

  it('streams named events with sequence numbers from 0, no [DONE]', async () => {
    const { app } = openAiApp();
    const res = await request(app).post('/v1/responses').send({ input: 'ping', stream: true }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(res.text);
    const payloads = events.map((event) => JSON.parse(event.data) as { type: string; sequence_number: number });
    expect(events.map((event) => event.event)).toEqual(payloads.map((payload) => payload.type));
    expect(payloads.map((payload) => payload.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(payloads.map((payload) => payload.sequence_number)).toEqual(payloads.map((_, index) => index));
    expect(payloads.at(-1)).toMatchObject({ response: { status: 'completed', output: [{ type: 'message' }] } });
  });

  it('streams response.failed when the turn fails', async () => {
    const { app, session } = openAiApp();
    session.script = (run) =>
      run.finish('failed', { message: 'model exploded', code: 'internalServerError' }, 'turn.completed');
    const res = await request(app).post('/v1/responses').send({ input: 'ping', stream: true }).expect(200);
    const last = JSON.parse(parseSse(res.text).at(-1)?.data ?? '{}');
    expect(last).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'internalServerError', message: 'model exploded' } },
    });
  });

  it('continues the thread of previous_response_id with the new input only', async () => {
    const { app, session } = openAiApp();
    const first = await request(app).post('/v1/responses').send({ input: 'one' }).expect(200);
    const second = await request(app)
      .post('/v1/responses')
      .send({ input: 'two', previous_response_id: first.body.id })
      .expect(200);
    expect(parseResponseId(second.body.id)?.threadId).toBe(parseResponseId(first.body.id)?.threadId);
    expect(session.prompts).toEqual(['one', 'two']);
    expect(second.body.previous_response_id).toBe(first.body.id);
  });

  it('seeds a new thread with earlier messages of the input', async () => {
    const { app, session } = openAiApp();
    await request(app)
      .post('/v1/responses')
      .send({
        input: [
          { role: 'developer', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'output_text', text: 'Hello!' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Bye' }] },
        ],
      })
      .expect(200);
    expect(session.prompts[0]).toContain('User: Hi\n\nAssistant: Hello!');
    expect(session.prompts[0]).toMatch(/User: Bye$/);
    expect(session.prompts[0]).not.toContain('Be terse.');
  });

  it('404 in OpenAI shape when the previous response is not the caller’s', async () => {
    const { app } = openAiApp();
    const res = await request(app)
      .post('/v1/responses')
      .send({ input: 'x', previous_response_id: responseId({ threadId: 'nope', turnId: 't' }) });
    expectOpenAiError(res, 404, { type: 'not_found_error', code: 'response_not_found' });
  });

  it.each([
    ['no input', {}, 'input'],
    ['input of a wrong type', { input: 42 }, 'input'],
    ['empty input', { input: '' }, 'input'],
    ['a bad role', { input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    ['a non-message item', { input: [{ type: 'function_call_output', call_id: 'c', output: 'x' }] }, 'input[0].type'],
    ['no user text', { input: [{ role: 'system', content: 'only rules' }] }, 'input'],
    ['a malformed previous_response_id', { input: 'x', previous_response_id: 'not-an-id' }, 'previous_response_id'],
    ['a foreign previous_response_id', { input: 'x', previous_response_id: 'resp_Zm9yZWlnbg' }, 'previous_response_id'],
    ['metadata that is not strings', { input: 'x', metadata: { n: 1 } }, 'metadata.n'],
    ['stream not boolean', { input: 'x', stream: 'yes' }, 'stream'],
  ])('400 in OpenAI shape naming the param: %s', async (_name, body, param) => {
    const { app } = openAiApp();
    const res = await request(app).post('/v1/responses').send(body);
    expectOpenAiError(res, 400, { type: 'invalid_request_error', param, code: 'validation_error' });
  });
});

describe('GET /v1/responses/{id} and cancel', () => {
  it('shows a running response, cancels it (interrupt), then refuses to cancel again', async () => {
    const { app, session } = openAiApp();
    session.script = () => undefined; // runs until interrupted
    const started = await request(app).post('/v1/responses').send({ input: 'slow', background: true }).expect(200);
    expect(started.body).toMatchObject({ status: 'in_progress', background: true, output: [], usage: null });
    const running = await request(app).get(`/v1/responses/${started.body.id}`).expect(200);
    expect(running.body).toMatchObject({ id: started.body.id, status: 'in_progress' });
    const cancelled = await request(app).post(`/v1/responses/${started.body.id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ id: started.body.id, status: 'cancelled', error: { code: 'cancelled' } });
    expect(session.running.size).toBe(0);
    const again = await request(app).post(`/v1/responses/${started.body.id}/cancel`);
    expectOpenAiError(again, 409, { code: 'response_not_running' });
  });

  it('404 in OpenAI shape for an unknown or malformed id', async () => {
    const { app } = openAiApp();
    expectOpenAiError(
      await request(app).get(`/v1/responses/${responseId({ threadId: 'thread-9', turnId: 'turn-9' })}`),
      404,
      {
        type: 'not_found_error',
      },
    );
    expectOpenAiError(await request(app).get('/v1/responses/resp_Zm9yZWlnbg'), 404, { code: 'response_not_found' });
    expectOpenAiError(await request(app).get('/v1/responses/not-ours'), 400, { param: 'response_id' });
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers choices[0].message with usage', async () => {
    const { app } = openAiApp();
    const res = await request(app)
      .post('/v1/chat/completions')
      .send({ model: 'gpt-a', messages: [{ role: 'user', content: 'ping' }], temperature: 0, n: 1 })
      .expect(200);
    expect(res.body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-a',
      choices: [{ index: 0, message: { role: 'assistant', content: 'pong', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
    expect(res.body.id).toMatch(/^chatcmpl-/);
  });

  it('streams chunks, a usage chunk with include_usage, then [DONE]', async () => {
    const { app } = openAiApp();
    const res = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: 'ping' }], stream: true, stream_options: { include_usage: true } })
      .expect(200);
    const events = parseSse(res.text);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('pong');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 0 } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('continues a thread when the history matches it, starts a seeded one when it does not', async () => {
    const { app, session, dataDir } = openAiApp();
    const system = { role: 'system', content: 'Rules.' };
    await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [system, { role: 'user', content: 'one' }] })
      .expect(200);
    // The turn's end is recorded after the answer went out.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const history = [system, { role: 'user', content: 'one' }, { role: 'assistant', content: 'pong' }];
    const second = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [...history, { role: 'user', content: [{ type: 'text', text: 'two' }] }] })
      .expect(200);
    expect(second.body.codex.thread_id).toBe('thread-1');
    expect(session.prompts).toEqual(['one', 'two']);
    expect(fs.readdirSync(path.join(dataDir, 'openai'))).toEqual(['default.json']);

    const edited = [system, { role: 'user', content: 'one' }, { role: 'assistant', content: 'something else' }];
    const third = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [...edited, { role: 'user', content: 'three' }] })
      .expect(200);
    expect(third.body.codex.thread_id).not.toBe('thread-1');
    expect(session.prompts[2]).toContain('<transcript>\nUser: one\n\nAssistant: something else\n</transcript>');
  });

  it('502 in OpenAI shape when the turn fails; a stream ends with an error and [DONE]', async () => {
    const { app, session } = openAiApp();
    session.script = (run) =>
      run.finish('failed', { message: 'model exploded', code: 'internalServerError' }, 'turn.completed');
    const res = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: 'x' }] });
    expectOpenAiError(res, 502, { type: 'server_error', code: 'turn_failed' });
    expect(res.body.error.message).toContain('model exploded');
    const streamed = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: 'x' }], stream: true })
      .expect(200);
    const events = parseSse(streamed.text);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(JSON.parse(events.at(-2)?.data ?? '{}')).toEqual({
      error: { message: 'model exploded', type: 'server_error', param: null, code: 'internalServerError' },
    });
  });

  it.each([
    ['no messages', {}, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
    ['a bad role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    ['content of a wrong type', { messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    [
      'no user text at the end',
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      },
      'messages',
    ],
    [
      'stream_options not an object',
      { messages: [{ role: 'user', content: 'x' }], stream_options: 'yes' },
      'stream_options',
    ],
  ])('400 in OpenAI shape naming the param: %s', async (_name, body, param) => {
    const { app } = openAiApp();
    const res = await request(app).post('/v1/chat/completions').send(body);
    expectOpenAiError(res, 400, { type: 'invalid_request_error', param });
  });

  it('413, 415 and malformed JSON in OpenAI shape', async () => {
    const { app } = openAiApp();
    const big = await request(app)
      .post('/v1/chat/completions')
      .send({ messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
    expectOpenAiError(big, 413, { code: 'payload_too_large' });
    const text = await request(app).post('/v1/chat/completions').set('Content-Type', 'text/plain').send('hello');
    expectOpenAiError(text, 415, { code: 'unsupported_media_type' });
    const broken = await request(app)
      .post('/v1/chat/completions')
      .set('Content-Type', 'application/json')
      .send('{"messages": [');
    expectOpenAiError(broken, 400, { param: null, code: 'validation_error' });
  });
});

describe('GET /v1/models', () => {
  it("lists codex's catalogue with the configured default first", async () => {
    const { app } = openAiApp({ CODEX_MODEL: 'gpt-b' });
    const res = await request(app).get('/v1/models').expect(200);
    expect(res.body.object).toBe('list');
    expect(res.body.data.map((model: { id: string }) => model.id)).toEqual(['gpt-b', 'gpt-a']);
    expect(res.body.data[0]).toMatchObject({
      object: 'model',
      owned_by: 'openai',
      is_default: true,
      display_name: 'GPT B',
    });
    expect(res.body.data[1]).toMatchObject({ is_default: false });
  });

  it('lists a configured default codex does not know first, and codex’s own default otherwise', async () => {
    const custom = await request(openAiApp({ CODEX_MODEL: 'my-local-model' }).app)
      .get('/v1/models')
      .expect(200);
    expect(custom.body.data[0]).toMatchObject({ id: 'my-local-model', owned_by: 'codex-api-bridge', is_default: true });
    expect(custom.body.data).toHaveLength(3);
    const plain = await request(openAiApp().app).get('/v1/models').expect(200);
    expect(plain.body.data.map((model: { id: string; is_default: boolean }) => [model.id, model.is_default])).toEqual([
      ['gpt-a', true],
      ['gpt-b', false],
    ]);
  });

  it('GET /v1/models/{model}: the model, or 404 in OpenAI shape', async () => {
    const { app } = openAiApp();
    expect((await request(app).get('/v1/models/gpt-b').expect(200)).body).toMatchObject({
      id: 'gpt-b',
      object: 'model',
    });
    expectOpenAiError(await request(app).get('/v1/models/gpt-z'), 404, { code: 'model_not_found' });
  });
});

describe('errors are OpenAI-shaped under /v1 only', () => {
  let introspection: FakeIntrospectionServer;
  beforeAll(async () => {
    introspection = await startFakeIntrospectionServer();
  });
  afterAll(async () => {
    await introspection.close();
  });

  const keycloakApp = () =>
    openAiApp({
      SECURITY_METHOD: 'Keycloak',
      KEYCLOAK_INTROSPECTION_URL: introspection.url,
      KEYCLOAK_CLIENT_ID: 'codex-bridge',
      KEYCLOAK_CLIENT_SECRET: 'bridge-secret',
    }).app;

  it('401 with the challenge and the bridge message; the rest of the API stays problem+json', async () => {
    const app = keycloakApp();
    const missing = await request(app).get('/v1/models');
    expectOpenAiError(missing, 401, {
      type: 'authentication_error',
      code: 'unauthorized',
      message: 'A bearer token is required (Authorization: Bearer <token>)',
    });
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="codex-api-bridge"');
    const inactive = await request(app).post('/v1/chat/completions').set('Authorization', 'Bearer nope').send({});
    expectOpenAiError(inactive, 401, { message: 'The bearer token is invalid, expired or revoked' });
    const own = await request(app).get('/threads');
    expect(own.status).toBe(401);
    expect(own.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('404 for an unknown /v1 route', async () => {
    expectOpenAiError(await request(openAiApp().app).post('/v1/embeddings').send({}), 404, {
      type: 'not_found_error',
      code: 'not_found',
    });
  });
});

describe('Swagger UI', () => {
  it('shows the /v1 routes under their own tag', async () => {
    const { app } = openAiApp();
    const init = await request(app).get('/docs/swagger-ui-init.js').expect(200);
    for (const route of [
      '/v1/responses',
      '/v1/responses/{response_id}/cancel',
      '/v1/chat/completions',
      '/v1/models/{model}',
    ])
      expect(init.text).toContain(`"${route}"`);
    const spec = (await request(app).get('/openapi.json').expect(200)).body as {
      tags: Array<{ name: string }>;
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(spec.tags.map((tag) => tag.name)).toContain('openai');
    const v1 = Object.entries(spec.paths).filter(([route]) => route.startsWith('/v1/'));
    expect(v1.flatMap(([, item]) => Object.values(item).flatMap((operation) => operation.tags ?? []))).toEqual(
      Array(6).fill('openai'),
    );
  });
});
