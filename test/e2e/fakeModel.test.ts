import { rm } from 'node:fs/promises';
import { CodexHarness, type Notification } from '../support/codexHarness';
import { codexConfigArgs, fakeUsage, lastInputItem, startFakeModel, type FakeModel, type FakeReply } from '../support/fakeModel';
import { makeTempDir } from '../support/tempDir';

/* Proves the scripted fake model against the real codex binary, so other e2e tests can rely on it. */

interface Turn {
  id: string;
  status: string;
  error: unknown;
}

describe('fake model driving the real codex app-server', () => {
  let fake: FakeModel;
  let codex: CodexHarness;
  let workDir: string;
  let threadId: string;

  beforeEach(async () => {
    fake = await startFakeModel();
    workDir = makeTempDir('fake-model-cwd-');
    codex = await CodexHarness.start(codexConfigArgs(fake));
    const started = await codex.request<{ thread: { id: string } }>('thread/start', {
      cwd: workDir,
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
    });
    threadId = started.thread.id;
  });

  afterEach(async () => {
    await codex?.stop();
    await fake?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function startTurn(text: string): Promise<string> {
    const { turn } = await codex.request<{ turn: Turn }>('turn/start', { threadId, input: [{ type: 'text', text }] });
    return turn.id;
  }

  async function completedTurn(turnId: string): Promise<Turn> {
    const done = await codex.waitFor('turn/completed', (p) => (p.turn as Turn).id === turnId);
    return done.params.turn as Turn;
  }

  const itemOf = (n: Notification) => n.params.item as Record<string, unknown>;

  it('streams a text reply as deltas, a completed agent message and matching token usage', async () => {
    fake.enqueue({ kind: 'text', text: 'The quick brown fox', chunks: 4 });

    const turnId = await startTurn('hello');
    const turn = await completedTurn(turnId);

    expect(turn.status).toBe('completed');
    const deltas = codex.turnNotifications(turnId, 'item/agentMessage/delta').map((n) => n.params.delta);
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('The quick brown fox');
    const messages = codex.turnNotifications(turnId, 'item/completed').map(itemOf).filter((i) => i.type === 'agentMessage');
    expect(messages.map((m) => m.text)).toEqual(['The quick brown fox']);

    expect(fake.usages).toEqual([fakeUsage(4)]);
    const [usage] = codex.turnNotifications(turnId, 'thread/tokenUsage/updated');
    expect((usage?.params.tokenUsage as { last: unknown }).last).toMatchObject({
      inputTokens: 10,
      outputTokens: 4,
      totalTokens: 14,
    });
    expect(fake.requests).toHaveLength(1);
    expect(lastInputItem(fake.requests[0])).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: 'hello' }] });
  });

  it('makes codex run a command and answers its follow-up request', async () => {
    fake.enqueue({ kind: 'command', command: 'echo hi', then: { kind: 'text', text: 'It printed hi.' } });

    const turnId = await startTurn('say hi');
    const turn = await completedTurn(turnId);

    expect(turn.status).toBe('completed');
    const items = codex.turnNotifications(turnId, 'item/completed').map(itemOf);
    const command = items.find((i) => i.type === 'commandExecution');
    expect(command).toMatchObject({ status: 'completed', exitCode: 0, cwd: workDir });
    expect(command?.aggregatedOutput).toContain('hi');
    expect(items.filter((i) => i.type === 'agentMessage').map((m) => m.text)).toEqual(['It printed hi.']);

    expect(fake.requests).toHaveLength(2);
    expect(lastInputItem(fake.requests[1])).toMatchObject({ type: 'function_call_output', call_id: command?.id });
  });

  it('fails a turn on an HTTP 500 quickly and keeps the thread usable', async () => {
    fake.enqueue({ kind: 'http_error', status: 500 });

    const startedAt = Date.now();
    const failed = await completedTurn(await startTurn('break'));
    expect(failed.status).toBe('failed');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(fake.requests).toHaveLength(1); // no retries

    const next = await completedTurn(await startTurn('again'));
    expect(next.status).toBe('completed');
    expect(fake.requests).toHaveLength(2);
  });

  it.each<FakeReply>([
    { kind: 'http_error', status: 401 },
    { kind: 'http_error', status: 429 },
    { kind: 'drop' },
    { kind: 'failed' },
  ])('fails a turn on %j', async (reply) => {
    fake.enqueue(reply);
    expect((await completedTurn(await startTurn('break'))).status).toBe('failed');
  });

  it('keeps a turn waiting on a hung request until it is interrupted', async () => {
    fake.enqueue({ kind: 'hang' });

    const turnId = await startTurn('wait');
    await waitUntil(() => fake.requests.length === 1);
    await codex.request('turn/interrupt', { threadId, turnId });

    expect((await completedTurn(turnId)).status).toBe('interrupted');
  });

  it('lets a slow stream be interrupted', async () => {
    fake.enqueue({ kind: 'text', text: 'a very slow answer that never gets to finish', chunks: 20, delayMs: 500 });

    const turnId = await startTurn('take your time');
    await codex.waitFor('item/agentMessage/delta', (p) => p.turnId === turnId);
    await codex.request('turn/interrupt', { threadId, turnId });
    const turn = await completedTurn(turnId);

    expect(turn.status).toBe('interrupted');
    expect(codex.turnNotifications(turnId, 'item/agentMessage/delta').length).toBeLessThan(20);
    expect(fake.usages).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
