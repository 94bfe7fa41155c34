import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { parseSse } from '../support/bridge';
import { FAKE_MODEL_NAME } from '../support/fakeModel';
import { ALICE_TOKEN, startOpenAiBridge, type OpenAiBridge } from './openAiBridge';

/*
 * Codex's tool activity on the OpenAI routes: `codex.tool_calls` on the response, and `codex.tool_call.*`
 * stream events when asked for; the OpenAI clients read such turns without failing.
 */

let target: OpenAiBridge;
beforeAll(async () => {
  target = await startOpenAiBridge();
});
afterAll(async () => {
  await target?.stop();
});

const commandTurn = (reply: string) =>
  target.bridge.fake.enqueue({ kind: 'command', command: 'echo tool-output-42', then: { kind: 'text', text: reply } });

describe('codex tool activity on /v1', () => {
  it('is in codex.tool_calls of the response and in codex.tool_call.* events of the stream', async () => {
    commandTurn('I ran echo.');
    const client = new OpenAI({ baseURL: target.baseURL, apiKey: ALICE_TOKEN, maxRetries: 0 });
    const response = await client.responses.create({ input: 'Run echo' });
    expect(response.output_text).toBe('I ran echo.');
    expect(response.output.map((item) => item.type)).toEqual(['message']);
    const activity = (response as unknown as { codex: { tool_calls: Array<Record<string, unknown>> } }).codex;
    expect(activity.tool_calls).toEqual([
      expect.objectContaining({
        type: 'command_execution',
        status: 'completed',
        exit_code: 0,
        output: expect.stringContaining('tool-output-42'),
      }),
    ]);

    commandTurn('Streamed after echo.');
    const res = await fetch(`${target.baseURL}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'Run echo, streamed', stream: true, include: ['codex.tool_calls'] }),
    });
    const events = parseSse(await res.text()).map(
      (event) => JSON.parse(event.data) as { type: string; sequence_number: number; item?: Record<string, unknown> },
    );
    const types = events.map((event) => event.type);
    expect(types.indexOf('codex.tool_call.added')).toBeLessThan(types.indexOf('codex.tool_call.done'));
    expect(types.indexOf('codex.tool_call.done')).toBeLessThan(types.indexOf('response.output_item.added'));
    expect(events.find((event) => event.type === 'codex.tool_call.done')?.item).toMatchObject({
      type: 'command_execution',
      exit_code: 0,
    });
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  });

  it('the OpenAI clients read such turns without failing', async () => {
    const client = new OpenAI({ baseURL: target.baseURL, apiKey: ALICE_TOKEN, maxRetries: 0 });
    commandTurn('Helper saw it.');
    // Without `include`, no codex.* events: the helper throws on event types it does not know.
    const final = await client.responses.stream({ input: 'Run echo' }).finalResponse();
    expect(final.output_text).toBe('Helper saw it.');

    const provider = createOpenAI({ baseURL: target.baseURL, apiKey: ALICE_TOKEN });
    commandTurn('AI SDK streamed it.');
    const streamed = streamText({ model: provider(FAKE_MODEL_NAME), prompt: 'Run echo', maxRetries: 0 });
    expect(await streamed.text).toBe('AI SDK streamed it.');
    expect(await streamed.finishReason).toBe('stop');
    commandTurn('AI SDK generated it.');
    expect((await generateText({ model: provider(FAKE_MODEL_NAME), prompt: 'Run echo', maxRetries: 0 })).text).toBe(
      'AI SDK generated it.',
    );

    commandTurn('Chat saw it.');
    const completion = await client.chat.completions.create({
      model: FAKE_MODEL_NAME,
      messages: [{ role: 'user', content: 'Run echo' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Chat saw it.');
    expect((completion as unknown as { codex: { tool_calls: unknown[] } }).codex.tool_calls).toHaveLength(1);
  });
});
