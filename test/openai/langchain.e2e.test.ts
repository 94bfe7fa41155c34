import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { FAKE_MODEL_NAME } from '../support/fakeModel';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  INVALID_TOKEN_MESSAGE,
  startOpenAiBridge,
  threadsWithTurns,
  type OpenAiBridge,
} from './openAiBridge';

/* LangChain JS's ChatOpenAI with the bridge as baseURL and the bearer token as apiKey (Chat Completions by default). */

let target: OpenAiBridge;
beforeAll(async () => {
  target = await startOpenAiBridge();
});
afterAll(async () => {
  await target?.stop();
});

const chatModel = (options: { apiKey?: string; useResponsesApi?: boolean } = {}) =>
  new ChatOpenAI({
    model: FAKE_MODEL_NAME,
    apiKey: options.apiKey ?? ALICE_TOKEN,
    configuration: { baseURL: target.baseURL },
    maxRetries: 0,
    useResponsesApi: options.useResponsesApi ?? false,
  });

describe('LangChain ChatOpenAI', () => {
  it('invoke answers with the text and token usage', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'LangChain works.', chunks: 2 });
    const message = await chatModel().invoke([new SystemMessage('Be brief.'), new HumanMessage('Hello')]);
    expect(message.content).toBe('LangChain works.');
    expect(message.usage_metadata).toMatchObject({ input_tokens: 10, output_tokens: 2, total_tokens: 12 });
  });

  it('stream yields the deltas and, last, the usage', async () => {
    target.bridge.fake.enqueue({ kind: 'text', text: 'Streaming through LangChain.', chunks: 4 });
    const chunks = [];
    for await (const chunk of await chatModel().stream('Stream, please')) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.content).join('')).toBe('Streaming through LangChain.');
    expect(chunks.filter((chunk) => chunk.content !== '').length).toBe(4);
    expect(chunks.find((chunk) => chunk.usage_metadata)?.usage_metadata).toMatchObject({ output_tokens: 4 });
  });

  it('a conversation LangChain resends whole stays on one codex thread', async () => {
    const model = chatModel({ apiKey: BOB_TOKEN });
    target.bridge.fake.enqueue({ kind: 'text', text: 'First.' }, { kind: 'text', text: 'Second.' });
    const history: BaseMessage[] = [new HumanMessage('One')];
    history.push(new AIMessage(String((await model.invoke(history)).content)));
    history.push(new HumanMessage('Two'));
    expect((await model.invoke(history)).content).toBe('Second.');
    const threads = await threadsWithTurns(target, BOB_TOKEN);
    expect(threads).toHaveLength(1);
    expect(threads[0]?.turns).toHaveLength(2);
  });

  it('invoke and stream over the Responses API (useResponsesApi)', async () => {
    target.bridge.fake.enqueue(
      { kind: 'text', text: 'Via responses.' },
      { kind: 'text', text: 'Streamed via responses.', chunks: 2 },
    );
    expect((await chatModel({ useResponsesApi: true }).invoke('Hi')).text).toBe('Via responses.');
    let text = '';
    for await (const chunk of await chatModel({ useResponsesApi: true }).stream('Hi again')) text += chunk.text;
    expect(text).toBe('Streamed via responses.');
  });

  it("a wrong token is the openai client's AuthenticationError with the bridge message", async () => {
    const error = await chatModel({ apiKey: 'wrong-token' })
      .invoke('hi')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, lc_error_code: 'MODEL_AUTHENTICATION' });
    expect((error as Error).message).toContain(INVALID_TOKEN_MESSAGE);
  });

  it('a bad request is a BadRequestError naming the parameter', async () => {
    const error = await chatModel()
      .invoke([new HumanMessage('')])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'messages' });
  });
});
