import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conversationHash, planChatTurn } from '../../src/openai/chatRequest';
import { ConversationStore, MAX_ENTRIES } from '../../src/openai/conversationStore';
import { openAiErrorBody, openAiParam } from '../../src/openai/errors';
import { parseResponseId, responseId } from '../../src/openai/ids';

/* The pure parts of the OpenAI mapping: ids, params, the chat rule, and the store that outlives a restart. */

describe('response ids', () => {
  it('round-trip thread and turn, and refuse anything the bridge did not make', () => {
    const ref = { threadId: '019a2f5e-8c1d-7d3e-9a4b-2f1e0c9d8b7a', turnId: '019a2f5e-9d2e-7a01-8c3b-5e6f7a8b9c0d' };
    expect(parseResponseId(responseId(ref))).toEqual(ref);
    for (const id of [
      'resp_',
      'msg_abc',
      `resp_${Buffer.from('a:b:c').toString('base64url')}`,
      `resp_${Buffer.from('../x:y').toString('base64url')}`,
    ])
      expect(parseResponseId(id)).toBeUndefined();
    // Another spelling of the same bytes (a non-zero padding bit) is not ours.
    const canonical = responseId({ threadId: 'ab', turnId: 'c' });
    const last = canonical.at(-1) ?? '';
    const sibling = canonical.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
    expect(Buffer.from(sibling.slice(5), 'base64url').toString()).toBe('ab:c');
    expect(parseResponseId(sibling)).toBeUndefined();
  });
});

describe('OpenAI error bodies', () => {
  it('name the param the way OpenAI does', () => {
    expect(openAiParam('/body/messages/0/content')).toBe('messages[0].content');
    expect(openAiParam('/body/metadata/key')).toBe('metadata.key');
    expect(openAiParam('/params/response_id')).toBe('response_id');
    expect(openAiParam('/body')).toBeNull();
    expect(
      openAiErrorBody({
        type: 'urn:codex-api-bridge:problem:validation-error',
        status: 400,
        detail: 'bad',
        errors: [
          { field: '/body/input', message: 'must be string' },
          { field: '/body/input/0/role', message: 'must be one of' },
        ],
      }),
    ).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'input[0].role', code: 'validation_error' },
    });
  });
});

describe('the Chat Completions thread rule', () => {
  it('hashes the prefix up to the last answer; the rest is the input', () => {
    const plan = planChatTurn({
      messages: [
        { role: 'developer', content: 'Rules.' },
        { role: 'user', content: ' one ' },
        { role: 'assistant', content: [{ type: 'text', text: 'reply' }] },
        { role: 'tool', content: 'tool said' },
        { role: 'user', content: 'two' },
      ],
    });
    expect(plan.prefixHash).toBe(
      conversationHash([
        { role: 'system', text: 'Rules.' },
        { role: 'user', text: 'one' },
        { role: 'assistant', text: 'reply' },
      ]),
    );
    expect(plan.input).toBe('Tool result: tool said\n\ntwo');
    expect(plan.developerInstructions).toBe('Rules.');
    expect(plan.seededPrompt).toContain('<transcript>\nUser: one\n\nAssistant: reply\n</transcript>');
  });

  it('has no prefix before the first answer, and a new thread gets the question as is', () => {
    const plan = planChatTurn({
      messages: [
        { role: 'system', content: 'Rules.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(plan.prefixHash).toBeUndefined();
    expect(plan.seededPrompt).toBe('hi');
  });
});

describe('ConversationStore', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openai-store-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('survives a restart, keeps users apart, and moves a thread to its newest hash', async () => {
    const dir = newDir();
    const first = new ConversationStore(dir);
    await first.advanceChat('alice', 'thread-1', 'h1');
    await first.advanceChat('alice', 'thread-1', 'h2');
    await first.advanceChat('Bob/../x', 'thread-2', 'h1');
    const restarted = new ConversationStore(dir);
    expect(await restarted.threadAt('alice', 'h1')).toBeUndefined();
    expect(await restarted.threadAt('alice', 'h2')).toBe('thread-1');
    expect(await restarted.threadAt('Bob/../x', 'h1')).toBe('thread-2');
    expect(await restarted.threadAt('alice', 'nope')).toBeUndefined();
    expect(fs.readdirSync(dir).every((name) => name.endsWith('.json') && !name.includes('/'))).toBe(true);
    expect(fs.statSync(path.join(dir, 'alice.json')).mode & 0o777).toBe(0o600);
  });

  it('starts empty, and says so, when its file is unreadable', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'alice.json'), '{"version": 2}');
    const problems: string[] = [];
    const store = new ConversationStore(dir, (error) => problems.push(error.message));
    expect(await store.threadAt('alice', 'h')).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining('ignoring unreadable')]);
  });

  it(`keeps the newest ${MAX_ENTRIES} conversations`, async () => {
    const store = new ConversationStore(newDir());
    for (let index = 0; index <= MAX_ENTRIES; index++) await store.advanceChat('alice', `thread-${index}`, `h${index}`);
    expect(await store.threadAt('alice', `h${MAX_ENTRIES}`)).toBe(`thread-${MAX_ENTRIES}`);
    expect(await store.threadAt('alice', 'h0')).toBeUndefined();
  });
});
