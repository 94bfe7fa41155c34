import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { jsonEvents, startTestBridge, type TestBridge } from '../support/bridge';
import { FAKE_MODEL_NAME } from '../support/fakeModel';
import { assertMatchesSpec } from '../support/specSchemas';
import { waitUntil } from '../support/wait';
import { BridgeProblemError, createBridgeClient } from '../../src/sdk';

/*
 * Issue 16 (points 2-5) with the real codex 0.171 and the scripted model: GET /models and the model, effort and
 * summary of a turn; structured output; images; on_busy reject, steer and queue.
 */

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_URL = `data:image/png;base64,${PNG.toString('base64')}`;
const IMAGE_MAX_BYTES = 20_000;

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ IMAGE_MAX_BYTES: String(IMAGE_MAX_BYTES) });
});
afterAll(async () => {
  await bridge?.stop();
});

const api = () => request(bridge.url);
type Body = Record<string, unknown>;
const chat = (body: Body) => api().post('/chat').send({ stream: false, ...body });

/** The fake model's requests from index `from` on. */
const requestsSince = (from: number): Body[] => bridge.fake.requests.slice(from) as Body[];

function expectProblem(res: request.Response, status: number, field: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect((res.body as { errors?: Array<{ field: string }> }).errors?.map((error) => error.field)).toContain(field);
}

/** The user message codex sent the model last: its content parts. */
function lastUserContent(body: Body): Array<Record<string, unknown>> {
  const input = (body.input ?? []) as Array<Record<string, unknown>>;
  const user = input.filter((item) => item.type === 'message' && item.role === 'user').at(-1);
  return (user?.content ?? []) as Array<Record<string, unknown>>;
}

describe('GET /models and the model, effort and summary of a turn', () => {
  let catalogue: { default_model: string | null; models: Array<{ id: string; efforts: Array<{ effort: string }> }> };
  beforeAll(async () => {
    catalogue = (await api().get('/models').expect(200)).body;
  });

  it("lists codex's catalogue (model/list) with efforts, the configured default first", () => {
    assertMatchesSpec('ModelCatalogue', catalogue);
    expect(catalogue.default_model).toBe(FAKE_MODEL_NAME);
    expect(catalogue.models[0]).toMatchObject({ id: FAKE_MODEL_NAME, is_default: true, efforts: [] });
    const listed = catalogue.models.slice(1);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((model) => model.efforts.length > 0)).toBe(true);
  });

  it('refuses a model codex does not offer and an effort the model does not support, naming the field', async () => {
    expectProblem(await chat({ messages: [{ content: 'hi' }], model: 'no-such-model' }), 400, '/body/model');
    const listed = catalogue.models[1]!;
    expectProblem(await chat({ messages: [{ content: 'hi' }], model: listed.id, effort: 'astronomical' }), 400, '/body/effort');
    expectProblem(await chat({ messages: [{ content: 'hi' }], summary: 'verbose' }), 400, '/body/summary');
  });

  it('passes a listed model, its effort and the summary mode to the model provider', async () => {
    const listed = catalogue.models[1]!;
    // Not the highest: codex maps its top efforts onto others (ultra -> xhigh).
    const effort = (listed.efforts.find((option) => option.effort === 'high') ?? listed.efforts[0]!).effort;
    const before = bridge.fake.requests.length;
    const res = await chat({ messages: [{ content: 'think hard' }], model: listed.id, effort, summary: 'concise' }).expect(200);
    expect(res.body.status).toBe('completed');
    const sent = requestsSince(before)[0]!;
    expect(sent.model).toBe(listed.id);
    expect(sent.reasoning).toMatchObject({ effort, summary: 'concise' });
  });
});

describe('structured output (output_schema)', () => {
  const schema = {
    type: 'object',
    properties: { answer: { type: 'integer' } },
    required: ['answer'],
    additionalProperties: false,
  };

  it('returns the parsed answer in the result and in turn.completed; codex constrains the model with the schema', async () => {
    bridge.fake.enqueue({ kind: 'text', text: '{"answer": 4}' });
    const before = bridge.fake.requests.length;
    const res = await chat({ messages: [{ content: 'What is 2+2?' }], output_schema: schema }).expect(200);
    expect(res.body).toMatchObject({ status: 'completed', output: { answer: 4 }, message: '{"answer": 4}', error: null });
    expect(requestsSince(before)[0]!.text).toMatchObject({ format: { type: 'json_schema', schema } });

    bridge.fake.enqueue({ kind: 'text', text: '{"answer": 5}' });
    const streamed = await api()
      .post('/chat')
      .send({ messages: [{ content: 'And 2+3?' }], output_schema: schema })
      .expect(200);
    expect(jsonEvents(streamed.text).at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed', output: { answer: 5 } });
  });

  it('fails the turn with output_schema_mismatch when the answer does not match, keeping the text', async () => {
    bridge.fake.enqueue({ kind: 'text', text: '{"answer": "four"}' });
    const wrongType = await chat({ messages: [{ content: 'What is 2+2?' }], output_schema: schema }).expect(200);
    expect(wrongType.body).toMatchObject({
      status: 'failed',
      output: null,
      message: '{"answer": "four"}',
      error: { code: 'output_schema_mismatch', message: expect.stringContaining('/answer must be integer') },
    });
    bridge.fake.enqueue({ kind: 'text', text: 'four' });
    const notJson = await chat({ messages: [{ content: 'What is 2+2?' }], output_schema: schema }).expect(200);
    expect(notJson.body).toMatchObject({ status: 'failed', error: { code: 'output_schema_mismatch', message: expect.stringContaining('not JSON') } });
  });

  it('refuses a schema that is not one (400 naming output_schema); turns without it have no output field', async () => {
    expectProblem(await chat({ messages: [{ content: 'hi' }], output_schema: { type: 'nonsense' } }), 400, '/body/output_schema');
    const plain = await chat({ messages: [{ content: 'hi' }] }).expect(200);
    expect(plain.body).not.toHaveProperty('output');
  });
});

describe('images in message content', () => {
  it('sends a data URL image and a workspace image file to the model as image inputs', async () => {
    fs.mkdirSync(path.join(bridge.workDir, 'shots'), { recursive: true });
    fs.writeFileSync(path.join(bridge.workDir, 'shots', 'dot.png'), PNG);
    const before = bridge.fake.requests.length;
    const res = await chat({
      messages: [
        {
          content: [
            { type: 'text', text: 'What do these show?' },
            { type: 'image', data_url: PNG_URL, detail: 'original' },
            { type: 'image_file', path: 'shots/dot.png' },
          ],
        },
      ],
    }).expect(200);
    expect(res.body.status).toBe('completed');
    const content = lastUserContent(requestsSince(before)[0]!);
    expect(content.filter((part) => part.type === 'input_text').map((part) => part.text)).toContain('What do these show?');
    const images = content.filter((part) => part.type === 'input_image');
    expect(images).toHaveLength(2);
    for (const image of images) expect(String(image.image_url)).toMatch(/^data:image\/png;base64,/);
  });

  it('takes a message that is only an image', async () => {
    const before = bridge.fake.requests.length;
    await chat({ messages: [{ content: [{ type: 'image', data_url: PNG_URL }] }] }).expect(200);
    expect(lastUserContent(requestsSince(before)[0]!).some((part) => part.type === 'input_image')).toBe(true);
  });

  it.each([
    ['bytes that are not the type claimed', { type: 'image', data_url: `data:image/png;base64,${Buffer.from('#!/bin/sh\necho hi').toString('base64')}` }, 'data_url'],
    ['a type that is not a raster image', { type: 'image', data_url: `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}` }, 'data_url'],
    ['an image over IMAGE_MAX_BYTES', { type: 'image', data_url: `data:image/png;base64,${Buffer.concat([PNG, Buffer.alloc(IMAGE_MAX_BYTES)]).toString('base64')}` }, 'data_url'],
    ['a data URL that is not base64', { type: 'image', data_url: 'data:image/png,hello' }, 'data_url'],
    ['a file outside the workspace', { type: 'image_file', path: '../../etc/passwd' }, 'path'],
    ['an absolute path', { type: 'image_file', path: '/etc/passwd' }, 'path'],
    ['a file that does not exist', { type: 'image_file', path: 'shots/none.png' }, 'path'],
  ])('refuses %s with a 400 naming the part', async (_what, part, field) => {
    const before = bridge.fake.requests.length;
    const res = await chat({ messages: [{ content: [{ type: 'text', text: 'look' }, part] }] });
    expectProblem(res, 400, `/body/messages/0/content/1/${field}`);
    expect(bridge.fake.requests.length).toBe(before);
  });

  it('refuses a workspace file that is not an image, and a symlink leading out of the workspace', async () => {
    fs.writeFileSync(path.join(bridge.workDir, 'notes.png'), 'not an image at all');
    fs.symlinkSync('/etc/hostname', path.join(bridge.workDir, 'escape.png'));
    for (const file of ['notes.png', 'escape.png']) {
      const res = await chat({ messages: [{ content: [{ type: 'image_file', path: file }] }] });
      expectProblem(res, 400, '/body/messages/0/content/0/path');
    }
  });
});

describe('busy threads (on_busy)', () => {
  /** A thread whose turn runs slowly for a while; resolves with its ids once it runs. */
  async function busyThread(): Promise<{ thread_id: string; turn_id: string }> {
    const first = (await chat({ messages: [{ content: 'start' }] }).expect(200)).body as { thread_id: string };
    bridge.fake.enqueue({ kind: 'text', text: 'a slow answer in many pieces', chunks: 10, delayMs: 300 });
    const running = await api()
      .post('/chat')
      .send({ thread_id: first.thread_id, messages: [{ content: 'go slowly' }], background: true })
      .expect(202);
    return running.body as { thread_id: string; turn_id: string };
  }

  async function whenIdle(threadId: string, turnId: string): Promise<void> {
    await waitUntil(
      async () => (await api().get(`/threads/${threadId}/turns/${turnId}`).expect(200)).body.status !== 'running',
      'the running turn to end',
      30_000,
    );
  }

  it('reject (the default) answers 409 while the thread runs a turn', async () => {
    const running = await busyThread();
    const res = await chat({ thread_id: running.thread_id, messages: [{ content: 'me too' }] });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:codex-api-bridge:problem:turn-in-progress');
    const explicit = await chat({ thread_id: running.thread_id, messages: [{ content: 'me too' }], on_busy: 'reject' });
    expect(explicit.status).toBe(409);
    await whenIdle(running.thread_id, running.turn_id);
  });

  it('steer adds the messages to the running turn (turn/steer) and answers with that turn', async () => {
    const running = await busyThread();
    const before = bridge.fake.requests.length;
    const res = await chat({ thread_id: running.thread_id, messages: [{ content: 'also mention steering' }], on_busy: 'steer' }).expect(200);
    expect(res.body).toMatchObject({ thread_id: running.thread_id, turn_id: running.turn_id, status: 'completed' });
    const steered = requestsSince(before).some((sent) =>
      lastUserContent(sent).some((part) => part.type === 'input_text' && part.text === 'also mention steering'),
    );
    expect(steered).toBe(true);
  });

  it('steer on an idle thread starts a turn as usual', async () => {
    const first = (await chat({ messages: [{ content: 'start' }] }).expect(200)).body as { thread_id: string; turn_id: string };
    const res = await chat({ thread_id: first.thread_id, messages: [{ content: 'next' }], on_busy: 'steer' }).expect(200);
    expect(res.body.turn_id).not.toBe(first.turn_id);
    expect(res.body.status).toBe('completed');
  });

  it('queue runs the messages as the next turn once the current one ends: a result, or 202 TurnQueued', async () => {
    const running = await busyThread();
    const queuedInBackground = await api()
      .post('/chat')
      .send({ thread_id: running.thread_id, messages: [{ content: 'queued first' }], on_busy: 'queue', background: true })
      .expect(202);
    expect(queuedInBackground.body).toEqual({ thread_id: running.thread_id, status: 'queued', position: 1 });
    assertMatchesSpec('TurnQueued', queuedInBackground.body);

    const waited = await chat({ thread_id: running.thread_id, messages: [{ content: 'queued second' }], on_busy: 'queue' }).expect(200);
    expect(waited.body.status).toBe('completed');
    expect(waited.body.turn_id).not.toBe(running.turn_id);
    // It ran after the running turn and the one queued before it.
    const first = await api().get(`/threads/${running.thread_id}/turns/${running.turn_id}`).expect(200);
    expect(first.body.status).toBe('completed');
    const history = await api().get('/history').query({ thread_id: running.thread_id, limit: 100 }).expect(200);
    const userTexts = (history.body.messages as Array<{ role: string; content: string }>)
      .filter((message) => message.role === 'user')
      .map((message) => message.content);
    expect(userTexts.slice(-3)).toEqual(['go slowly', 'queued first', 'queued second']);
  });

  it('queue on an idle thread starts the turn at once (202 TurnAccepted in the background)', async () => {
    const first = (await chat({ messages: [{ content: 'start' }] }).expect(200)).body as { thread_id: string };
    const res = await api()
      .post('/chat')
      .send({ thread_id: first.thread_id, messages: [{ content: 'now' }], on_busy: 'queue', background: true })
      .expect(202);
    expect(res.body).toMatchObject({ status: 'running', turn_id: expect.any(String) });
    await whenIdle(first.thread_id, res.body.turn_id as string);
  });

  it('streams a queued turn once it runs, turn.started first', async () => {
    const running = await busyThread();
    const streamed = await api()
      .post('/chat')
      .send({ thread_id: running.thread_id, messages: [{ content: 'queued stream' }], on_busy: 'queue' })
      .expect(200);
    const events = jsonEvents(streamed.text);
    expect(events[0]).toMatchObject({ type: 'turn.started', thread_created: false });
    expect(events[0]!.turn_id).not.toBe(running.turn_id);
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', status: 'completed' });
  });
});

describe('through the SDK', () => {
  const client = () => createBridgeClient({ baseUrl: bridge.url });

  it('getModels, structured output and images are typed methods and fields', async () => {
    const catalogue = await client().getModels();
    expect(catalogue.default_model).toBe(FAKE_MODEL_NAME);
    bridge.fake.enqueue({ kind: 'text', text: '{"ok": true}' });
    const result = await client().chat({
      messages: [{ content: [{ type: 'text', text: 'check' }, { type: 'image', data_url: PNG_URL }] }],
      output_schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    });
    expect(result.output).toEqual({ ok: true });
  });

  it('queueBackgroundChat answers TurnQueued on a busy thread, TurnAccepted on an idle one', async () => {
    const first = await client().chat({ messages: [{ content: 'start' }] });
    bridge.fake.enqueue({ kind: 'text', text: 'slowly now', chunks: 6, delayMs: 300 });
    const running = await client().queueBackgroundChat({ thread_id: first.thread_id, messages: [{ content: 'slow' }] });
    expect(running.status).toBe('running');
    const queued = await client().queueBackgroundChat({ thread_id: first.thread_id, messages: [{ content: 'after' }] });
    expect(queued).toEqual({ thread_id: first.thread_id, status: 'queued', position: 1 });
    await expect(client().chat({ thread_id: first.thread_id, messages: [{ content: 'now' }] })).rejects.toBeInstanceOf(
      BridgeProblemError,
    );
    const last = await client().chat({ thread_id: first.thread_id, messages: [{ content: 'last' }], on_busy: 'queue' });
    expect(last.status).toBe('completed');
  });
});
