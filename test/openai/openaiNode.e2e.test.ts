import OpenAI from 'openai';
import { parseResponseId } from '../../src/openai/ids';
import { DEFAULT_REPLY_TEXT, FAKE_MODEL_NAME, fakeUsage, lastInputItem } from '../support/fakeModel';
import { waitUntil } from '../support/wait';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  INVALID_TOKEN_MESSAGE,
  startOpenAiBridge,
  threadsWithTurns,
  type OpenAiBridge,
} from './openAiBridge';

/*
 * The official `openai` npm client against the real bridge, real codex and the scripted model: Responses
 * and Chat Completions, streamed and not, continuation, retrieval, cancel, models and errors.
 * TURN_RETENTION_SECONDS=0: a user's finished turn leaves the turn store when their next one starts, so
 * older responses are read back from codex's history.
 */

let target: OpenAiBridge;
let client: OpenAI;

beforeAll(async () => {
  target = await startOpenAiBridge({ TURN_RETENTION_SECONDS: '0' });
  client = new OpenAI({ baseURL: target.baseURL, apiKey: ALICE_TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await target?.stop();
});

/** The text of every `input_text` the model got in one request (codex's own context included). */
function inputTexts(request: unknown): string[] {
  const input = (request as { input?: Array<{ content?: Array<{ text?: string }> }> }).input ?? [];
  return input.flatMap((item) => (item.content ?? []).map((part) => part.text ?? ''));
}

describe('Models', () => {
  it('lists codex catalogue with the configured default first, and retrieves one', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models[0]).toMatchObject({ id: FAKE_MODEL_NAME, object: 'model', is_default: true });
    // Codex's own catalogue follows (its bundled list: more than the configured default).
    expect(models.length).toBeGreaterThan(1);
    expect(models.filter((model) => (model as { is_default?: boolean }).is_default)).toHaveLength(1);
    const other = models[1]!;
    expect(await client.models.retrieve(other.id)).toMatchObject({ id: other.id, object: 'model' });
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('Responses', () => {
  it('answers a string input with output_text, usage from codex and the metadata', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Four.', chunks: 2 });
    const response = await client.responses.create({
      model: FAKE_MODEL_NAME,
      input: 'What is 2+2?',
      instructions: 'Answer in one word.',
      metadata: { ticket: 'T-1' },
    });
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: FAKE_MODEL_NAME,
      metadata: { ticket: 'T-1' },
    });
    expect(response.output_text).toBe('Four.');
    const usage = fakeUsage(2);
    expect(response.usage).toEqual({
      input_tokens: usage.input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.total_tokens,
    });
    // The id names the codex thread and turn; the instructions reached the model.
    const ref = parseResponseId(response.id);
    expect(ref).toEqual({ threadId: expect.any(String), turnId: expect.any(String) });
    const texts = inputTexts(target.bridge.fake.requests.at(-1));
    expect(texts).toContain('What is 2+2?');
    expect(texts.some((text) => text.includes('Answer in one word.'))).toBe(true);
  });

  it('puts a reasoning summary before the message in output', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Done thinking.', reasoning: 'Weighing the options.' });
    const response = await client.responses.create({
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Think' }] }],
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Weighing the options.' }],
    });
    expect(response.output_text).toBe('Done thinking.');
  });

  it('streams the Responses events in order with consecutive sequence numbers', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Streaming works.', chunks: 3 });
    const stream = await client.responses.create({ input: 'Stream please', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    expect(deltas.join('')).toBe('Streaming works.');
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.usage?.output_tokens).toBe(3);
  });

  it("works with the client's stream helper and its final response", async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Helper ok.' });
    const stream = client.responses.stream({ input: 'Use the helper' });
    let text = '';
    stream.on('response.output_text.delta', (event) => (text += event.delta));
    const final = await stream.finalResponse();
    expect(text).toBe('Helper ok.');
    expect(final.output_text).toBe('Helper ok.');
  });

  it('continues the same codex thread with previous_response_id', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Paris.' }, { kind: 'text', text: 'About two million.' });
    const first = await client.responses.create({ input: 'Capital of France?' });
    const second = await client.responses.create({
      input: 'How many people live there?',
      previous_response_id: first.id,
    });
    expect(second.output_text).toBe('About two million.');
    expect(second.previous_response_id).toBe(first.id);
    const firstRef = parseResponseId(first.id)!;
    const secondRef = parseResponseId(second.id)!;
    expect(secondRef.threadId).toBe(firstRef.threadId);
    expect(secondRef.turnId).not.toBe(firstRef.turnId);
    // Codex sent the model the whole thread: the first exchange, then the new question.
    const texts = inputTexts(target.bridge.fake.requests.at(-1));
    expect(texts).toEqual(expect.arrayContaining(['Capital of France?', 'Paris.', 'How many people live there?']));
    const thread = (await threadsWithTurns(target)).find((candidate) => candidate.threadId === firstRef.threadId);
    expect(thread?.turns).toEqual([firstRef.turnId, secondRef.turnId]);
  });

  it('retrieves a stored response: the latest from the turn store, an older one from history', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Older answer.' }, { kind: 'text', text: 'Newer answer.' });
    const older = await client.responses.create({ input: 'first', metadata: { n: '1' } });
    const newer = await client.responses.create({ input: 'second' });
    const latest = await client.responses.retrieve(newer.id);
    expect(latest).toMatchObject({ id: newer.id, status: 'completed', usage: { output_tokens: 3 } });
    const fromHistory = await client.responses.retrieve(older.id);
    expect(fromHistory).toMatchObject({ id: older.id, status: 'completed', usage: null, metadata: { n: '1' } });
    expect(fromHistory.output_text).toBe('Older answer.');
  });

  it('cancels a background response by interrupting its turn', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'a very slow answer', chunks: 30, delayMs: 300 });
    const started = await client.responses.create({ input: 'Take your time', background: true });
    expect(started.status).toBe('in_progress');
    await waitUntil(
      () =>
        target.bridge.fake.requests.length > 0 &&
        target.bridge.fake.requests.some((r) => inputTexts(r).includes('Take your time')),
      'the turn to reach the model',
    );
    const cancelled = await client.responses.cancel(started.id);
    expect(cancelled).toMatchObject({ id: started.id, status: 'cancelled' });
    expect((await client.responses.retrieve(started.id)).status).toBe('cancelled');
    await expect(client.responses.cancel(started.id)).rejects.toBeInstanceOf(OpenAI.ConflictError);
  });

  it('store: false runs on an ephemeral thread that /threads does not list', async () => {
    const before = (await threadsWithTurns(target)).length;
    const response = await client.responses.create({ input: 'Off the record', store: false });
    expect(response).toMatchObject({ status: 'completed', store: false });
    expect(response.output_text).toBe(DEFAULT_REPLY_TEXT);
    expect((await threadsWithTurns(target)).length).toBe(before);
  });
});

describe('Chat Completions', () => {
  it('answers with choices[0].message and usage', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Hi there!', chunks: 2 });
    const completion = await client.chat.completions.create({
      model: FAKE_MODEL_NAME,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(completion).toMatchObject({ object: 'chat.completion', model: FAKE_MODEL_NAME });
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Hi there!' },
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
    const texts = inputTexts(target.bridge.fake.requests.at(-1));
    expect(texts.some((text) => text.includes('You are terse.'))).toBe(true);
  });

  it('streams chunks with choices[0].delta, a usage chunk, then [DONE]', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Chunked reply.', chunks: 3 });
    const stream = await client.chat.completions.create({
      model: FAKE_MODEL_NAME,
      messages: [{ role: 'user', content: 'Stream it' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Chunked reply.');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
    });
  });

  it('keeps a three-request conversation on one codex thread with three turns', async () => {
    const bob = new OpenAI({ baseURL: target.baseURL, apiKey: BOB_TOKEN, maxRetries: 0 });
    const before = await threadsWithTurns(target, BOB_TOKEN);
    expect(before).toEqual([]);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Be helpful.' }];
    for (const [index, reply] of ['One.', 'Two.', 'Three.'].entries()) {
      target.bridge.fake.enqueue({ kind: 'text', text: reply });
      messages.push({ role: 'user', content: `Question ${index + 1}` });
      const completion = await bob.chat.completions.create({ model: FAKE_MODEL_NAME, messages });
      const content = completion.choices[0]?.message.content ?? '';
      expect(content).toBe(reply);
      messages.push({ role: 'assistant', content });
      // A continued thread gets only the new question, not a transcript.
      if (index > 0)
        expect(lastInputItem(target.bridge.fake.requests.at(-1))).toMatchObject({
          role: 'user',
          content: [{ text: `Question ${index + 1}` }],
        });
    }
    const threads = await threadsWithTurns(target, BOB_TOKEN);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.turns).toHaveLength(3);

    // An edited earlier answer is not what the thread holds: a new thread, seeded with the transcript.
    const edited = messages
      .slice(0, -1)
      .map((message) => (message.content === 'One.' ? { ...message, content: 'Uno.' } : message));
    await bob.chat.completions.create({
      model: FAKE_MODEL_NAME,
      messages: [...edited, { role: 'user', content: 'Question 4' }],
    });
    const seeded = inputTexts(target.bridge.fake.requests.at(-1)).find((text) => text.includes('<transcript>'));
    expect(seeded).toContain('Assistant: Uno.');
    expect(seeded).toContain('Question 4');
    expect(await threadsWithTurns(target, BOB_TOKEN)).toHaveLength(2);
  });
});

describe('errors in OpenAI shape', () => {
  it('a wrong token is an AuthenticationError with the bridge message', async () => {
    const stranger = new OpenAI({ baseURL: target.baseURL, apiKey: 'not-a-valid-token', maxRetries: 0 });
    for (const call of [
      () => stranger.chat.completions.create({ model: FAKE_MODEL_NAME, messages: [{ role: 'user', content: 'hi' }] }),
      () => stranger.responses.create({ input: 'hi' }),
      () => stranger.models.list(),
    ]) {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({ status: 401, type: 'authentication_error', code: 'unauthorized' });
      expect((error as Error).message).toContain(INVALID_TOKEN_MESSAGE);
    }
  });

  it('a bad request is a BadRequestError naming the parameter', async () => {
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => client.chat.completions.create({ model: FAKE_MODEL_NAME, messages: [] }), 'messages'],
      [
        () =>
          client.chat.completions.create({
            model: FAKE_MODEL_NAME,
            messages: [{ role: 'robot' as 'user', content: 'hi' }],
          }),
        'messages[0].role',
      ],
      [() => client.responses.create({ input: 42 as unknown as string }), 'input'],
      [
        () => client.responses.create({ input: 'hi', previous_response_id: 'resp_bm90LW91cnM' }),
        'previous_response_id',
      ],
    ];
    for (const [call, param] of cases) {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
    }
  });

  it('a model failure is a failed response, a failed stream, and a 502 for Chat Completions', async () => {
    target.bridge.fake.enqueue({ kind: 'http_error', status: 500 });
    const failed = await client.responses.create({ input: 'fail please' });
    expect(failed).toMatchObject({ status: 'failed', error: { message: expect.any(String) } });
    expect(failed.output_text).toBe('');

    target.bridge.fake.enqueue({ kind: 'http_error', status: 500 });
    const events = [];
    for await (const event of await client.responses.create({ input: 'fail in a stream', stream: true }))
      events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });

    target.bridge.fake.enqueue({ kind: 'http_error', status: 500 });
    const error = await client.chat.completions
      .create({ model: FAKE_MODEL_NAME, messages: [{ role: 'user', content: 'fail in chat' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 502, code: expect.any(String) });
  });

  it('an unknown response is a NotFoundError', async () => {
    await expect(client.responses.retrieve('resp_bm90LW91cnM')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
